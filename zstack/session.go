package zstack

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
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

func (c *Client) sessionFrom(op string, r sessionReply) (*Session, error) {
	if r.Inventory == nil || r.Inventory.UUID.IsZero() {
		return nil, &cloudkeys.APIError{Vendor: Vendor, Operation: op, StatusCode: http.StatusOK, Message: "answer without a session inventory", Kind: cloudkeys.ErrServer}
	}
	w := r.Inventory
	c.tc.AddSecret(w.UUID.Reveal())
	s := &Session{UUID: w.UUID, AccountUUID: w.AccountUUID, UserUUID: w.UserUUID, UserType: w.UserType}
	// Dates are informative: an unparsable one is left zero.
	s.ExpiredDate, _ = ParseInventoryDate(w.ExpiredDate, c.loc)
	s.CreateDate, _ = ParseInventoryDate(w.CreateDate, c.loc)
	return s, nil
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
	hash := HashPassword(password)
	c.tc.PinSecret(password)
	c.tc.PinSecret(hash)
	var r sessionReply
	err := c.invoke(ctx, apiCall{
		op: "LogInByAccount", method: http.MethodPut, path: "/accounts/login",
		body: map[string]any{"logInByAccount": map[string]string{"accountName": accountName, "password": hash}},
		// Every login creates a session (they count toward
		// session.maxConcurrent): a lost answer is not re-sent.
		class: transport.Write, noAuth: true, session: true,
	}, &r)
	if err != nil {
		return nil, err
	}
	return c.sessionFrom("LogInByAccount", r)
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
	hash := HashPassword(password)
	c.tc.PinSecret(password)
	c.tc.PinSecret(hash)
	var r sessionReply
	err := c.invoke(ctx, apiCall{
		op: "LogInByUser", method: http.MethodPut, path: "/accounts/users/login",
		body: map[string]any{"logInByUser": map[string]string{"accountName": accountName, "userName": userName, "password": hash}},
		// Every login creates a session (they count toward
		// session.maxConcurrent): a lost answer is not re-sent.
		class: transport.Write, noAuth: true, session: true,
	}, &r)
	if err != nil {
		return nil, err
	}
	return c.sessionFrom("LogInByUser", r)
}

// LogIn logs in now with the client's AccountLogin or UserLogin
// credentials and adopts the session for later calls (the client also does
// this by itself before the first call and after an ID.1001). With other
// credentials it returns an error matching [cloudkeys.ErrUnsupported].
func (c *Client) LogIn(ctx context.Context) (*Session, error) {
	if !c.creds.canLogin() {
		return nil, fmt.Errorf("%s: LogIn needs AccountLogin or UserLogin credentials: %w", Vendor, cloudkeys.ErrUnsupported)
	}
	c.loginMu.Lock()
	defer c.loginMu.Unlock()
	return c.loginLocked(ctx)
}

func (c *Client) loginLocked(ctx context.Context) (*Session, error) {
	var s *Session
	var err error
	if c.creds.kind == credUser {
		s, err = c.LogInByUser(ctx, c.creds.account, c.creds.user, c.creds.password.Reveal())
	} else {
		s, err = c.LogInByAccount(ctx, c.creds.account, c.creds.password.Reveal())
	}
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.session = s
	c.mu.Unlock()
	return s, nil
}

// CurrentSession returns the session the client uses, or nil (AccessKey
// credentials, or not logged in yet).
func (c *Client) CurrentSession() *Session {
	if c.creds.kind == credSession {
		return &Session{UUID: c.creds.session}
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.session == nil {
		return nil
	}
	s := *c.session
	return &s
}

func (c *Client) sessionUUID() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.session == nil {
		return ""
	}
	return c.session.UUID.Reveal()
}

// ensureSession logs in if the client has login credentials and no
// session yet, and returns the session uuid the call will use.
func (c *Client) ensureSession(ctx context.Context) (string, error) {
	switch c.creds.kind {
	case credSession:
		return c.creds.session.Reveal(), nil
	case credAccessKey:
		return "", nil
	}
	if id := c.sessionUUID(); id != "" {
		return id, nil
	}
	return c.relogin(ctx, "")
}

// relogin logs in unless another goroutine already replaced stale.
func (c *Client) relogin(ctx context.Context, stale string) (string, error) {
	c.loginMu.Lock()
	defer c.loginMu.Unlock()
	if id := c.sessionUUID(); id != "" && id != stale {
		return id, nil
	}
	s, err := c.loginLocked(ctx)
	if err != nil {
		return "", err
	}
	return s.UUID.Reveal(), nil
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
	err = c.invoke(ctx, apiCall{op: "LogOut", method: http.MethodDelete, path: "/accounts/sessions/" + seg, class: transport.IdempotentWrite, noAuth: true}, nil)
	if err != nil {
		return err
	}
	if own || id == c.sessionUUID() {
		c.mu.Lock()
		c.session = nil
		c.mu.Unlock()
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
	err = c.invoke(ctx, apiCall{op: "ValidateSession", method: http.MethodGet, path: "/accounts/sessions/" + seg + "/valid", class: transport.Read, noAuth: true}, &r)
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
	err = c.invoke(ctx, apiCall{
		op: "RenewSession", method: http.MethodPut, path: "/accounts/sessions/" + seg + "/renew",
		body: map[string]any{"renewSession": map[string]int64{"duration": int64(duration / time.Second)}}, async: true, session: true,
	}, &r)
	if err != nil {
		return nil, err
	}
	return c.sessionFrom("RenewSession", r)
}
