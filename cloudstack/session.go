package cloudstack

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// session is a logged-in session: the sessionkey (sent as a parameter and a
// cookie) and the JSESSIONID cookie, both held as cloudkeys.Secret so that
// no fmt path prints them.
type session struct {
	key      cloudkeys.Secret
	jsession cloudkeys.Secret
	userID   string
	domainID string
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
// later calls. Calls log in by themselves when needed; call it to check the
// credentials early. Only for [Login] credentials. A failed login is a 531
// (cloudkeys.ErrForbidden). The login is never re-sent after it may have
// arrived. A login answer that cannot be read (or names no session) is a
// *cloudkeys.UndecodableAnswerError matching cloudkeys.ErrServer only — a
// session is not a key, so nothing is kept — and is never quoted.
func (c *Client) Login(ctx context.Context) (*LoginResponse, error) {
	if c.creds.kind != credLogin {
		return nil, cloudkeys.InvalidInput(vendor, "creds", "Login needs Login credentials")
	}
	c.loginMu.Lock()
	defer c.loginMu.Unlock()
	return c.login(ctx)
}

// login runs with loginMu held.
func (c *Client) login(ctx context.Context) (*LoginResponse, error) {
	domain := c.creds.domain
	if domain == "" {
		domain = "/"
	}
	form := url.Values{
		"command": {"login"}, "username": {c.creds.username}, "password": {c.creds.password.Reveal()},
		"domain": {domain}, "response": {"json"},
	}
	resp, err := c.tc.Do(ctx, &transport.Request{
		Operation: "login", Class: transport.Write, Method: http.MethodPost,
		Header: http.Header{"Content-Type": {formType}}, Body: []byte(encodeForm(form)), NoSign: true,
	})
	if err != nil {
		return nil, err
	}
	// A session answer that cannot be read is not a key: it is reported as
	// a read's (a plain error matching cloudkeys.ErrServer, nothing kept),
	// never quoted.
	r := &reply{req: &transport.Request{Operation: "login", Class: transport.Read}, resp: resp}
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
	s := &session{key: cloudkeys.NewSecret(key), jsession: cloudkeys.NewSecret(jsession), userID: string(w.UserID), domainID: string(w.DomainID)}
	c.sessMu.Lock()
	c.sess = s
	c.sessMu.Unlock()
	return &LoginResponse{
		UserID: string(w.UserID), Username: string(w.Username), Account: string(w.Account),
		DomainID: string(w.DomainID), Type: string(w.Type), Timeout: w.Timeout.int(),
		FirstName: string(w.FirstName), LastName: string(w.LastName), Is2FAEnabled: w.Is2FAEnabled.bool(),
	}, nil
}

// current returns the session, logging in when there is none.
func (c *Client) current(ctx context.Context) (*session, error) {
	c.sessMu.Lock()
	s := c.sess
	c.sessMu.Unlock()
	if s != nil {
		return s, nil
	}
	c.loginMu.Lock()
	defer c.loginMu.Unlock()
	c.sessMu.Lock()
	s = c.sess
	c.sessMu.Unlock()
	if s != nil {
		return s, nil
	}
	if _, err := c.login(ctx); err != nil {
		return nil, err
	}
	c.sessMu.Lock()
	defer c.sessMu.Unlock()
	return c.sess, nil
}

// drop forgets s if it is still the current session.
func (c *Client) drop(s *session) {
	c.sessMu.Lock()
	defer c.sessMu.Unlock()
	if c.sess == s {
		c.sess = nil
	}
}

// doSession sends a command with the session; on a 401 it drops the session
// and, for reads, logs in again and repeats the call once.
func (c *Client) doSession(ctx context.Context, cl call, full url.Values) (*transport.Response, error) {
	for try := 0; ; try++ {
		s, err := c.current(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := c.send(ctx, sessionRequest(cl, full, s))
		if err == nil {
			return resp, nil
		}
		var ae *cloudkeys.APIError
		if !errors.As(err, &ae) || ae.StatusCode != http.StatusUnauthorized {
			return nil, err
		}
		c.drop(s)
		if cl.class == transport.Write || try > 0 {
			return nil, err
		}
	}
}

func sessionRequest(cl call, full url.Values, s *session) *transport.Request {
	method := http.MethodGet
	if cl.post {
		method = http.MethodPost
	}
	return &transport.Request{
		Operation: cl.command, Class: cl.class, Method: method,
		Sign: func(_ context.Context, o *transport.Outgoing) error {
			p := cloneValues(full)
			key := s.key.Reveal()
			p.Set("sessionkey", key)
			place(o, cl.post, encodeForm(p))
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
		return cloudkeys.InvalidInput(vendor, "creds", "Logout needs Login credentials")
	}
	c.sessMu.Lock()
	s := c.sess
	c.sess = nil
	c.sessMu.Unlock()
	if s == nil {
		return nil
	}
	full := url.Values{"command": {"logout"}, "response": {"json"}}
	_, err := c.send(ctx, sessionRequest(call{command: "logout", class: transport.IdempotentWrite, post: true}, full, s))
	return err
}
