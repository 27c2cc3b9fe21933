package fakeserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// InMemoryURL is the base URL of a fake started with Options.InMemory. The
// .invalid top-level domain never resolves, so a client that is not wired to
// the in-memory transport fails instead of reaching any network.
const InMemoryURL = "http://fake.invalid"

// maxBody bounds a request body the fake reads.
const maxBody = 64 << 20

// Options configure a Server.
type Options struct {
	// ErrorBody returns the vendor's error answer for a status, used by
	// faults that set no Body.
	ErrorBody func(status int) (http.Header, []byte)
	// InMemory serves requests through Transport() only, with no socket at
	// all (for testing/synctest, where goroutines blocked on real sockets
	// keep the fake clock from advancing).
	InMemory bool
	// Addr is the address to listen on (default 127.0.0.1:0, a free
	// loopback port). Ignored in memory.
	Addr string
}

// Server runs a vendor handler behind the shared fault injection, clock
// and request log.
type Server struct {
	handler http.Handler
	opts    Options
	clock   Clock
	faults  faultQueue
	log     requestLog
	ts      *httptest.Server
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
	s := &Server{handler: h, opts: opts}
	if !opts.InMemory {
		s.ts = httptest.NewUnstartedServer(http.HandlerFunc(s.ServeHTTP))
		if opts.Addr != "" {
			ln, err := net.Listen("tcp", opts.Addr)
			if err != nil {
				return nil, fmt.Errorf("fakeserver: listen on %s: %w", opts.Addr, err)
			}
			_ = s.ts.Listener.Close()
			s.ts.Listener = ln
		}
		s.ts.Config.ConnState = func(_ net.Conn, cs http.ConnState) {
			if cs == http.StateNew {
				s.conns.Add(1)
			}
		}
		s.ts.Start()
	}
	return s, nil
}

// URL returns the base URL: http://127.0.0.1:<port>, or InMemoryURL.
func (s *Server) URL() string {
	if s.ts == nil {
		return InMemoryURL
	}
	return s.ts.URL
}

// InMemory reports whether the server has no listener.
func (s *Server) InMemory() bool { return s.ts == nil }

// Close stops the server. Later requests fail as if refused.
func (s *Server) Close() {
	s.once.Do(func() {
		s.closed.Store(true)
		if s.ts != nil {
			s.ts.CloseClientConnections()
			s.ts.Close()
		}
	})
}

// Clock returns the server's clock, which the vendor handler reads for
// signature windows, expiry and timestamps.
func (s *Server) Clock() *Clock { return &s.clock }

// Now reads the server's clock.
func (s *Server) Now() time.Time { return s.clock.Now() }

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request { return s.log.all() }

// ResetRequests empties the request log.
func (s *Server) ResetRequests() { s.log.reset() }

// Connections returns how many TCP connections the server accepted.
func (s *Server) Connections() int { return int(s.conns.Load()) }

// FailNext answers the next n requests with status and the vendor's error
// body for it, without serving them.
func (s *Server) FailNext(n, status int) { s.faults.push(n, Fault{Status: status}) }

// FailNextWith applies f to the next n matching requests.
func (s *Server) FailNextWith(n int, f Fault) { s.faults.push(n, f) }

// CommitThenDrop serves the next n requests for real, then closes the
// connection without answering: the operation happened, the answer is lost.
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
	s.log.add(Request{
		Time: s.clock.Now(), Method: r.Method, Path: r.URL.Path, RawPath: r.URL.EscapedPath(),
		RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body, Fault: faulted,
	})

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
			t.Stop()
			return
		case <-t.C:
		}
	}
	if !faulted {
		s.handler.ServeHTTP(w, r)
		return
	}
	if f.Commit {
		s.handler.ServeHTTP(httptest.NewRecorder(), r.Clone(r.Context()))
	}
	if f.Drop || f.Status == 0 {
		// Close the connection without an answer.
		panic(http.ErrAbortHandler)
	}
	hdr, b := f.Header, f.Body
	if b == nil && s.opts.ErrorBody != nil {
		var eh http.Header
		eh, b = s.opts.ErrorBody(f.Status)
		for k, v := range eh {
			if w.Header().Get(k) == "" {
				w.Header()[k] = v
			}
		}
	}
	for k, v := range hdr {
		w.Header()[k] = v
	}
	w.WriteHeader(f.Status)
	_, _ = w.Write(b)
}

// ErrDropped is the error the in-memory transport returns for a dropped
// connection.
var ErrDropped = errors.New("fakeserver: connection closed without an answer")

// Transport returns a RoundTripper that serves requests in memory, without
// a socket. A dropped connection is an error wrapping io.ErrUnexpectedEOF; a
// closed server refuses like a closed port (a dial error).
func (s *Server) Transport() http.RoundTripper { return memTransport{s} }

type memTransport struct{ s *Server }

func (m memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if m.s.closed.Load() {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	// Like a real connection: from here on the request may reach the server.
	if tr := httptrace.ContextClientTrace(req.Context()); tr != nil && tr.GotConn != nil {
		tr.GotConn(httptrace.GotConnInfo{})
	}
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	sreq := req.Clone(req.Context())
	sreq.Body = io.NopCloser(bytes.NewReader(body))
	sreq.RemoteAddr = "127.0.0.1:1"
	sreq.RequestURI = req.URL.RequestURI()
	if sreq.Host == "" {
		sreq.Host = req.URL.Host
	}
	rec := httptest.NewRecorder()
	if aborted := serveCatchingAbort(m.s, rec, sreq); aborted {
		return nil, fmt.Errorf("%w: %w", ErrDropped, io.ErrUnexpectedEOF)
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

func serveCatchingAbort(s *Server, w http.ResponseWriter, r *http.Request) (aborted bool) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler { //nolint:errorlint // sentinel panic value
				aborted = true
				return
			}
			panic(v)
		}
	}()
	s.ServeHTTP(w, r)
	return false
}
