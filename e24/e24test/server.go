package e24test

import (
	"net/http"
	"sync"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
	"github.com/cloudkeys/cloudkeys/e24"
	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
)

// Fault is [cloudkeystest.Fault], what the fake does to one request
// instead of, or after, serving it (see Server.FailNextWith), here so that
// a test of this vendor needs one import.
type Fault = cloudkeystest.Fault

// DefaultSkewWindow is how far X-Date may be from the fake's clock, either
// way, unless WithSkewWindow says otherwise.
const DefaultSkewWindow = 15 * time.Minute

// Option configures NewServer.
type Option func(*settings)

type settings struct {
	inMemory  bool
	addr      string
	skew      time.Duration
	adminKey  string
	adminSec  string
	email     string
	firstName string
	lastName  string
	tls       fakeserver.TLSMode
	maxLogged int
}

// WithInMemory serves requests through Transport() only, with no socket
// (for testing/synctest). URL() is then cloudkeystest.InMemoryURL and
// Server.Client wires the in-memory transport in.
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

// WithAddr listens on addr (host:port) instead of 127.0.0.1:0.
func WithAddr(addr string) Option { return func(s *settings) { s.addr = addr } }

// WithSkewWindow sets how far X-Date may be from the fake's clock, either
// way (default 15 minutes).
func WithSkewWindow(d time.Duration) Option { return func(s *settings) { s.skew = d } }

// WithAdminKey seeds the account's first API key with a fixed key and
// secret instead of random ones.
func WithAdminKey(apiKey, secret string) Option {
	return func(s *settings) { s.adminKey, s.adminSec = apiKey, secret }
}

// WithAccount sets the seeded account's email and name.
func WithAccount(email, firstName, lastName string) Option {
	return func(s *settings) { s.email, s.firstName, s.lastName = email, firstName, lastName }
}

// Server is an in-process fake of the e24cloud account API v2. It
// implements [cloudkeystest.Fake]: URL, Close, Clock, Requests, FailNext,
// FailNextWith, CommitThenDrop, DropNext, SetDelay and the rest of the
// fault injection and inspection every vendor's fake shares. It is safe
// for concurrent use.
type Server struct {
	*fakeserver.Server

	mu       sync.Mutex
	skew     time.Duration
	accounts []*account // the seeded account first, then sub-accounts
	nextSSH  int64
	admin    *account
}

// NewServer starts a fake on 127.0.0.1:0 (or in memory with WithInMemory)
// with one account holding one API key (the "admin" key Client uses), one
// pair of e24files keys, no SSH keys and one group. It needs no testing.T
// and can be used from main(); call Close when done.
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
	st := settings{skew: DefaultSkewWindow, email: "admin@example.com", firstName: "Ada", lastName: "Admin"}
	for _, o := range opts {
		if o != nil {
			o(&st)
		}
	}
	s := &Server{skew: st.skew, nextSSH: 1}
	s.admin = s.newAccount(st.email, st.firstName, st.lastName, "", nil)
	s.admin.groups = []group{{id: 1, name: "admins"}}
	if st.adminKey != "" && st.adminSec != "" {
		s.admin.keys[0] = &apiKey{key: st.adminKey, secret: st.adminSec}
	}
	fs, err := fakeserver.Listen(http.HandlerFunc(s.serve), fakeserver.Options{ErrorBody: errorBody, InMemory: st.inMemory, Addr: st.addr,
		TLS: st.tls, MaxLoggedRequests: st.maxLogged})
	if err != nil {
		return nil, err
	}
	s.Server = fs
	return s, nil
}

// Client returns a client for the fake, authenticated with the seeded
// account's first API key. opts come after the fake's own options (in
// in-memory mode, WithHTTPClient with the in-memory transport).
func (s *Server) Client(opts ...cloudkeys.Option) *e24.Client {
	key, sec := s.AdminKey()
	return s.ClientFor(key, sec, opts...)
}

// ClientFor returns a client for the fake signing with the given key pair
// (e.g. a key created through the API, or a sub-account's key).
func (s *Server) ClientFor(apiKey string, secret cloudkeys.Secret, opts ...cloudkeys.Option) *e24.Client {
	all := s.ClientOptions(opts...)
	c, err := e24.New(s.URL(), e24.APIKey(apiKey, secret.Reveal()), all...)
	if err != nil {
		panic("e24test: " + err.Error())
	}
	return c
}

// SetSkewWindow changes how far X-Date may be from the fake's clock.
func (s *Server) SetSkewWindow(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.skew = d
}
