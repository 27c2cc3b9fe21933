package fakeserver

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cloudkeys/cloudkeys/cloudkeystest"
)

// InMemoryURL is cloudkeystest.InMemoryURL, the base URL of a plain
// in-memory fake.
const InMemoryURL = cloudkeystest.InMemoryURL

// inMemoryHost is the host of InMemoryURL; the TLS certificate names it too,
// for the in-memory TLS mode (https://fake.invalid).
const inMemoryHost = "fake.invalid"

// maxBody bounds a request body the fake reads.
const maxBody = 64 << 20

// TLSMode is cloudkeystest.TLSMode: whether, and how, a fake speaks TLS.
type TLSMode = cloudkeystest.TLSMode

// The TLS modes (cloudkeystest's).
const (
	PlainHTTP = cloudkeystest.PlainHTTP
	TLSHTTP2  = cloudkeystest.TLSHTTP2
	TLSHTTP1  = cloudkeystest.TLSHTTP1
)

// Options configure a Server.
type Options struct {
	// ErrorBody returns the vendor's error answer for a status, used by
	// faults that set no Body.
	ErrorBody func(status int) (http.Header, []byte)
	// InMemory serves requests through Transport() only, with no socket at
	// all (for testing/synctest, where goroutines blocked on real sockets
	// keep the fake clock from advancing). Combined with a TLS mode, the
	// fake serves real TLS (and HTTP/2) over in-memory pipes (net.Pipe),
	// and Transport() is an *http.Transport that dials them.
	InMemory bool
	// Addr is the address to listen on (default 127.0.0.1:0, a free
	// loopback port). Ignored in memory.
	Addr string
	// TLS selects plain HTTP/1.1 (default), TLS with HTTP/2, or TLS with
	// HTTP/1.1 only. The certificate is self-signed, generated at start
	// (ECDSA P-256, for 127.0.0.1, ::1, localhost and fake.invalid); trust
	// it with TLSConfig or CertPool.
	TLS TLSMode
	// MaxLoggedRequests bounds the request log: it keeps the newest n
	// requests (0: DefaultMaxLoggedRequests, 4096).
	MaxLoggedRequests int
	// MaxLoggedBodyBytes bounds the total size of the request bodies the
	// log keeps (0: DefaultMaxLoggedBodyBytes, 64 MiB); past it, the bodies
	// of the oldest entries are dropped first (the entries stay, with
	// BodyDropped set).
	MaxLoggedBodyBytes int64
}

// Server runs a vendor handler behind the shared fault injection, clock
// and request log.
type Server struct {
	handler http.Handler
	opts    Options
	clock   Clock
	faults  faultQueue
	log     requestLog
	net     *netServer // nil when served in memory without TLS
	tls     *certificate
	mem     memCalls
	conns   atomic.Int64
	closed  atomic.Bool
	once    sync.Once
}

// New starts a server for h on 127.0.0.1:0 (or Options.Addr), or in
// memory. It panics if it cannot listen; use Listen to get an error instead.
func New(h http.Handler, opts Options) *Server {
	s, err := Listen(h, opts)
	if err != nil {
		panic(err)
	}
	return s
}

// Listen is New returning an error when the address cannot be listened on.
func Listen(h http.Handler, opts Options) (*Server, error) {
	if opts.TLS < PlainHTTP || opts.TLS > TLSHTTP1 {
		return nil, fmt.Errorf("fakeserver: unknown TLS mode %d", opts.TLS)
	}
	s := &Server{handler: h, opts: opts}
	s.log.init(opts.MaxLoggedRequests, opts.MaxLoggedBodyBytes)
	if opts.TLS != PlainHTTP {
		c, err := newCertificate()
		if err != nil {
			return nil, fmt.Errorf("fakeserver: %w", err)
		}
		s.tls = c
	}
	if opts.InMemory && opts.TLS == PlainHTTP {
		return s, nil
	}
	var ln net.Listener
	switch {
	case opts.InMemory:
		ln = newPipeListener()
	default:
		addr := opts.Addr
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		var err error
		ln, err = net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("fakeserver: listen on %s: %w", addr, err)
		}
	}
	s.net = startNetServer(s, ln)
	return s, nil
}

// URL returns the base URL: http://127.0.0.1:<port> (https:// in a TLS
// mode), or InMemoryURL (https://fake.invalid in memory with TLS).
func (s *Server) URL() string {
	scheme := "http://"
	if s.tls != nil {
		scheme = "https://"
	}
	if s.opts.InMemory {
		return scheme + inMemoryHost
	}
	return scheme + s.net.ln.Addr().String()
}

// InMemory reports whether the server has no listener (Options.InMemory).
func (s *Server) InMemory() bool { return s.opts.InMemory }

// TLSMode returns the server's TLS mode.
func (s *Server) TLSMode() TLSMode { return s.opts.TLS }

