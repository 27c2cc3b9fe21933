package huaweibcstest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
)

// The seeded identity of every new Server.
const (
	ProjectID   = "0123456789abcdef0123456789abcdef" // the one project the fake serves
	ProjectName = "ap-southeast-3"                   // its name (a region), for IAM scope by name
	AccessKey   = "HPUAFAKEACCESSKEY0001"            // the seeded AK
	SecretKey   = "fakeSecretKey0123456789abcdefghijklmnopq"
	Domain      = "example-account" // the seeded IAM account (domain) name
	User        = "admin"           // the seeded IAM user
	Password    = "admin-Passw0rd!" // its password
)

// DefaultTokenTTL is the lifetime of an IAM token (24 h, as Huawei's).
const DefaultTokenTTL = 24 * time.Hour

// MaxPage is the most items one list answer carries, whatever limit asks.
const MaxPage = 100

// DefaultLimit is the page size when a list request has no limit (the
// reference names none; this is the fake's choice).
const DefaultLimit = 10

// MaxSkew is how far X-Sdk-Date may be from the server's clock.
const MaxSkew = 15 * time.Minute

// Fault is [cloudkeystest.Fault], what the fake does to one request
// instead of, or after, serving it (see Server.FailNextWith), here so that
// a test of this vendor needs one import.
type Fault = cloudkeystest.Fault

// FileFormat is how the fake answers a create.
type FileFormat int

const (
	// FileZIP answers application/zip: a ZIP archive holding credential.csv.
	FileZIP FileFormat = iota
	// FileCSV answers application/octet-stream: the bare credential.csv.
	FileCSV
)

// Option configures NewServer.
type Option func(*options)

type options struct {
	addr      string
	inMemory  bool
	format    FileFormat
	tokenTTL  time.Duration
	tls       fakeserver.TLSMode
	maxLogged int
}

// WithInMemory serves requests without a socket, through Transport() (for
// testing/synctest). Server.Client wires its clients to it.
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

// WithAddr listens on addr (host:port) instead of 127.0.0.1:0.
func WithAddr(addr string) Option { return func(o *options) { o.addr = addr } }

// WithFileFormat sets how creates are answered (default FileZIP).
func WithFileFormat(f FileFormat) Option { return func(o *options) { o.format = f } }

// WithTokenTTL sets the lifetime of IAM tokens the fake issues.
func WithTokenTTL(d time.Duration) Option { return func(o *options) { o.tokenTTL = d } }

// CredentialRecord is a credential as the fake stores it, secret included.
type CredentialRecord struct {
	ID          string
	Description string
	Secret      cloudkeys.Secret
	CreatedAt   time.Time
	LastUsedAt  time.Time
	Policy      Policy // the access policy; only AddCredentialWithPolicy sets one
}

// Policy is a credential's access policy, as the newer (zh-cn) list
// reference shows it: the nodes the key is scoped to, the policy type and
// its allowlist entries. The console sets it; whether the create API can is
// unconfirmed, so the fake's create ignores such fields and only
// AddCredentialWithPolicy makes a restricted credential.
type Policy struct {
	NodeIDs     []string              // node_ids
	ControlType string                // control_type
	Allowlists  []huaweibcs.Allowlist // allowlists
}

type tokenRecord struct {
	project string
	expires time.Time
}

type userKey struct{ domain, user string }

// Server is the in-process fake of the NES API-keys endpoints, its API
// gateway (token and AK/SK checks) and the IAM token endpoint. It
// implements [cloudkeystest.Fake]: URL, Close, Clock, Requests, FailNext,
// FailNextWith, CommitThenDrop, DropNext, SetDelay and the rest of the
// fault injection and inspection every vendor's fake shares. It is safe
// for concurrent use.
type Server struct {
	*fakeserver.Server

	mu       sync.Mutex
	keys     map[string]string // AK -> SK
	users    map[userKey]string
	tokens   map[string]tokenRecord
	creds    []*CredentialRecord // in creation order
	format   FileFormat
	fileFunc func(CredentialRecord) []byte
	tokenTTL time.Duration

	logins atomic.Int64
}

// NewServer starts a fake on 127.0.0.1:0 (or in memory with WithInMemory),
// seeded with project ProjectID, the access key AccessKey/SecretKey and the
// IAM user Domain/User/Password. It needs no testing.T; Close it when done.
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
	o := options{tokenTTL: DefaultTokenTTL}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	s := &Server{
		keys:     map[string]string{AccessKey: SecretKey},
		users:    map[userKey]string{{Domain, User}: Password},
		tokens:   map[string]tokenRecord{},
		format:   o.format,
		tokenTTL: o.tokenTTL,
	}
	fs, err := fakeserver.Listen(http.HandlerFunc(s.serve), fakeserver.Options{ErrorBody: ErrorBody, InMemory: o.inMemory, Addr: o.addr,
		TLS: o.tls, MaxLoggedRequests: o.maxLogged})
	if err != nil {
		return nil, err
	}
	s.Server = fs
	return s, nil
}

// Env returns the seeded AK/SK identity as the environment variables
// huaweibcs.NewFromEnv reads: endpoint, project id, AK and SK. It holds the
// seeded (fake) secret key.
func (s *Server) Env() [][2]string {
	return [][2]string{
		{huaweibcs.EnvEndpoint, s.URL()},
		{huaweibcs.EnvProjectID, ProjectID},
		{huaweibcs.EnvAK, AccessKey},
		{huaweibcs.EnvSK, SecretKey},
	}
}

