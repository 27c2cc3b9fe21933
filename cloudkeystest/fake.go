package cloudkeystest

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"strconv"
	"time"

	"github.com/cloudkeys/cloudkeys"
)

// Fake is what every vendor's fake server (the Server of package
// cloudstacktest, zstacktest, e24test, huaweibcstest and onezonetest)
// offers beside its vendor's own seeding and inspection methods: where it
// listens, fault injection, a settable clock and a request log. Each of
// those packages asserts that its *Server implements it, so code that
// injects faults or reads requests can be written once for every vendor.
//
// The methods are safe for concurrent use.
type Fake interface {
	// URL returns the fake's base URL: http://127.0.0.1:<port> (https://
	// in a TLS mode), or [InMemoryURL] (https://fake.invalid in memory with
	// TLS). Some vendors' clients take a longer endpoint (CloudStack's API
	// path); the vendor's fake says so.
	URL() string
	// Close stops the fake: the listener and every connection are closed,
	// requests in flight (stalled ones included) see their context end, and
	// Close waits for their handlers to return. Later requests fail as if
	// refused. Close may be called more than once.
	Close()

	// FailNext answers the next n requests with status and the vendor's
	// error body for it, without serving them.
	FailNext(n, status int)
	// FailNextWith applies f to the next n requests that f.Match accepts
	// (all, when it is nil); see [Fault] for what a fault can do.
	FailNextWith(n int, f Fault)
	// CommitThenDrop serves the next n requests for real, then closes the
	// connection without answering: the operation happened, the answer is
	// lost. (Over HTTP/2 the stream is reset with INTERNAL_ERROR instead;
	// see [Fault].Drop.)
	CommitThenDrop(n int)
	// DropNext closes the connection of the next n requests without
	// serving them.
	DropNext(n int)
	// SetDelay delays every answer by d (0 to stop). A [Fault]'s own Delay
	// replaces it for that request.
	SetDelay(d time.Duration)
	// PendingFaults returns how many injected faults are still waiting.
	PendingFaults() int
	// ClearFaults drops every pending fault and the delay.
	ClearFaults()

	// Clock returns the fake's [Clock], which it reads for signature
	// windows, expiry and timestamps: Set it to test expiry and clock
	// skew.
	Clock() *Clock
	// Now reads the fake's clock.
	Now() time.Time

	// Requests returns the requests the fake received ([Request]), oldest first: up
	// to the newest [DefaultMaxLoggedRequests] (or the fake's
	// WithMaxLoggedRequests), with at most [DefaultMaxLoggedBodyBytes] of
	// bodies, and no body for a request that failed authentication.
	Requests() []Request
	// ResetRequests empties the request log.
	ResetRequests()
	// Connections returns how many connections the fake accepted (TCP, or
	// in-memory pipes in the in-memory TLS mode; 0 for the plain in-memory
	// mode).
	Connections() int

	// InMemory reports whether the fake serves without a socket (its
	// WithInMemory option), only through Transport.
	InMemory() bool
	// TLSMode returns how the fake speaks: [PlainHTTP], [TLSHTTP2] or
	// [TLSHTTP1].
	TLSMode() TLSMode
	// Transport returns a RoundTripper that reaches the fake in memory,
	// without a socket (for a fake on a socket it serves the same handler,
	// faults and log without the network). In the in-memory TLS mode it is
	// an *http.Transport that trusts the fake and dials it over net.Pipe.
	// A plain in-memory transport blocks durably, so faults that stall let
	// a testing/synctest bubble's clock advance.
	Transport() http.RoundTripper
	// TLSConfig returns a client TLS configuration that trusts the fake's
	// self-signed certificate, or nil for a plain-HTTP fake. NextProtos is
	// left empty, so a transport with ForceAttemptHTTP2 (or
	// cloudkeys.WithTLSConfig) negotiates HTTP/2 where the fake offers it.
	// Each call returns a new config.
	TLSConfig() *tls.Config
	// CertPool returns a pool holding the fake's self-signed certificate,
	// or nil for a plain-HTTP fake.
	CertPool() *x509.CertPool
	// Certificate returns the fake's self-signed certificate (ECDSA P-256,
	// for 127.0.0.1, ::1, localhost and fake.invalid), or nil for a
	// plain-HTTP fake.
	Certificate() *x509.Certificate
	// CertificatePEM returns the fake's certificate PEM-encoded (to write
	// to a CA file, e.g. for SSL_CERT_FILE), or nil for a plain-HTTP fake.
	CertificatePEM() []byte
	// Handler returns the fake's handler (fault injection, request log and
	// the vendor's API), to mount in a server of your own.
	Handler() http.Handler
	// ClientOptions returns the options an SDK client needs to reach the
	// fake, followed by opts (which come later and so override): in
	// memory, cloudkeys.WithHTTPClient with Transport; over TLS on a
	// socket, cloudkeys.WithTLSConfig with TLSConfig (unless opts bring
	// their own cloudkeys.WithHTTPClient, whose transport must then trust
	// CertPool itself); plain HTTP on a socket, nothing. Pass them to the
	// vendor's New or NewFromEnv to build a client of your own.
	ClientOptions(opts ...cloudkeys.Option) []cloudkeys.Option
}

// InMemoryURL is the base URL of a fake started in memory (its
// WithInMemory option) without TLS; with TLS it is https://fake.invalid.
// The .invalid top-level domain never resolves, so a client that is not
// wired to the fake's Transport fails instead of reaching any network.
const InMemoryURL = "http://fake.invalid"

// TLSMode says whether, and how, a fake speaks TLS.
type TLSMode int

const (
	// PlainHTTP serves HTTP/1.1 without TLS (the default).
	PlainHTTP TLSMode = iota
	// TLSHTTP2 serves TLS with HTTP/2 negotiated by ALPN ("h2", with
	// "http/1.1" also offered: a client that does not ask for h2 gets
	// HTTP/1.1). HTTP/2 is served by the fake's own HTTP/2 server, which
	// can reset streams and send GOAWAY on demand (Fault.Reset,
	// Fault.GoAway). The fakes' WithTLS option.
	TLSHTTP2
	// TLSHTTP1 serves TLS with HTTP/1.1 only: ALPN offers only
	// "http/1.1". The fakes' WithTLSHTTP1 option.
	TLSHTTP1
)

// String names the mode.
func (m TLSMode) String() string {
	switch m {
	case PlainHTTP:
		return "plain HTTP/1.1"
	case TLSHTTP2:
		return "TLS+HTTP/2"
	case TLSHTTP1:
		return "TLS+HTTP/1.1"
	}
	return "TLSMode(" + strconv.Itoa(int(m)) + ")"
}
