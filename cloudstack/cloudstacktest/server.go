package cloudstacktest

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
)

// Fault is [cloudkeystest.Fault], what the fake does to one request
// instead of, or after, serving it (see Server.FailNextWith), here so that
// a test of this vendor needs one import.
type Fault = cloudkeystest.Fault

// APIPath is the path the fake serves, like a management server.
const APIPath = "/client/api"

// Seeded identities.
const (
	AdminUsername = "admin"
	AdminPassword = "password"
	SystemUserID  = "00000000-0000-0000-0000-000000000001" // the SYSTEM user (id 1)
	RootDomainID  = "00000000-0000-0000-0000-0000000000d0"
)

// Account types.
const (
	AccountTypeUser        = 0
	AccountTypeAdmin       = 1
	AccountTypeDomainAdmin = 2
)

// Server is an in-process fake CloudStack management server. It
// implements [cloudkeystest.Fake]: URL, Close, Clock, Requests, FailNext,
// FailNextWith, CommitThenDrop, DropNext, SetDelay and the rest of the
// fault injection and inspection every vendor's fake shares.
type Server struct {
	*fakeserver.Server

	cfg config

	mu       sync.Mutex
	users    map[string]*user
	order    []string // user ids in creation order
	pairs    []*pair
	sessions map[string]*session
	jobs     map[string]*job
	adminID  string
	keysMade int
	failJobs []jobFailure
}

type config struct {
	addr        string
	version     string
	inMemory    bool
	integration bool
	syncReg     bool
	pending     int
	enforce     bool
	tls         fakeserver.TLSMode
	maxLogged   int
}

// Option configures NewServer.
type Option func(*config)

// WithVersion sets the version the fake reports and emulates (default
// "4.22.0.0"; "" keeps the default). From "4.23" it has key pairs: many per
// user, listUserKeys, deleteUserKeys, listUserKeyRules, and an asynchronous
// registerUserKeys (see WithSyncRegister).
func WithVersion(v string) Option {
	return func(c *config) {
		if v != "" {
			c.version = v
		}
	}
}

// WithAddr listens on addr (host:port) instead of 127.0.0.1:0.
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// WithInMemory serves through Transport() only, with no socket.
func WithInMemory() Option { return func(c *config) { c.inMemory = true } }

// WithTLS serves TLS with HTTP/2 negotiated by ALPN (HTTP/1.1 also
// offered), with a self-signed certificate generated at start: URL() is
// https://127.0.0.1:<port>, and Client trusts the fake through
// cloudkeys.WithTLSConfig (see Server.TLSConfig and Server.CertPool for
// clients of your own). HTTP/2 is served by the fake's own server, so
// faults can reset streams and send GOAWAY (Fault.Reset, Fault.GoAway).
// With WithInMemory, TLS and HTTP/2 run over in-memory pipes.
func WithTLS() Option { return func(c *config) { c.tls = fakeserver.TLSHTTP2 } }

// WithTLSHTTP1 serves TLS with HTTP/1.1 only (ALPN offers only
// "http/1.1"); otherwise like WithTLS.
func WithTLSHTTP1() Option { return func(c *config) { c.tls = fakeserver.TLSHTTP1 } }

// WithMaxLoggedRequests makes the request log (Requests) keep only the
// newest n requests (default cloudkeystest.DefaultMaxLoggedRequests, 4096).
// Bodies are kept up to cloudkeystest.DefaultMaxLoggedBodyBytes (64 MiB) in
// all, the oldest dropped first, and never for requests that failed
// authentication.
func WithMaxLoggedRequests(n int) Option { return func(c *config) { c.maxLogged = n } }

// WithIntegrationPort makes the fake the unauthenticated integration API
// port: parameters come only from the URI query, bodies are ignored, no key
// or signature is checked, every call runs as the SYSTEM user, and the
// default response format is XML. From 4.22 getUserKeys fails there with
// the real server's 530 (a NullPointerException on "accessingKeyPair",
// apache/cloudstack PR #14104).
func WithIntegrationPort() Option { return func(c *config) { c.integration = true } }

// WithSyncRegister makes a 4.23 registerUserKeys answer synchronously (the
// PR #9504 shape) instead of with a job id.
func WithSyncRegister() Option { return func(c *config) { c.syncReg = true } }

// WithPendingPolls makes every asynchronous job answer jobstatus 0 to its
// first n queryAsyncJobResult polls (the work itself is done at once).
func WithPendingPolls(n int) Option { return func(c *config) { c.pending = n } }