// IAMEndpoint returns the IAM endpoint to pass to huaweibcs.Password: the
// fake serves POST /v3/auth/tokens itself.
func (s *Server) IAMEndpoint() string { return s.URL() }

// clientOptions puts the fake's clock and, in memory, its transport first,
// so that opts can override them.
func (s *Server) clientOptions(opts []cloudkeys.Option) []cloudkeys.Option {
	return s.ClientOptions(append([]cloudkeys.Option{cloudkeys.WithClock(s.Now)}, opts...)...)
}

func mustClient(c *huaweibcs.Client, err error) *huaweibcs.Client {
	if err != nil {
		panic("huaweibcstest: " + err.Error())
	}
	return c
}

// Client returns a client for the fake authenticated with the seeded access
// key (AK/SK signing), using the fake's clock. It panics only on invalid
// opts.
func (s *Server) Client(opts ...cloudkeys.Option) *huaweibcs.Client {
	return mustClient(huaweibcs.New(s.URL(), ProjectID, huaweibcs.AKSK(AccessKey, SecretKey), s.clientOptions(opts)...))
}

// TokenClient returns a client using a freshly issued token (X-Auth-Token).
func (s *Server) TokenClient(opts ...cloudkeys.Option) *huaweibcs.Client {
	return mustClient(huaweibcs.New(s.URL(), ProjectID, huaweibcs.Token(s.IssueToken()), s.clientOptions(opts)...))
}

// PasswordClient returns a client that logs in as the seeded IAM user.
func (s *Server) PasswordClient(opts ...cloudkeys.Option) *huaweibcs.Client {
	return mustClient(huaweibcs.New(s.URL(), ProjectID, huaweibcs.Password(s.IAMEndpoint(), Domain, User, Password), s.clientOptions(opts)...))
}

// IssueToken returns a new token scoped to ProjectID, valid for the token
// TTL from the server's clock.
func (s *Server) IssueToken() string {
	tok := "MIIfake" + randomHex(48)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[tok] = tokenRecord{project: ProjectID, expires: s.Now().Add(s.tokenTTL)}
	return tok
}

// RevokeTokens invalidates every issued token (as a password change does).
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

// SetTokenTTL sets the lifetime of tokens issued from now on.
func (s *Server) SetTokenTTL(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenTTL = d
}

// Logins returns how many successful password logins the IAM endpoint served.
func (s *Server) Logins() int { return int(s.logins.Load()) }

// AddAccessKey lets ak/sk sign requests.
func (s *Server) AddAccessKey(ak, sk string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[ak] = sk
}

// AddUser lets domain/user log in with password.
func (s *Server) AddUser(domain, user, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[userKey{domain, user}] = password
}

// SetFileFormat sets how creates are answered from now on.
func (s *Server) SetFileFormat(f FileFormat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.format = f
}

// SetCredentialFile makes creates from now on answer f(rec) as the content
// of credential.csv (zipped or bare, as SetFileFormat says) instead of the
// default CSV, e.g. to test a file with other columns. nil restores the
// default.
func (s *Server) SetCredentialFile(f func(rec CredentialRecord) []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fileFunc = f
}

// AddCredential stores a new credential as if created now and returns it.
func (s *Server) AddCredential(description string) CredentialRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.addLocked(description)
}

// AddCredentialWithPolicy stores a new credential restricted by p (as if
// created and then edited in the console) and returns it.
func (s *Server) AddCredentialWithPolicy(description string, p Policy) CredentialRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.addLocked(description)
	rec.Policy = Policy{
		NodeIDs:     slices.Clone(p.NodeIDs),
		ControlType: p.ControlType,
		Allowlists:  slices.Clone(p.Allowlists),
	}
	return *rec
}

// SeedCredentials stores n credentials described "seed-<i>".
func (s *Server) SeedCredentials(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range n {
		s.addLocked("seed-" + itoa(i))
	}
}

func (s *Server) addLocked(description string) *CredentialRecord {
	now := s.Now()
	rec := &CredentialRecord{
		ID:          newUUID(),
		Description: description,
		Secret:      cloudkeys.NewSecret(randomHex(16)),
		CreatedAt:   now,
		LastUsedAt:  now, // the reference's example shows update_time = create_time
	}
	s.creds = append(s.creds, rec)
	return rec
}

// Credentials returns every stored credential, in creation order.
func (s *Server) Credentials() []CredentialRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]CredentialRecord, len(s.creds))
	for i, c := range s.creds {
		out[i] = *c
	}
	return out
}

// CredentialCount returns how many credentials are stored.
func (s *Server) CredentialCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.creds)
}

// Credential returns the stored credential with id.
func (s *Server) Credential(id string) (CredentialRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := s.indexLocked(id); i >= 0 {
		return *s.creds[i], true
	}
	return CredentialRecord{}, false
}

// MarkUsed records a use of credential id at t (its update_time).
func (s *Server) MarkUsed(id string, t time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := s.indexLocked(id); i >= 0 {
		s.creds[i].LastUsedAt = t
		return true
	}
	return false
}

func (s *Server) indexLocked(id string) int {
	return slices.IndexFunc(s.creds, func(c *CredentialRecord) bool { return c.ID == id })
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func newUUID() string { return fakeserver.NewUUID() }
