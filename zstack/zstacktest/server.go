package zstacktest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
	"github.com/cloudkeys/cloudkeys/internal/zstackwire"
	"github.com/cloudkeys/cloudkeys/zstack"
)

// The seeded admin account. Its password is the ZStack default.
const (
	AdminAccountUUID = "36c27e8ff05c4780bf6d2fa65700f22e"
	AdminAccountName = "admin"
	AdminPassword    = "password"
)

// Server-side limits and defaults, as on a real management node.
const (
	SessionTimeout       = 7200 * time.Second  // session.timeout, renewed on every call
	JobResultTTL         = 10800 * time.Second // rest.completedApi.expiredPeriod
	MaxKeysPerAccount    = 2                   // for non-admin accounts
	RequestSkew          = 15 * time.Minute    // AccessKey Date window
	DefaultQueryLimit    = 1000
	defaultPendingPolls  = 1
	generatedKeyIDLen    = 20
	generatedKeySecretLn = 40
)

// Fault is [cloudkeystest.Fault], what the fake does to one request
// instead of, or after, serving it (see Server.FailNextWith), here so that
// a test of this vendor needs one import.
type Fault = cloudkeystest.Fault

// Option configures a Server.
type Option func(*options)

type options struct {
	inMemory     bool
	addr         string
	loc          *time.Location
	pendingPolls int
	jobHost      string
	checkTZ      bool
	tls          fakeserver.TLSMode
	maxLogged    int
}

// WithCheckTimeZone models rest.checkTimeZone=true: the Date header's zone
// label counts and instants are compared, so any zone works as long as the
// label is right. The default (false, as on real servers) compares the
// Date's wall clock with the server's own.
func WithCheckTimeZone() Option { return func(o *options) { o.checkTZ = true } }

// WithAddr listens on addr (host:port) instead of 127.0.0.1:0.
func WithAddr(addr string) Option { return func(o *options) { o.addr = addr } }

// WithInMemory serves through Transport() only, without a socket (for
// testing/synctest); Client() wires itself to it.
func WithInMemory() Option { return func(o *options) { o.inMemory = true } }

// WithTLS serves TLS with HTTP/2 negotiated by ALPN (HTTP/1.1 also
// offered), with a self-signed certificate generated at start: URL() is
// https://127.0.0.1:<port>, and Client trusts the fake through
// cloudkeys.WithTLSConfig (see Server.TLSConfig and Server.CertPool for
// clients of your own). HTTP/2 is served by the fake's own server, so
// faults can reset streams and send GOAWAY (Fault.Reset, Fault.GoAway).
// With WithInMemory, TLS and HTTP/2 run over in-memory pipes.
func WithTLS() Option { return func(o *options) { o.tls = fakeserver.TLSHTTP2 } }

// WithTLSHTTP1 serves TLS with HTTP/1.1 only (ALPN offers only
// "http/1.1"); otherwise like WithTLS.
func WithTLSHTTP1() Option { return func(o *options) { o.tls = fakeserver.TLSHTTP1 } }

// WithMaxLoggedRequests makes the request log (Requests) keep only the
// newest n requests (default cloudkeystest.DefaultMaxLoggedRequests, 4096).
// Bodies are kept up to cloudkeystest.DefaultMaxLoggedBodyBytes (64 MiB) in
// all, the oldest dropped first, and never for requests that failed
// authentication.
func WithMaxLoggedRequests(n int) Option { return func(o *options) { o.maxLogged = n } }

// WithLocation sets the server's time zone (default UTC): its wall clock
// checks AccessKey Date headers (checkTimeZone=false) and formats
// inventory dates.
func WithLocation(loc *time.Location) Option {
	return func(o *options) {
		if loc != nil {
			o.loc = loc
		}
	}
}

// WithPendingPolls sets how many times a job is answered 202 (still
// running) before its result (default 1).
func WithPendingPolls(n int) Option {
	return func(o *options) {
		if n >= 0 {
			o.pendingPolls = n
		}
	}
}

