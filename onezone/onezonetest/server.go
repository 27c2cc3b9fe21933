package onezonetest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
	"github.com/cloudkeys/cloudkeys/onezone"
)

// Fault is [cloudkeystest.Fault], what the fake does to one request
// instead of, or after, serving it (see Server.FailNextWith), here so that
// a test of this vendor needs one import.
type Fault = cloudkeystest.Fault

// Privileges the fake knows.
const (
	// PrivTokensManage lets a user manage every subject's tokens
	// (GET /tokens/named, /users/{other}/tokens/…, by-id ops on any token).
	PrivTokensManage = "oz_tokens_manage"
	// PrivProvidersInvite lets a user create provider registration tokens
	// for others, or for themself under a restricted policy.
	PrivProvidersInvite = "oz_providers_invite"
)

// DefaultVersion is the version GET /configuration reports by default.
const DefaultVersion = "21.02.7"

// DefaultMaxTemporaryTokenTTL is max_temporary_token_ttl of the shipped
// app.config (30 days).
const DefaultMaxTemporaryTokenTTL = 30 * 24 * time.Hour

// AdminUsername is the username of the seeded admin.
const AdminUsername = "admin"

// Option configures NewServer.
type Option func(*settings)

type settings struct {
	inMemory   bool
	version    string
	domain     string
	maxTTL     time.Duration
	restricted bool
	addr       string
	tls        fakeserver.TLSMode
	maxLogged  int
}

// WithAddr listens on addr (host:port) instead of 127.0.0.1:0. Use Listen
// to get an error instead of a panic when the address is taken.
func WithAddr(addr string) Option { return func(s *settings) { s.addr = addr } }

// WithInMemory serves requests in memory only (no socket), through
// srv.Transport(); srv.Client wires it in. For testing/synctest.
func WithInMemory() Option { return func(s *settings) { s.inMemory = true } }

// WithTLS serves TLS with HTTP/2 negotiated by ALPN (HTTP/1.1 also
// offered), with a self-signed certificate generated at start: URL() is
// https://127.0.0.1:<port>, and Client trusts the fake through
// cloudkeys.WithTLSConfig (see Server.TLSConfig and Server.CertPool for
// clients of your own). HTTP/2 is served by the fake's own server, so
// faults can reset streams and send GOAWAY (Fault.Reset, Fault.GoAway).
// With WithInMemory, TLS and HTTP/2 run over in-memory pipes.
func WithTLS() Option { return func(s *settings) { s.tls = fakeserver.TLSHTTP2 } }

// WithTLSHTTP1 serves TLS with HTTP/1.1 only (ALPN offers only
// "http/1.1"); otherwise like WithTLS.
func WithTLSHTTP1() Option { return func(s *settings) { s.tls = fakeserver.TLSHTTP1 } }

// WithMaxLoggedRequests makes the request log (Requests) keep only the
// newest n requests (default cloudkeystest.DefaultMaxLoggedRequests, 4096).
// Bodies are kept up to cloudkeystest.DefaultMaxLoggedBodyBytes (64 MiB) in
// all, the oldest dropped first, and never for requests that failed
// authentication.
func WithMaxLoggedRequests(n int) Option { return func(s *settings) { s.maxLogged = n } }

// WithVersion sets the version GET /configuration reports (default
// DefaultVersion). Below 21.02.4 /tokens/infer_access_token_scope does
// not exist (404 with no body).
func WithVersion(v string) Option { return func(s *settings) { s.version = v } }

// WithDomain sets the zone domain (default: the host:port of URL()). It
// appears in Location headers, /configuration and examine answers.
func WithDomain(d string) Option { return func(s *settings) { s.domain = d } }

// WithMaxTemporaryTokenTTL sets max_temporary_token_ttl (default 30 days).
func WithMaxTemporaryTokenTTL(d time.Duration) Option { return func(s *settings) { s.maxTTL = d } }

// WithRestrictedProviderRegistration sets provider_registration_policy to
// restricted: every provider registration token then needs
// oz_providers_invite (the default policy is open).
func WithRestrictedProviderRegistration() Option { return func(s *settings) { s.restricted = true } }

// Server is an in-process Onezone speaking the token REST API under
// /api/v3/onezone. It implements [cloudkeystest.Fake]: URL, Close, Clock,
// Requests, FailNext, FailNextWith, CommitThenDrop, DropNext, SetDelay and
// the rest of the fault injection and inspection every vendor's fake
// shares.
type Server struct {
	*fakeserver.Server

	mu            sync.Mutex
	set           settings
	domain        string
	users         map[string]*user // by id
	named         map[string]*namedToken
	minted        map[string]*mintedToken // by serialized token
	tempGen       map[string]int64        // subject key -> generation
	inviteTargets map[string]bool         // "spaceId/<id>"
	seq           int64
	adminID       string
	adminPassword string
}

type user struct {
	id, username, fullName string
	password               string
	basicDisabled          bool
	blocked                bool
	privileges             map[string]bool
}

// User describes a user to seed with AddUser.
type User struct {
	// ID is generated (32 hex chars) when empty.
	ID       string
	Username string
	FullName string
	// Password enables basic auth for the user (a Onepanel user); empty
	// means the user cannot log in with basic auth (basicAuthNotSupported).
	Password string
	// BasicAuthDisabled makes basic auth fail with basicAuthDisabled.
	BasicAuthDisabled bool
	// Blocked users cannot authenticate (userBlocked).
	Blocked    bool
	Privileges []string
}