// TLSConfig returns a client TLS configuration that trusts the fake's
// certificate (RootCAs), or nil for a plain-HTTP fake. It leaves
// NextProtos empty, so an http.Transport with ForceAttemptHTTP2 (or
// cloudkeys.WithTLSConfig) negotiates HTTP/2 where the fake offers it. Each
// call returns a new config.
func (s *Server) TLSConfig() *tls.Config {
	if s.tls == nil {
		return nil
	}
	return &tls.Config{RootCAs: s.CertPool(), MinVersion: tls.VersionTLS12}
}

// CertPool returns a pool holding the fake's self-signed certificate, or
// nil for a plain-HTTP fake.
func (s *Server) CertPool() *x509.CertPool {
	if s.tls == nil {
		return nil
	}
	p := x509.NewCertPool()
	p.AddCert(s.tls.leaf)
	return p
}

// Certificate returns the fake's self-signed certificate, or nil for a
// plain-HTTP fake.
func (s *Server) Certificate() *x509.Certificate {
	if s.tls == nil {
		return nil
	}
	return s.tls.leaf
}

// CertificatePEM returns the fake's certificate PEM-encoded (to write to a
// CA file, e.g. for SSL_CERT_FILE), or nil for a plain-HTTP fake.
func (s *Server) CertificatePEM() []byte {
	if s.tls == nil {
		return nil
	}
	return s.tls.pem
}

// Close stops the server: the listener and every connection are closed,
// requests in flight (stalled ones included) see their context end, and
// Close waits for their handlers to return. Later requests fail as if
// refused.
func (s *Server) Close() {
	s.once.Do(func() {
		s.closed.Store(true)
		s.mem.closeAll()
		if s.net != nil {
			s.net.close()
		}
	})
}

// Clock returns the server's clock, which the vendor handler reads for
// signature windows, expiry and timestamps.
func (s *Server) Clock() *Clock { return &s.clock }

// Now reads the server's clock.
func (s *Server) Now() time.Time { return s.clock.Now() }

// Requests returns the requests in the log, oldest first: every request
// received, up to the newest Options.MaxLoggedRequests.
func (s *Server) Requests() []Request { return s.log.all() }

// ResetRequests empties the request log.
func (s *Server) ResetRequests() { s.log.reset() }

// Connections returns how many connections the server accepted (TCP, or
// in-memory pipes in the in-memory TLS mode; 0 for the plain in-memory
// mode).
func (s *Server) Connections() int { return int(s.conns.Load()) }

// FailNext answers the next n requests with status and the vendor's error
// body for it, without serving them.
func (s *Server) FailNext(n, status int) { s.faults.push(n, Fault{Status: status}) }

// FailNextWith applies f to the next n matching requests.
func (s *Server) FailNextWith(n int, f Fault) { s.faults.push(n, f) }

// CommitThenDrop serves the next n requests for real, then closes the
// connection without answering: the operation happened, the answer is lost.
// (Over HTTP/2: the stream is reset with INTERNAL_ERROR; see Fault.Drop.)
func (s *Server) CommitThenDrop(n int) { s.faults.push(n, Fault{Commit: true, Drop: true}) }

// DropNext closes the connection of the next n requests without serving
// them.
func (s *Server) DropNext(n int) { s.faults.push(n, Fault{Drop: true}) }

// SetDelay delays every answer by d (0 to stop).
func (s *Server) SetDelay(d time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.delay = d
}

// PendingFaults returns how many injected faults are still waiting.
func (s *Server) PendingFaults() int { return s.faults.pending() }

// ClearFaults drops every pending fault and the delay.
func (s *Server) ClearFaults() { s.faults.clear() }

// Handler returns the server's handler (faults, log, vendor handler), to
// mount elsewhere.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.ServeHTTP) }

// ServeHTTP records the request, applies the next matching fault, and
// serves it with the vendor handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Body == nil { // a handler mounted behind a custom RoundTripper may get none
		r.Body = http.NoBody
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))

	f, faulted := s.faults.take(r)
	e := s.log.add(Request{
		Time: s.clock.Now(), Method: r.Method, Path: r.URL.Path, RawPath: r.URL.EscapedPath(),
		RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body, BodySize: int64(len(body)),
		Proto: r.Proto, Fault: faulted,
	})
	r = r.WithContext(withLogEntry(r.Context(), &s.log, e))
	// The status is logged (and a 401 or 403 drops the body) when it is
	// written, before the client can see the answer.
	sw := &statusWriter{ResponseWriter: w, answered: func(status int) { s.answered(e, status) }}

	delay := f.Delay
	if delay == 0 {
		s.faults.mu.Lock()
		delay = s.faults.delay
		s.faults.mu.Unlock()
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-r.Context().Done():
			// The client went away or the server is closing: no answer.
			t.Stop()
			panic(http.ErrAbortHandler)
		case <-t.C:
		}
	}
	if !faulted {
		s.handler.ServeHTTP(sw, r)
		return
	}
	s.applyFault(w, sw, r, e, f)
}