// WithEnforcement turns on what the management server setting
// enforce.post.requests.and.timestamps (default "false" on a stock server)
// turns on, for testing code meant to work on hardened servers:
//
//   - signed requests must carry signatureversion=3 and an expires no more
//     than 15 minutes ahead (otherwise 401, as ApiServer.verifyRequest);
//   - every command whose lowercased name does not match
//     ^(get|list|query|find)\w+$ (and is not one of a few read-only
//     exceptions such as quotaBalance or readyForShutdown; updateConfiguration
//     of this very setting may be a GET) must be sent as POST: otherwise 400
//     "State changing command <cmd> needs to be sent using POST request",
//     checked before authentication (ApiServlet.processRequestInContext,
//     isStateChangingCommandUsingPOST). login and logout are exempt (they
//     are answered before that check); the integration port never checks.
//
// Without it the fake behaves like a stock server: see the package docs.
func WithEnforcement() Option { return func(c *config) { c.enforce = true } }

// WithoutEnforcement turns enforce.post.requests.and.timestamps off, which
// is the default since the fake behaves like a stock server.
//
// Deprecated: enforcement is off unless [WithEnforcement] is given; this
// option only undoes an earlier WithEnforcement.
func WithoutEnforcement() Option { return func(c *config) { c.enforce = false } }

type user struct {
	id, username, password, firstname, lastname, email string
	account, accountID, domainID                       string
	accountType                                        int
	state                                              string // "enabled", "disabled", "locked"
	apiKeyAccess                                       string // "", "Enabled", "Disabled"
	timezone                                           string
	created                                            time.Time
}

type pair struct {
	id, userID, name, description string
	apiKey, secret                string
	start, end, created           time.Time
	rules                         []cloudstack.KeyRule
	removed                       bool
}

type session struct {
	key, userID string
	lastUsed    time.Time
}

type job struct {
	id, cmd, userID string
	status          int
	resultCode      int
	result          any
	pending         int
	created         time.Time
}

// sessionTimeout is the session inactivity timeout the fake reports and
// applies (seconds).
const sessionTimeout = 1800

// NewServer starts a fake on 127.0.0.1:0 (or in memory with WithInMemory),
// seeded with the ROOT domain, the SYSTEM user and the root admin
// "admin"/"password", who holds a generated key pair (AdminAPIKey,
// AdminSecretKey). It needs no testing.T; call Close when done.
func NewServer(opts ...Option) *Server {
	s, err := Listen(opts...)
	if err != nil {
		panic(err)
	}
	return s
}

// Listen is NewServer returning an error when the address (WithAddr) cannot
// be listened on.
func Listen(opts ...Option) (*Server, error) {
	cfg := config{version: "4.22.0.0"}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	s := &Server{cfg: cfg, users: map[string]*user{}, sessions: map[string]*session{}, jobs: map[string]*job{}}
	fs, err := fakeserver.Listen(http.HandlerFunc(s.serve), fakeserver.Options{ErrorBody: errorBody, InMemory: cfg.inMemory, Addr: cfg.addr,
		TLS: cfg.tls, MaxLoggedRequests: cfg.maxLogged})
	if err != nil {
		return nil, err
	}
	s.Server = fs
	now := s.Now()
	s.addUserLocked(&user{id: SystemUserID, username: "system", account: "system", accountType: AccountTypeAdmin, state: "enabled", created: now})
	admin := s.addUserLocked(&user{username: AdminUsername, password: AdminPassword, firstname: "Admin", lastname: "User", account: "admin", accountType: AccountTypeAdmin, state: "enabled", created: now})
	s.adminID = admin.id
	s.newPairLocked(admin.id, "", "", time.Time{}, time.Time{}, nil)
	return s, nil
}

// Env returns the seeded admin identity as the environment variables
// cloudstack.NewFromEnv reads: the API URL, API key and secret key (or, on
// an integration-port fake, CLOUDSTACK_INTEGRATION_PORT=true). It holds the
// seeded (fake) secret key.
func (s *Server) Env() [][2]string {
	if s.cfg.integration {
		return [][2]string{{cloudstack.EnvAPIURL, s.APIURL()}, {cloudstack.EnvIntegrationPort, "true"}}
	}
	return [][2]string{
		{cloudstack.EnvAPIURL, s.APIURL()},
		{cloudstack.EnvAPIKey, s.AdminAPIKey()},
		{cloudstack.EnvSecretKey, s.AdminSecretKey().Reveal()},
	}
}

// Version returns the version the fake emulates.
func (s *Server) Version() string { return s.cfg.version }