// NewServer starts a fake Onezone on 127.0.0.1:0 (or WithAddr, or in
// memory) with one seeded admin user (username "admin", a random password,
// privileges oz_tokens_manage and oz_providers_invite, basic auth
// enabled). It panics if it cannot listen; see Listen.
func NewServer(opts ...Option) *Server {
	s, err := Listen(opts...)
	if err != nil {
		panic(err)
	}
	return s
}

// Listen is NewServer returning an error when the address (WithAddr)
// cannot be listened on.
func Listen(opts ...Option) (*Server, error) {
	s := &Server{
		users: map[string]*user{}, named: map[string]*namedToken{}, minted: map[string]*mintedToken{},
		tempGen: map[string]int64{}, inviteTargets: map[string]bool{},
	}
	s.set = settings{version: DefaultVersion, maxTTL: DefaultMaxTemporaryTokenTTL}
	for _, o := range opts {
		if o != nil {
			o(&s.set)
		}
	}
	fs, err := fakeserver.Listen(http.HandlerFunc(s.serve), fakeserver.Options{ErrorBody: errorBody, InMemory: s.set.inMemory, Addr: s.set.addr,
		TLS: s.set.tls, MaxLoggedRequests: s.set.maxLogged})
	if err != nil {
		return nil, err
	}
	s.Server = fs
	s.domain = s.set.domain
	if s.domain == "" {
		if u, err := url.Parse(s.URL()); err == nil {
			s.domain = u.Host
		}
	}
	s.adminPassword = randomAlnum(24)
	s.adminID = s.AddUser(User{Username: AdminUsername, FullName: "Admin", Password: s.adminPassword,
		Privileges: []string{PrivTokensManage, PrivProvidersInvite}})
	return s, nil
}

// Client returns a client authenticated as the seeded admin with basic
// auth. In in-memory mode it uses srv.Transport(). It panics only if opts
// are invalid.
func (s *Server) Client(opts ...cloudkeys.Option) *onezone.Client {
	return s.ClientWith(onezone.Basic(AdminUsername, s.adminPassword), opts...)
}

// ClientWith returns a client for this server with the given credentials,
// e.g. onezone.Token(tok) from IssueAccessToken.
func (s *Server) ClientWith(creds onezone.Credentials, opts ...cloudkeys.Option) *onezone.Client {
	c, err := onezone.New(s.URL(), creds, s.ClientOptions(opts...)...)
	if err != nil {
		panic("onezonetest: " + err.Error())
	}
	return c
}

// AdminID returns the seeded admin's user id.
func (s *Server) AdminID() string { return s.adminID }

// AdminPassword returns the seeded admin's basic-auth password.
func (s *Server) AdminPassword() string { return s.adminPassword }

// Domain returns the zone domain.
func (s *Server) Domain() string { return s.domain }

// SetVersion changes the version GET /configuration reports.
func (s *Server) SetVersion(v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.set.version = v
}

// AddUser seeds a user and returns its id.
func (s *Server) AddUser(u User) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := u.ID
	if id == "" {
		id = randomHex(16)
	}
	name := u.FullName
	if name == "" {
		name = u.Username
	}
	nu := &user{id: id, username: u.Username, fullName: name, password: u.Password,
		basicDisabled: u.BasicAuthDisabled, blocked: u.Blocked, privileges: map[string]bool{}}
	for _, p := range u.Privileges {
		nu.privileges[p] = true
	}
	s.users[id] = nu
	return id
}

// AddInviteTarget registers an entity invite tokens may target: key is the
// target key ("groupId", "spaceId", "clusterId", "harvesterId",
// "atmInventoryId") and id its id. The fake lets any subject invite to a
// registered target; unregistered targets give inviteTokenTargetIdInvalid.
func (s *Server) AddInviteTarget(key, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inviteTargets[key+"/"+id] = true
}

// IssueAccessToken seeds a named access token for userID (no caveats) and
// returns its id and serialized token.
func (s *Server) IssueAccessToken(userID, name string) (id, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	nt := s.createNamedLocked(subject{"user", userID}, name, tokType{kind: "accessToken"}, nil, map[string]any{}, false, nil, nil)
	return nt.id, nt.secret
}

// TokenInfo is what inspection returns about a named token (no secret).
type TokenInfo struct {
	ID, Name    string
	SubjectType string
	SubjectID   string
	Kind        string // accessToken, identityToken, inviteToken
	InviteType  string
	Revoked     bool
	Custom      map[string]any
	Caveats     []string // caveat types
}

// NamedTokens returns every named token, in creation order.
func (s *Server) NamedTokens() []TokenInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []TokenInfo
	for _, nt := range s.sortedNamed(func(*namedToken) bool { return true }) {
		ti := TokenInfo{ID: nt.id, Name: nt.name, SubjectType: nt.subject.typ, SubjectID: nt.subject.id,
			Kind: nt.typ.kind, InviteType: nt.typ.inviteType, Revoked: nt.revoked, Custom: nt.custom}
		for _, c := range nt.caveats {
			ti.Caveats = append(ti.Caveats, c.typ)
		}
		out = append(out, ti)
	}
	return out
}

// TemporaryTokenGeneration returns the temporary-token generation of a user.
func (s *Server) TemporaryTokenGeneration(userID string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.genLocked(subject{"user", userID})
}

func (s *Server) sortedNamed(keep func(*namedToken) bool) []*namedToken {
	var out []*namedToken
	for _, nt := range s.named {
		if keep(nt) {
			out = append(out, nt)
		}
	}
	slices.SortFunc(out, func(a, b *namedToken) int { return int(a.seq - b.seq) })
	return out
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func randomAlnum(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	var sb strings.Builder
	for _, c := range b {
		sb.WriteByte(alnum[int(c)%len(alnum)])
	}
	return sb.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