// answered records the status of e and drops its body for a 401 or 403.
func (s *Server) answered(e *logEntry, status int) {
	s.log.setStatus(e, status)
	if status == http.StatusUnauthorized || status == http.StatusForbidden {
		s.log.unauthenticated(e)
	}
}

// commit runs the vendor handler into a recorder: the operation happens,
// its answer is kept aside.
func (s *Server) commit(r *http.Request, e *logEntry) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, r.Clone(r.Context()))
	if rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden {
		s.log.unauthenticated(e)
	}
	return rec
}

func (s *Server) applyFault(w http.ResponseWriter, sw *statusWriter, r *http.Request, e *logEntry, f Fault) {
	sf := streamFaulterOf(w)
	if f.CutBody || f.StallBody {
		rec := s.commit(r, e)
		n := f.CutAfter
		if f.StallBody {
			n = f.StallAfter
		}
		b := rec.Body.Bytes()
		for k, v := range rec.Header() {
			sw.Header()[k] = v
		}
		if bodyAllowed(r.Method, rec.Code) {
			sw.Header().Set("Content-Length", strconv.Itoa(len(b)))
			b = b[:max(0, min(n, len(b)))]
		} else {
			b = nil
		}
		sw.WriteHeader(rec.Code)
		_, _ = sw.Write(b)
		_ = http.NewResponseController(sw).Flush()
		if f.StallBody {
			<-r.Context().Done()
			panic(http.ErrAbortHandler)
		}
		switch {
		case sf != nil && f.Reset != 0:
			sf.resetStream(f.Reset)
		case sf != nil:
			sf.closeConnection()
		default:
			panic(http.ErrAbortHandler)
		}
		return
	}
	if f.Commit {
		s.commit(r, e)
	}
	switch {
	case f.Reset != 0:
		if sf == nil {
			panic(http.ErrAbortHandler)
		}
		sf.resetStream(f.Reset)
		return
	case f.GoAway:
		if sf == nil {
			panic(http.ErrAbortHandler)
		}
		sf.goAway(f.Commit)
		return
	case f.StallHeaders:
		<-r.Context().Done()
		panic(http.ErrAbortHandler)
	case f.Drop || f.Status == 0:
		// Close the connection without an answer.
		panic(http.ErrAbortHandler)
	}
	hdr, b := f.Header, f.Body
	if b == nil && s.opts.ErrorBody != nil {
		var eh http.Header
		eh, b = s.opts.ErrorBody(f.Status)
		for k, v := range eh {
			if sw.Header().Get(k) == "" {
				sw.Header()[k] = v
			}
		}
	}
	for k, v := range hdr {
		sw.Header()[k] = v
	}
	sw.WriteHeader(f.Status)
	_, _ = sw.Write(b)
}

// bodyAllowed reports whether an answer with status to method has a body.
func bodyAllowed(method string, status int) bool {
	if method == http.MethodHead {
		return false
	}
	return !(status >= 100 && status < 200) && status != http.StatusNoContent && status != http.StatusNotModified
}

// streamFaulter is implemented by the ResponseWriter of the fake's HTTP/2
// server: the faults that act on the stream or the connection instead of
// answering. After any of them the response is over.
type streamFaulter interface {
	// resetStream sends RST_STREAM with code.
	resetStream(code ResetCode)
	// goAway sends GOAWAY (last-stream-id = this stream if processed,
	// below it otherwise) and closes the connection once the streams it
	// covers are done.
	goAway(processed bool)
	// closeConnection flushes what was written and closes the connection.
	closeConnection()
}

// streamFaulterOf finds a streamFaulter in w or the writers it wraps.
func streamFaulterOf(w http.ResponseWriter) streamFaulter {
	for w != nil {
		if sf, ok := w.(streamFaulter); ok {
			return sf
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return nil
		}
		w = u.Unwrap()
	}
	return nil
}

// statusWriter reports the status the handler answers, once, before it
// is passed on.
type statusWriter struct {
	http.ResponseWriter
	status   int
	answered func(status int)
}

func (w *statusWriter) setStatus(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
		w.answered(code)
	}
}

func (w *statusWriter) WriteHeader(code int) {
	w.setStatus(code)
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	w.setStatus(http.StatusOK)
	return w.ResponseWriter.Write(p)
}

// Flush sends what was written so far (http.Flusher).
func (w *statusWriter) Flush() { _ = w.FlushError() }

// FlushError is Flush returning the error (used by http.ResponseController).
func (w *statusWriter) FlushError() error {
	w.setStatus(http.StatusOK)
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap returns the wrapped writer (for http.ResponseController).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Server implements cloudkeystest.Fake, the interface every vendor fake
// shares.
var _ cloudkeystest.Fake = (*Server)(nil)