func (s *Server) keyPairs() bool { return cloudstack.VersionAtLeast(s.cfg.version, 4, 23) }

// APIURL returns the API endpoint: URL() + "/client/api".
func (s *Server) APIURL() string { return s.URL() + APIPath }

// Client returns a client for this fake, authenticated with the seeded
// admin's API key (or with IntegrationPort credentials on an
// integration-port fake). It signs with the fake's clock (Clock) and polls
// async jobs every few milliseconds; in in-memory mode it is wired to
// Transport(). opts come after these defaults and override them.
func (s *Server) Client(opts ...cloudkeys.Option) *cloudstack.Client {
	creds := cloudstack.APIKey(s.AdminAPIKey(), s.AdminSecretKey().Reveal())
	if s.cfg.integration {
		creds = cloudstack.IntegrationPort()
	}
	c, err := s.ClientWith(creds, opts...)
	if err != nil {
		panic(fmt.Sprintf("cloudstacktest: %v", err))
	}
	return c
}

// ClientWith returns a client for this fake with the given credentials
// (e.g. cloudstack.Login(cloudstacktest.AdminUsername,
// cloudstacktest.AdminPassword, "/")), set up like Client.
func (s *Server) ClientWith(creds cloudstack.Credentials, opts ...cloudkeys.Option) (*cloudstack.Client, error) {
	all := s.ClientOptions(append([]cloudkeys.Option{cloudkeys.WithClock(s.Now), cloudstack.WithPollInterval(5 * time.Millisecond)}, opts...)...)
	return cloudstack.New(s.APIURL(), creds, all...)
}

// User is a seeded or created user, as the fake holds it.
type User struct {
	ID          string
	Username    string
	Account     string
	AccountID   string
	DomainID    string
	AccountType int
	State       string
}

// UserSpec describes a user to add. Empty Account means an account named
// after the user; empty State means "enabled".
type UserSpec struct {
	Username    string
	Password    string
	Account     string
	AccountType int
	State       string
}

// AddUser adds a user (and its account) without keys and returns it.
func (s *Server) AddUser(spec UserSpec) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	if spec.Account == "" {
		spec.Account = spec.Username
	}
	if spec.State == "" {
		spec.State = "enabled"
	}
	u := s.addUserLocked(&user{username: spec.Username, password: spec.Password, account: spec.Account,
		accountType: spec.AccountType, state: spec.State, created: s.Now()})
	return u.public()
}

func (s *Server) addUserLocked(u *user) *user {
	if u.id == "" {
		u.id = newUUID()
	}
	u.domainID = RootDomainID
	for _, o := range s.users {
		if o.account == u.account {
			u.accountID = o.accountID
		}
	}
	if u.accountID == "" {
		u.accountID = newUUID()
	}
	s.users[u.id] = u
	s.order = append(s.order, u.id)
	return u
}

func (u *user) public() User {
	return User{ID: u.id, Username: u.username, Account: u.account, AccountID: u.accountID, DomainID: u.domainID, AccountType: u.accountType, State: u.state}
}

// Users returns every user in creation order (the SYSTEM user first).
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, s.users[id].public())
	}
	return out
}

// AdminID returns the seeded admin's user id.
func (s *Server) AdminID() string { return s.adminID }

// AdminAPIKey returns the seeded admin's current API key.
func (s *Server) AdminAPIKey() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.latestPairLocked(s.adminID); p != nil {
		return p.apiKey
	}
	return ""
}

// AdminSecretKey returns the seeded admin's current secret key.
func (s *Server) AdminSecretKey() cloudkeys.Secret {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.latestPairLocked(s.adminID); p != nil {
		return cloudkeys.NewSecret(p.secret)
	}
	return cloudkeys.Secret{}
}

// SetUserState sets a user's state ("enabled", "disabled", "locked").
func (s *Server) SetUserState(userID, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[userID]; u != nil {
		u.state = state
	}
}

// SetAPIKeyAccess sets a user's 4.20 apikeyaccess switch ("Disabled"
// denies API-key access with 401; "" inherits, i.e. allowed).
func (s *Server) SetAPIKeyAccess(userID, access string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[userID]; u != nil {
		u.apiKeyAccess = access
	}
}

// KeyPair is a key pair as the fake holds it.
type KeyPair struct {
	ID          string
	UserID      string
	Name        string
	Description string
	APIKey      string
	SecretKey   cloudkeys.Secret
	StartDate   time.Time
	EndDate     time.Time
	Created     time.Time
	Rules       []cloudstack.KeyRule
}

