package huaweibcs

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

const (
	// tokenMargin is how long before expires_at a cached token is replaced.
	tokenMargin = 5 * time.Minute
	// defaultTokenLifetime is assumed when the answer carries no expires_at
	// (IAM tokens are valid 24 h).
	defaultTokenLifetime = 24 * time.Hour
)

// HeaderSubjectToken carries the token in IAM's 201 answer to a login.
const HeaderSubjectToken = "X-Subject-Token"

// tokenSource logs in with a password and caches the token. One login is
// shared by all concurrent callers.
type tokenSource struct {
	t     *transport.Client
	creds Credentials
	pid   string
	url   string

	mu        sync.Mutex
	tok       cloudkeys.Secret
	refreshAt time.Time
	expiresAt time.Time
	flight    *loginFlight
}

type loginFlight struct {
	done chan struct{}
	tok  cloudkeys.Secret
	err  error
}

func newTokenSource(t *transport.Client, creds Credentials, pid string) (*tokenSource, error) {
	u, err := transport.ParseEndpoint(Vendor, creds.iam)
	if err != nil {
		return nil, cloudkeys.InvalidInput(Vendor, "Password.iamEndpoint", "must be an absolute http(s) URL without query")
	}
	p := strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/v3")
	u.Path = p + "/v3/auth/tokens"
	u.RawPath = ""
	return &tokenSource{t: t, creds: creds, pid: pid, url: u.String()}, nil
}

// get returns a valid token, logging in when there is none or it is about to
// expire.
func (s *tokenSource) get(ctx context.Context) (string, error) {
	for {
		s.mu.Lock()
		if !s.tok.IsZero() && s.t.Now().Before(s.refreshAt) {
			tok := s.tok.Reveal()
			s.mu.Unlock()
			return tok, nil
		}
		if f := s.flight; f != nil {
			s.mu.Unlock()
			select {
			case <-f.done:
			case <-ctx.Done():
				return "", ctx.Err()
			}
			if f.err != nil && ctx.Err() == nil &&
				(errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)) {
				continue // the leader gave up, not us: try again
			}
			return f.tok.Reveal(), f.err
		}
		f := &loginFlight{done: make(chan struct{})}
		s.flight = f
		s.mu.Unlock()

		tok, exp, err := s.login(ctx)

		s.mu.Lock()
		if err == nil {
			now := s.t.Now()
			margin := tokenMargin
			if life := exp.Sub(now); life < 2*tokenMargin {
				margin = life / 2
			}
			s.tok, s.expiresAt, s.refreshAt = tok, exp, exp.Add(-margin)
		}
		f.tok, f.err = tok, err
		s.flight = nil
		close(f.done)
		s.mu.Unlock()
		return tok.Reveal(), err
	}
}

// invalidate drops tok from the cache if it is still the cached one.
func (s *tokenSource) invalidate(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok.Reveal() == tok {
		s.tok = cloudkeys.Secret{}
	}
}

type loginBody struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password struct {
				User struct {
					Name     string `json:"name"`
					Password string `json:"password"`
					Domain   struct {
						Name string `json:"name"`
					} `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope struct {
			Project struct {
				ID string `json:"id"`
			} `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

// LoginOperation is the operation name of the IAM password login in errors.
const LoginOperation = "KeystoneCreateUserTokenByPassword"

// login sends POST <iam>/v3/auth/tokens and reads the token from
// X-Subject-Token.
func (s *tokenSource) login(ctx context.Context) (cloudkeys.Secret, time.Time, error) {
	var lb loginBody
	lb.Auth.Identity.Methods = []string{"password"}
	lb.Auth.Identity.Password.User.Name = s.creds.user
	lb.Auth.Identity.Password.User.Password = s.creds.password.Reveal()
	lb.Auth.Identity.Password.User.Domain.Name = s.creds.domain
	lb.Auth.Scope.Project.ID = s.pid
	body, err := json.Marshal(lb)
	if err != nil {
		return cloudkeys.Secret{}, time.Time{}, err
	}
	u, err := transport.ParseEndpoint(Vendor, s.url)
	if err != nil {
		return cloudkeys.Secret{}, time.Time{}, err
	}
	resp, err := s.t.Do(ctx, &transport.Request{
		Operation: LoginOperation,
		Class:     transport.IdempotentWrite, // a second token revokes nothing
		Method:    http.MethodPost,
		URL:       u,
		Header:    http.Header{"Content-Type": {"application/json;charset=utf8"}},
		Body:      body,
		NoSign:    true,
	})
	if err != nil {
		return cloudkeys.Secret{}, time.Time{}, err
	}
	tok := resp.Header.Get(HeaderSubjectToken)
	if tok == "" {
		// A login answer is not a key: a plain error, its request id
		// (server text) cleaned like every other.
		return cloudkeys.Secret{}, time.Time{}, s.t.Finish(&cloudkeys.APIError{
			Vendor: Vendor, Operation: LoginOperation, StatusCode: resp.StatusCode,
			Message: "no " + HeaderSubjectToken + " header in the answer", Attempts: resp.Attempts,
			RequestID: resp.Header.Get(RequestIDHeader), Kind: cloudkeys.ErrServer,
		})
	}
	s.t.AddSecret(tok)
	var tb struct {
		Token struct {
			ExpiresAt string `json:"expires_at"`
		} `json:"token"`
	}
	exp := s.t.Now().Add(defaultTokenLifetime)
	if json.Unmarshal(resp.Body, &tb) == nil && tb.Token.ExpiresAt != "" {
		if t, err := time.Parse(time.RFC3339Nano, tb.Token.ExpiresAt); err == nil {
			exp = t
		}
	}
	return cloudkeys.NewSecret(tok), exp, nil
}
