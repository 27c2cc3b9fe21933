package zstack

import (
	"context"
	"net/http"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
	"github.com/cloudkeys/cloudkeys/internal/zstackwire"
)

// Session is a login session (SessionInventory). UUID is the bearer
// credential sent as "Authorization: OAuth <uuid>"; it is a Secret.
type Session struct {
	UUID        cloudkeys.Secret
	AccountUUID string
	UserUUID    string
	UserType    string
	ExpiredDate time.Time // server-local wall time, parsed in the server zone
	CreateDate  time.Time
}

type sessionWire struct {
	UUID        cloudkeys.Secret `json:"uuid"`
	AccountUUID string           `json:"accountUuid"`
	UserUUID    string           `json:"userUuid"`
	UserType    string           `json:"userType"`
	ExpiredDate string           `json:"expiredDate"`
	CreateDate  string           `json:"createDate"`
}

type sessionReply struct {
	Inventory *sessionWire `json:"inventory"`
}

// check: a session answer carries the session's uuid.
func (r *sessionReply) check() error {
	if r.Inventory == nil || r.Inventory.UUID.IsZero() {
		return &transport.BadAnswer{Problem: "answer without a session inventory"}
	}
	return nil
}

// sessionFrom reads a session answer that passed its check (invoke makes
// it the call's Need).
func (c *Client) sessionFrom(r sessionReply) *Session {
	w := r.Inventory
	c.tc.AddSecret(w.UUID.Reveal())
	s := &Session{UUID: w.UUID, AccountUUID: w.AccountUUID, UserUUID: w.UserUUID, UserType: w.UserType}
	// Dates are informative: an unparsable one is left zero.
	s.ExpiredDate, _ = zstackwire.ParseInventoryDate(w.ExpiredDate, c.loc)
	s.CreateDate, _ = zstackwire.ParseInventoryDate(w.CreateDate, c.loc)
	return s
}

// LogInByAccount logs in with PUT /zstack/v1/accounts/login
// {"logInByAccount":{"accountName","password":<sha512 hex>}} (synchronous,
// unauthenticated) and returns the new session without adopting it. Wrong
// credentials are ID.1000 (ErrUnauthorized).
func (c *Client) LogInByAccount(ctx context.Context, accountName, password string) (*Session, error) {
	if accountName == "" {
		return nil, cloudkeys.InvalidInput(Vendor, "accountName", "must not be empty")
	}
	if password == "" {
		return nil, cloudkeys.InvalidInput(Vendor, "password", "must not be empty")
	}
	hash := zstackwire.HashPassword(password)
	c.tc.PinSecret(password)
	c.tc.PinSecret(hash)
	var r sessionReply
	err := c.invoke(ctx, transport.Call{
		Operation: "LogInByAccount", Method: http.MethodPut, Path: "/accounts/login",
		In: map[string]any{"logInByAccount": map[string]string{"accountName": accountName, "password": hash}},
		// Every login creates a session (they count toward
		// session.maxConcurrent): a lost answer is not re-sent.
		Class: transport.Write, NoSign: true, Session: true, Out: &r})
	if err != nil {
		return nil, err
	}
	return c.sessionFrom(r), nil
}

// LogInByUser logs in as a user of an account with PUT
// /zstack/v1/accounts/users/login
// {"logInByUser":{"accountName","userName","password":<sha512 hex>}} and
// returns the new session without adopting it.
func (c *Client) LogInByUser(ctx context.Context, accountName, userName, password string) (*Session, error) {
	switch {
	case accountName == "":
		return nil, cloudkeys.InvalidInput(Vendor, "accountName", "must not be empty")
	case userName == "":
		return nil, cloudkeys.InvalidInput(Vendor, "userName", "must not be empty")
	case password == "":
		return nil, cloudkeys.InvalidInput(Vendor, "password", "must not be empty")
	}
	hash := zstackwire.HashPassword(password)
	c.tc.PinSecret(password)
	c.tc.PinSecret(hash)
	var r sessionReply
	err := c.invoke(ctx, transport.Call{
		Operation: "LogInByUser", Method: http.MethodPut, Path: "/accounts/users/login",
		In: map[string]any{"logInByUser": map[string]string{"accountName": accountName, "userName": userName, "password": hash}},
		// Every login creates a session (they count toward
		// session.maxConcurrent): a lost answer is not re-sent.
		Class: transport.Write, NoSign: true, Session: true, Out: &r})
	if err != nil {
		return nil, err
	}
	return c.sessionFrom(r), nil
}