// UserKeys returns the live (not removed) key pairs of a user, oldest first.
func (s *Server) UserKeys(userID string) []KeyPair {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []KeyPair
	for _, p := range s.pairs {
		if p.userID == userID && !p.removed {
			out = append(out, KeyPair{ID: p.id, UserID: p.userID, Name: p.name, Description: p.description,
				APIKey: p.apiKey, SecretKey: cloudkeys.NewSecret(p.secret), StartDate: p.start, EndDate: p.end,
				Created: p.created, Rules: append([]cloudstack.KeyRule(nil), p.rules...)})
		}
	}
	return out
}

// GenerateKeys gives a user a new key pair, as registerUserKeys would (up to
// 4.22 replacing the old one), and returns it; ok is false for an unknown
// user.
func (s *Server) GenerateKeys(userID string) (kp KeyPair, ok bool) {
	s.mu.Lock()
	if s.users[userID] == nil {
		s.mu.Unlock()
		return KeyPair{}, false
	}
	id := s.newPairLocked(userID, "", "", time.Time{}, time.Time{}, nil).id
	s.mu.Unlock()
	for _, p := range s.UserKeys(userID) {
		if p.ID == id {
			return p, true
		}
	}
	return KeyPair{}, false
}

// SeedKeyPairs gives a user n more key pairs at once, for tests and
// benchmarks of long lists (GenerateKeys checks and copies every stored
// pair, so n calls of it take quadratic time). It needs key pairs (4.23 and
// later); ok is false before 4.23 or for an unknown user.
func (s *Server) SeedKeyPairs(userID string, n int) (ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.keyPairs() || s.users[userID] == nil {
		return false
	}
	used := make(map[string]bool, len(s.pairs)+n)
	for _, p := range s.pairs {
		used[p.apiKey] = true
	}
	created := s.Now().Truncate(time.Second)
	for range n {
		k := newKey()
		for used[k] {
			k = newKey()
		}
		used[k] = true
		s.pairs = append(s.pairs, &pair{id: newUUID(), userID: userID, name: userID + " - API Keypair",
			apiKey: k, secret: newKey(), created: created})
		s.keysMade++
	}
	return true
}

// KeysGenerated returns how many key pairs the fake has generated, the
// admin's seed pair included.
func (s *Server) KeysGenerated() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keysMade
}

// ExpireSessions ends every login session, as a timeout would.
func (s *Server) ExpireSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions = map[string]*session{}
}

// newPairLocked generates a pair; up to 4.22 it replaces the user's pair.
func (s *Server) newPairLocked(userID, name, desc string, start, end time.Time, rules []cloudstack.KeyRule) *pair {
	if !s.keyPairs() {
		for _, p := range s.pairs {
			if p.userID == userID {
				p.removed = true
			}
		}
	}
	if name == "" {
		name = userID + " - API Keypair"
	}
	p := &pair{id: newUUID(), userID: userID, name: name, description: desc,
		apiKey: s.uniqueKeyLocked(), secret: newKey(), start: start, end: end, created: s.Now().Truncate(time.Second), rules: rules}
	s.pairs = append(s.pairs, p)
	s.keysMade++
	return p
}

func (s *Server) uniqueKeyLocked() string {
	for {
		k := newKey()
		if s.pairByKeyLocked(k) == nil {
			return k
		}
	}
}

func (s *Server) pairByKeyLocked(apiKey string) *pair {
	for _, p := range s.pairs {
		if !p.removed && p.apiKey == apiKey {
			return p
		}
	}
	return nil
}

func (s *Server) pairByIDLocked(id string) *pair {
	for _, p := range s.pairs {
		if !p.removed && p.id == id {
			return p
		}
	}
	return nil
}

func (s *Server) latestPairLocked(userID string) *pair {
	var last *pair
	for _, p := range s.pairs {
		if p.userID == userID && !p.removed {
			last = p
		}
	}
	return last
}

// visiblePairsLocked returns live pairs sorted by creation.
func (s *Server) livePairsLocked() []*pair {
	var out []*pair
	for _, p := range s.pairs {
		if !p.removed {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].created.Before(out[j].created) })
	return out
}

// newKey is Base64URL (no padding) of 64 random bytes: 86 characters, like
// KeyGenerator("HmacSHA1") in AccountManagerImpl.
func newKey() string {
	b := make([]byte, 64)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func newUUID() string { return fakeserver.NewUUID() }

// sessionKey is Base64URL of 20 random bytes, like the server's.
func sessionKey() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
