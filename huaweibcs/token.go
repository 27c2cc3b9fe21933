package huaweibcs

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// defaultTokenLifetime is assumed when the answer carries no expires_at
// (IAM tokens are valid 24 h). A token is replaced transport.RenewBefore
// its expiry.
const defaultTokenLifetime = 24 * time.Hour

// HeaderSubjectToken carries the token in IAM's 201 answer to a login.
const HeaderSubjectToken = "X-Subject-Token"

// newTokenSource returns the session source of Password credentials: it
// logs in with POST <iam>/v3/auth/tokens (once for every concurrent
// caller), keeps the token until shortly before its expires_at, and logs
// in again when an answer is 401.
//
// Repeat policy: every class, a create (transport.Write) included, is sent
// once more with the new token after a 401. That is safe because:
//
//   - the 401 is a complete answer to the only request that reached the
//     server: the transport never re-sends a Write that may have left (a
//     lost answer is cloudkeys.ErrOutcomeUnknown, returned without a
//     response, and is never repeated here);
//   - a 401 means the request was not carried out: RFC 9110 §15.5.2 ("the
//     request has not been applied because it lacks valid authentication
//     credentials"); Huawei's API gateway authenticates before it forwards
//     (APIGW.0301/0303 are raised before NES sees the request), and NES's
//     own BCS.03401001 ("Authorization failed", "The token must be
//     updated") refuses the call;
//   - so the repeat is the first create that is carried out, and the
//     second 401, if any, is returned as is.
//
// A token expires (24 h), or is invalidated by a password or permission
// change, while cached; without the repeat such a create would fail
// although a fresh login would succeed. AK/SK and Token credentials have no
// session source and are never repeated (a bad AK/SK would only count
// towards the AK lockout; a fixed token cannot be renewed).
func newTokenSource(t *transport.Client, creds Credentials, pid string) (*transport.Session[cloudkeys.Secret], error) {
	u, err := transport.ParseEndpoint(Vendor, creds.iam)
	if err != nil {
		return nil, cloudkeys.InvalidInput(Vendor, "Password.iamEndpoint", "must be an absolute http(s) URL without query")
	}
	p := strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/v3")
	u.Path = p + "/v3/auth/tokens"
	u.RawPath = ""
	return &transport.Session[cloudkeys.Secret]{
		Login: func(ctx context.Context) (cloudkeys.Secret, time.Time, error) { return login(ctx, t, creds, pid, u) },
		Expired: func(err error) bool {
			ae := apiError(err)
			return ae != nil && ae.StatusCode == http.StatusUnauthorized
		},
		Repeat: transport.RepeatAll,
		Now:    t.Now,
	}, nil
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
// X-Subject-Token, its expiry from the body's token.expires_at (24 h from
// now when the body does not say). An answer without the token is a
// *cloudkeys.UndecodableAnswerError matching cloudkeys.ErrServer only: a
// token is not a key, nothing is kept.
func login(ctx context.Context, t *transport.Client, creds Credentials, pid string, u *url.URL) (cloudkeys.Secret, time.Time, error) {
	var lb loginBody
	lb.Auth.Identity.Methods = []string{"password"}
	lb.Auth.Identity.Password.User.Name = creds.user
	lb.Auth.Identity.Password.User.Password = creds.password.Reveal()
	lb.Auth.Identity.Password.User.Domain.Name = creds.domain
	lb.Auth.Scope.Project.ID = pid
	var tok string
	resp, err := t.Call(ctx, transport.Call{
		Operation: LoginOperation,
		Class:     transport.IdempotentWrite, // a second token revokes nothing
		Method:    http.MethodPost,
		URL:       u,
		Header:    http.Header{"Content-Type": {"application/json;charset=utf8"}},
		In:        lb,
		NoSign:    true,
		Session:   true,
		Need: func(resp *transport.Response) error {
			if tok = resp.Header.Get(HeaderSubjectToken); tok == "" {
				return &transport.BadAnswer{Problem: "no " + HeaderSubjectToken + " header in the answer"}
			}
			return nil
		},
	})
	if err != nil {
		return cloudkeys.Secret{}, time.Time{}, err
	}
	t.AddSecret(tok)
	var tb struct {
		Token struct {
			ExpiresAt string `json:"expires_at"`
		} `json:"token"`
	}
	exp := t.Now().Add(defaultTokenLifetime)
	if json.Unmarshal(resp.Body, &tb) == nil && tb.Token.ExpiresAt != "" {
		if at, err := time.Parse(time.RFC3339Nano, tb.Token.ExpiresAt); err == nil {
			exp = at
		}
	}
	return cloudkeys.NewSecret(tok), exp, nil
}