// LogIn logs in now with the client's AccountLogin or UserLogin
// credentials and adopts the session for later calls (the client also does
// this by itself before the first call and after an ID.1001). With other
// credentials it returns an error matching [cloudkeys.ErrUnsupported].
func (c *Client) LogIn(ctx context.Context) (*Session, error) {
	if c.sessions == nil {
		return nil, cloudkeys.Unsupported(Vendor, "LogIn", "needs AccountLogin or UserLogin credentials")
	}
	return c.sessions.Renew(ctx)
}

// logIn is the Login of the client's session source.
func (c *Client) logIn(ctx context.Context) (*Session, error) {
	if c.creds.kind == credUser {
		return c.LogInByUser(ctx, c.creds.account, c.creds.user, c.creds.password.Reveal())
	}
	return c.LogInByAccount(ctx, c.creds.account, c.creds.password.Reveal())
}

// CurrentSession returns the session the client uses, or nil (AccessKey
// credentials, or not logged in yet).
func (c *Client) CurrentSession() *Session {
	if c.creds.kind == credSession {
		return &Session{UUID: c.creds.session}
	}
	if c.sessions == nil {
		return nil
	}
	s, ok := c.sessions.Current()
	if !ok {
		return nil
	}
	cp := *s
	return &cp
}

// sessionArg resolves a session uuid argument ("" means the current one)
// and returns it with its escaped path segment. "." and ".." are refused
// before any request.
func (c *Client) sessionArg(sessionUUID string) (id, seg string, err error) {
	if sessionUUID == "" {
		if s := c.CurrentSession(); s != nil {
			sessionUUID = s.UUID.Reveal()
		}
	}
	if sessionUUID == "" {
		return "", "", cloudkeys.InvalidInput(Vendor, "sessionUUID", "no session given and the client holds none")
	}
	if seg, err = transport.PathSegment(Vendor, "sessionUUID", sessionUUID); err != nil {
		return "", "", err
	}
	c.tc.AddSecret(sessionUUID)
	return sessionUUID, seg, nil
}

// LogOut ends a session with DELETE /zstack/v1/accounts/sessions/{uuid}
// (synchronous, no Authorization needed). sessionUUID "" logs out the
// client's own session, which the client then forgets (it logs in again on
// the next call when it holds login credentials).
func (c *Client) LogOut(ctx context.Context, sessionUUID string) error {
	own := sessionUUID == ""
	id, seg, err := c.sessionArg(sessionUUID)
	if err != nil {
		return err
	}
	err = c.invoke(ctx, transport.Call{Operation: "LogOut", Method: http.MethodDelete, Path: "/accounts/sessions/" + seg, Class: transport.IdempotentWrite, NoSign: true})
	if err != nil {
		return err
	}
	if cur := c.CurrentSession(); c.sessions != nil && (own || cur != nil && id == cur.UUID.Reveal()) {
		c.sessions.Forget()
	}
	return nil
}

// ValidateSession asks GET /zstack/v1/accounts/sessions/{uuid}/valid
// (synchronous, no Authorization needed) whether a session is still valid.
// sessionUUID "" checks the client's own session.
func (c *Client) ValidateSession(ctx context.Context, sessionUUID string) (bool, error) {
	_, seg, err := c.sessionArg(sessionUUID)
	if err != nil {
		return false, err
	}
	var r struct {
		Valid bool `json:"valid"`
	}
	err = c.invoke(ctx, transport.Call{Operation: "ValidateSession", Method: http.MethodGet, Path: "/accounts/sessions/" + seg + "/valid", Class: transport.Read, NoSign: true, Out: &r})
	return r.Valid, err
}

// RenewSession extends a session with PUT
// /zstack/v1/accounts/sessions/{uuid}/renew {"renewSession":{"duration":s}}
// (asynchronous: polled through its job). duration must be between 60 s and
// 365 days. sessionUUID "" renews the client's own session.
func (c *Client) RenewSession(ctx context.Context, sessionUUID string, duration time.Duration) (*Session, error) {
	if duration < time.Minute || duration > 365*24*time.Hour {
		return nil, cloudkeys.InvalidInput(Vendor, "duration", "must be between 60s and 31536000s")
	}
	_, seg, err := c.sessionArg(sessionUUID)
	if err != nil {
		return nil, err
	}
	var r sessionReply
	err = c.invoke(ctx, transport.Call{
		Operation: "RenewSession", Method: http.MethodPut, Path: "/accounts/sessions/" + seg + "/renew",
		In: map[string]any{"renewSession": map[string]int64{"duration": int64(duration / time.Second)}}, Session: true, Out: &r})
	if err != nil {
		return nil, err
	}
	return c.sessionFrom(r), nil
}