// WithJobHost makes job locations name host (e.g. "10.0.0.5:8080", an
// unreachable internal address) instead of the request's Host, as a
// management node behind NAT does.
func WithJobHost(host string) Option { return func(o *options) { o.jobHost = host } }

// Server is an in-process ZStack management node REST API. It implements
// [cloudkeystest.Fake]: URL, Close, Clock, Requests, FailNext,
// FailNextWith, CommitThenDrop, DropNext, SetDelay and the rest of the
// fault injection and inspection every vendor's fake shares. It is safe
// for concurrent use.
type Server struct {
	*fakeserver.Server

	loc           *time.Location
	jobHost       string
	checkTimeZone bool

	mu           sync.Mutex
	pendingPolls int
	seq          int
	accounts     map[string]*account
	users        map[string]*user
	sessions     map[string]*session
	keys         map[string]*accessKey
	keysByID     map[string]*accessKey // by AccessKeyID
	keyOrder     []*accessKey          // keys by seq; nil when stale
	jobs         map[string]*job
}

type account struct {
	uuid, name, pwHash string
	admin              bool
}

type user struct {
	uuid, accountUUID, name, pwHash string
}

type session struct {
	uuid, accountUUID, userUUID string
	created, expires            time.Time
}

type accessKey struct {
	uuid, accountUUID, userUUID, description string
	id, secret, state                        string
	created, lastOp                          time.Time
	seq                                      int
}

type job struct {
	status  int
	body    []byte
	pending int
	done    time.Time
}

// NewServer starts a fake on 127.0.0.1:0 (or in memory) with the admin
// account seeded. Close it when done.
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
	o := options{loc: time.UTC, pendingPolls: defaultPendingPolls}
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	s := &Server{
		loc: o.loc, jobHost: o.jobHost, checkTimeZone: o.checkTZ, pendingPolls: o.pendingPolls,
		accounts: map[string]*account{}, users: map[string]*user{}, sessions: map[string]*session{},
		keys: map[string]*accessKey{}, keysByID: map[string]*accessKey{}, jobs: map[string]*job{},
	}
	s.accounts[AdminAccountUUID] = &account{uuid: AdminAccountUUID, name: AdminAccountName, pwHash: zstackwire.HashPassword(AdminPassword), admin: true}
	fs, err := fakeserver.Listen(http.HandlerFunc(s.serve), fakeserver.Options{ErrorBody: errorBody, InMemory: o.inMemory, Addr: o.addr,
		TLS: o.tls, MaxLoggedRequests: o.maxLogged})
	if err != nil {
		return nil, err
	}
	s.Server = fs
	return s, nil
}

// errorBody is the body of an injected failure: 503 is ZStack's
// "management node unavailable" (SYS.1012, which clients retry); other
// statuses get a plain-text REST error.
func errorBody(status int) (http.Header, []byte) {
	if status == http.StatusServiceUnavailable {
		return http.Header{"Content-Type": {"application/json; charset=utf-8"}},
			[]byte(`{"error":{"code":"SYS.1012","description":"The management node is unavailable","details":"management node is not ready"}}`)
	}
	msg := http.StatusText(status)
	if status == http.StatusTooManyRequests {
		msg = "Rate limit exceeded"
	}
	return nil, []byte(msg)
}

// Location returns the server's time zone.
func (s *Server) Location() *time.Location { return s.loc }

// Client returns a client logged in (on first use) as the seeded admin
// with AccountLogin, set to the server's zone; opts come after and may
// override. In memory mode it is wired to Transport().
func (s *Server) Client(opts ...cloudkeys.Option) *zstack.Client {
	return s.clientWith(zstack.AccountLogin(AdminAccountName, AdminPassword), opts)
}

// AccessKeyClient returns a client signing with an AccessKey pair, set to
// the server's zone (opts may override, e.g. to test a wrong zone).
func (s *Server) AccessKeyClient(accessKeyID, accessKeySecret string, opts ...cloudkeys.Option) *zstack.Client {
	return s.clientWith(zstack.AccessKey(accessKeyID, accessKeySecret), opts)
}

