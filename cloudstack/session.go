package cloudstack

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/cloudstackwire"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// session is a logged-in session: the sessionkey (sent as a parameter and a
// cookie) and the JSESSIONID cookie, both held as cloudkeys.Secret so that
// no fmt path prints them, and the login's answer.
type session struct {
	key      cloudkeys.Secret
	jsession cloudkeys.Secret
	userID   string
	domainID string
	login    LoginResponse
}

// newSessions returns the session source of Login credentials: one login
// shared by every goroutine that needs the session, a new one after the
// server refuses the session, and the repeat policy.
//
// Repeat policy: every class — a write too — is sent once more after a
// new login, when the refusal is a 401 without a cserrorcode. That answer
// comes from the servlet's session check (ApiServlet, through
// getSerializedApiError, which sets no cserrorcode), made before the
// command is dispatched: the refused command provably did nothing, and the
// transport never re-sends a write whose answer was lost, so the repeat is
// the first time the command runs. A 401 that carries a cserrorcode comes
// from a command that ran, and drops nothing. The session has no expiry
// the client relies on (the server's timeout slides with use).
func (c *Client) newSessions() *transport.Session[*session] {
	return &transport.Session[*session]{
		Login: func(ctx context.Context) (*session, time.Time, error) {
			s, err := c.login(ctx)
			return s, time.Time{}, err
		},
		Expired: func(err error) bool {
			var ae *cloudkeys.APIError
			return errors.As(err, &ae) && ae.StatusCode == CodeUnauthorized && ae.Code == ""
		},
		Repeat: transport.RepeatAll,
		Now:    c.tc.Now,
	}
}

// LoginResponse is the answer to the login command (flat, no nested object).
// The session key is kept inside the client and never exposed.
type LoginResponse struct {
	UserID    string
	Username  string
	Account   string
	DomainID  string
	Type      string // account type, e.g. "1" (admin) or "0" (user)
	Timeout   int    // session timeout in seconds
	FirstName string
	LastName  string
	// Is2FAEnabled reports that validateUserTwoFactorAuthenticationCode must
	// be called before the session can be used (not supported here).
	Is2FAEnabled bool
}

type loginWire struct {
	Username     flexString `json:"username"`
	UserID       flexString `json:"userid"`
	DomainID     flexString `json:"domainid"`
	Timeout      flexString `json:"timeout"`
	Account      flexString `json:"account"`
	FirstName    flexString `json:"firstname"`
	LastName     flexString `json:"lastname"`
	Type         flexString `json:"type"`
	SessionKey   flexString `json:"sessionkey"`
	Is2FAEnabled flexString `json:"is2faenabled"`
}

// Login POSTs the login command (username, password, domain) as a form
// body, unsigned, and keeps the returned sessionkey and JSESSIONID cookie for
// later calls. Calls log in by themselves when needed (one login for every
// goroutine that needs it); call it to check the credentials early. Only for
// [Login] credentials. A failed login is a 531 (cloudkeys.ErrForbidden). The
// login is never re-sent after it may have arrived. A login answer that
// cannot be read (or names no session) is a *cloudkeys.UndecodableAnswerError
// matching cloudkeys.ErrServer only — a session is not a key, so nothing is
// kept — and is never quoted.
//
// When the server refuses the session (a 401 without a cserrorcode, from
// its session check before the command runs), the client logs in again
// once and repeats that command, a write too: the refused command did
// nothing.
func (c *Client) Login(ctx context.Context) (*LoginResponse, error) {
	if c.creds.kind != credLogin {
		return nil, cloudkeys.InvalidInput(Vendor, "creds", "Login needs Login credentials")
	}
	s, err := c.sessions.Renew(ctx)
	if err != nil {
		return nil, err
	}
	lr := s.login
	return &lr, nil
}

// login logs in and returns the new session (c.sessions adopts it).
func (c *Client) login(ctx context.Context) (*session, error) {
	domain := c.creds.domain
	if domain == "" {
		domain = "/"
	}
	form := url.Values{
		"command": {"login"}, "username": {c.creds.username}, "password": {c.creds.password.Reveal()},
		"domain": {domain}, "response": {"json"},
	}
	k := transport.Call{
		Operation: "login", Class: transport.Write, Method: http.MethodPost,
		Header: http.Header{"Content-Type": {formType}}, In: []byte(cloudstackwire.EncodeForm(form)), NoSign: true, Session: true,
	}
	resp, err := c.tc.Call(ctx, k)
	if err != nil {
		return nil, err
	}
	// A session answer that cannot be read is not a key: it is reported as
	// a read's (a plain error matching cloudkeys.ErrServer, nothing kept),
	// never quoted.
	r := &reply{call: &k, resp: resp}
	_, inner, err := unwrap(resp.Body)
	if err != nil {
		return nil, c.unreadable(r, answerProblem(err))
	}
	r.inner = inner
	var w loginWire
	if err := c.decode(r, &w); err != nil {
		return nil, err
	}
	key, jsession := string(w.SessionKey), ""
	for _, ck := range (&http.Response{Header: resp.Header}).Cookies() {
		switch ck.Name {
		case "JSESSIONID":
			jsession = ck.Value
		case "sessionkey":
			if key == "" {
				key = ck.Value
			}
		}
	}
	if key == "" {
		return nil, c.unreadable(r, &transport.BadAnswer{Problem: "login answer carries no sessionkey"})
	}
	c.tc.AddSecret(key)
	c.tc.AddSecret(jsession)
	return &session{
		key: cloudkeys.NewSecret(key), jsession: cloudkeys.NewSecret(jsession), userID: string(w.UserID), domainID: string(w.DomainID),
		login: LoginResponse{
			UserID: string(w.UserID), Username: string(w.Username), Account: string(w.Account),
			DomainID: string(w.DomainID), Type: string(w.Type), Timeout: w.Timeout.int(),
			FirstName: string(w.FirstName), LastName: string(w.LastName), Is2FAEnabled: w.Is2FAEnabled.bool(),
		},
	}, nil
}

// sessionCall is a call that carries session s: the sessionkey parameter
// and the JSESSIONID and sessionkey cookies, no signature.
func sessionCall(cl call, full url.Values, s *session) transport.Call {
	return transport.Call{
		Operation: cl.command, Class: cl.class, Method: cl.method(),
		Sign: func(_ context.Context, o *transport.Outgoing) error {
			p := cloneValues(full)
			key := s.key.Reveal()
			p.Set("sessionkey", key)
			place(o, cl.post, cloudstackwire.EncodeForm(p))
			cookies := []string{"sessionkey=" + key}
			if js := s.jsession.Reveal(); js != "" {
				cookies = append([]string{"JSESSIONID=" + js}, cookies...)
			}
			o.Header.Set("Cookie", strings.Join(cookies, "; "))
			return nil
		},
	}
}

// Logout sends the logout command with the current session and forgets it.
// Without a session it does nothing. Only for [Login] credentials.
func (c *Client) Logout(ctx context.Context) error {
	if c.creds.kind != credLogin {
		return cloudkeys.InvalidInput(Vendor, "creds", "Logout needs Login credentials")
	}
	s, ok := c.sessions.Current()
	if !ok {
		return nil
	}
	c.sessions.Forget()
	full := url.Values{"command": {"logout"}, "response": {"json"}}
	_, err := c.tc.Call(ctx, sessionCall(call{command: "logout", class: transport.IdempotentWrite, post: true}, full, s))
	return err
}