func (s *Server) clientWith(creds zstack.Credentials, opts []cloudkeys.Option) *zstack.Client {
	all := s.ClientOptions(append([]cloudkeys.Option{zstack.WithServerLocation(s.loc)}, opts...)...)
	c, err := zstack.New(s.URL(), creds, all...)
	if err != nil {
		panic("zstacktest: " + err.Error()) // only for invalid options
	}
	return c
}

// SetPendingPolls changes how many 202 answers later jobs give first.
func (s *Server) SetPendingPolls(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n >= 0 {
		s.pendingPolls = n
	}
}

// CreateAccount seeds a normal (non-admin) account and returns its uuid.
func (s *Server) CreateAccount(name, password string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := &account{uuid: newUUID(), name: name, pwHash: zstackwire.HashPassword(password)}
	s.accounts[a.uuid] = a
	return a.uuid
}

// CreateUser seeds a user of an account and returns its uuid.
func (s *Server) CreateUser(accountUUID, name, password string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := &user{uuid: newUUID(), accountUUID: accountUUID, name: name, pwHash: zstackwire.HashPassword(password)}
	s.users[u.uuid] = u
	return u.uuid
}

// AccessKey is the fake's view of a stored AccessKey.
type AccessKey struct {
	UUID        string
	AccountUUID string
	UserUUID    string
	AccessKeyID string
	Secret      cloudkeys.Secret
	Description string
	State       string
}

// SeedAccessKey stores an enabled AccessKey for an account (no limit
// check) and returns it, secret included.
func (s *Server) SeedAccessKey(accountUUID string) AccessKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.addKey(accountUUID, accountUUID, "", "", randomAlnum(generatedKeyIDLen), randomAlnum(generatedKeySecretLn))
	return k.view()
}

// AccessKeys returns every stored key, oldest first.
func (s *Server) AccessKeys() []AccessKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []AccessKey
	for _, k := range s.sortedKeys() {
		out = append(out, k.view())
	}
	return out
}

// KeyCount returns how many AccessKeys are stored.
func (s *Server) KeyCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.keys)
}

// SessionCount returns how many sessions exist (expired ones included
// until they are used or logged out).
func (s *Server) SessionCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// ExpireSessions makes every session expired, as if its timeout passed.
func (s *Server) ExpireSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	for _, se := range s.sessions {
		se.expires = now.Add(-time.Second)
	}
}

// JobCount returns how many job results the server holds.
func (s *Server) JobCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.jobs)
}

func (k *accessKey) view() AccessKey {
	return AccessKey{UUID: k.uuid, AccountUUID: k.accountUUID, UserUUID: k.userUUID, AccessKeyID: k.id,
		Secret: cloudkeys.NewSecret(k.secret), Description: k.description, State: k.state}
}

// sortedKeys returns the keys in creation order. The order is cached until
// a key is added or deleted: listing 100,000 keys page by page must not
// sort them for every page. Callers must not modify the slice.
func (s *Server) sortedKeys() []*accessKey {
	if s.keyOrder == nil {
		out := make([]*accessKey, 0, len(s.keys))
		for _, k := range s.keys {
			out = append(out, k)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
		s.keyOrder = out
	}
	return s.keyOrder
}

// removeKey removes a key by uuid.
func (s *Server) removeKey(uuid string) {
	if k := s.keys[uuid]; k != nil {
		delete(s.keys, uuid)
		if s.keysByID[k.id] == k {
			delete(s.keysByID, k.id)
		}
		s.keyOrder = nil
	}
}

func (s *Server) addKey(accountUUID, userUUID, uuid, desc, id, secret string) *accessKey {
	if uuid == "" {
		uuid = newUUID()
	}
	s.seq++
	now := s.Now()
	k := &accessKey{uuid: uuid, accountUUID: accountUUID, userUUID: userUUID, description: desc, id: id, secret: secret,
		state: string(zstack.AccessKeyEnabled), created: now, lastOp: now, seq: s.seq}
	s.keys[uuid] = k
	s.keysByID[id] = k
	s.keyOrder = nil
	return k
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func randomAlnum(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}
