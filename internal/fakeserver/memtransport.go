package fakeserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"sync"
	"syscall"
)

// ErrDropped is the error the in-memory transport returns for a dropped
// connection.
var ErrDropped = errors.New("fakeserver: connection closed without an answer")

// Transport returns a RoundTripper that reaches the server in memory,
// without a socket.
//
// For a plain in-memory server (Options.InMemory without TLS) each request
// is served by the handler in its own goroutine, writing through a pipe:
// the response is returned once the handler flushed, wrote more than 2 KiB
// or returned (like net/http's server, which holds a small answer back
// until the handler is done), and its body streams from the handler, so a
// stalled answer
// blocks the body's Read (durably, for testing/synctest) until the
// request's context ends. A connection dropped before the answer is an
// error from RoundTrip wrapping ErrDropped and io.ErrUnexpectedEOF; one cut
// mid-body makes the body's Read fail with io.ErrUnexpectedEOF; a closed
// server refuses like a closed port (a dial error).
//
// For an in-memory TLS server it is an *http.Transport (ForceAttemptHTTP2,
// trusting the fake's certificate) whose connections are net.Pipe pairs
// served by the fake's TLS (and HTTP/2) server.
//
// For a server on a socket it is a plain in-memory transport all the same,
// serving the same handler, faults and log without the network.
func (s *Server) Transport() http.RoundTripper {
	if s.net != nil && s.opts.InMemory {
		return s.net.pipeTransport()
	}
	return memTransport{s}
}

type memTransport struct{ s *Server }

func dialRefused() error {
	return &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
}

func (m memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if m.s.closed.Load() {
		return nil, dialRefused()
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
	// The server side's context ends with the client's, when the client
	// closes the body, when the handler returns, and when the server closes.
	sctx, scancel := context.WithCancel(req.Context())
	id, ok := m.s.mem.add(scancel)
	if !ok {
		scancel()
		return nil, dialRefused()
	}
	sreq := req.Clone(sctx)
	sreq.Body = io.NopCloser(bytes.NewReader(body))
	sreq.RemoteAddr = "127.0.0.1:1"
	sreq.RequestURI = req.URL.RequestURI()
	sreq.Proto, sreq.ProtoMajor, sreq.ProtoMinor = "HTTP/1.1", 1, 1
	if sreq.Host == "" {
		sreq.Host = req.URL.Host
	}

	w := newMemWriter(req, scancel)
	done := make(chan memOutcome, 1)
	go func() {
		defer m.s.mem.remove(id)
		defer scancel()
		out := serveRecovering(m.s, w, sreq)
		w.finish(out)
		done <- out
	}()

	select {
	case <-w.ready:
	case out := <-done:
		if out.panicked && !w.sent {
			panic(out.value)
		}
		if err := req.Context().Err(); err != nil && !w.sent {
			// The handler ended because the client went away (a stall or
			// delay cut short): the client's own error, as on a socket.
			return nil, err
		}
		if out.aborted && !w.sent {
			return nil, fmt.Errorf("%w: %w", ErrDropped, io.ErrUnexpectedEOF)
		}
	case <-req.Context().Done():
		w.pw.CloseWithError(req.Context().Err())
		scancel()
		return nil, req.Context().Err()
	}
	if err := req.Context().Err(); err != nil {
		_ = w.resp.Body.Close()
		return nil, err
	}
	return w.resp, nil
}

// memOutcome is how a handler served in memory ended.
type memOutcome struct {
	aborted  bool // panicked with http.ErrAbortHandler: drop the connection
	panicked bool // panicked with value
	value    any
}

func serveRecovering(s *Server, w http.ResponseWriter, r *http.Request) (out memOutcome) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler { //nolint:errorlint // sentinel panic value
				out.aborted = true
				return
			}
			out.panicked, out.value = true, v
		}
	}()
	s.ServeHTTP(w, r)
	return memOutcome{}
}

// memBufferSize is how much body the in-memory transport holds back before
// it hands the response over, like net/http's HTTP/1.1 server: a small
// answer is delivered when the handler returns (with Content-Length), so
// the handler's work is done when the client sees it.
const memBufferSize = 2048

// memWriter is the in-memory transport's ResponseWriter. The response is
// handed to the client (ready closed) at the first Flush, when more than
// memBufferSize bytes were written, or when the handler returns; the body
// goes through an io.Pipe.
type memWriter struct {
	req    *http.Request
	header http.Header
	status int
	buf    []byte // written before the response was handed over
	sent   bool
	ready  chan struct{}
	resp   *http.Response
	pr     *io.PipeReader
	pw     *io.PipeWriter
	body   *memBody
}

func newMemWriter(req *http.Request, cancel context.CancelFunc) *memWriter {
	pr, pw := io.Pipe()
	w := &memWriter{req: req, header: http.Header{}, ready: make(chan struct{}), pr: pr, pw: pw}
	w.body = &memBody{pr: pr, cancel: cancel}
	return w
}

func (w *memWriter) Header() http.Header { return w.header }

func (w *memWriter) WriteHeader(code int) {
	if w.sent || w.status != 0 || code < 200 {
		return
	}
	w.status = code
}

func (w *memWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if !bodyAllowed(w.req.Method, w.status) {
		if w.req.Method == http.MethodHead {
			return len(p), nil
		}
		return 0, http.ErrBodyNotAllowed
	}
	if w.sent {
		return w.pw.Write(p)
	}
	w.buf = append(w.buf, p...)
	if len(w.buf) > memBufferSize {
		if err := w.send(false); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush hands the response, and what was written, to the client
// (http.Flusher).
func (w *memWriter) Flush() {
	if !w.sent {
		_ = w.send(false)
	}
}

// send hands the response over; final means the handler returned, so the
// whole body is in buf.
func (w *memWriter) send(final bool) error {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.sent = true
	h := w.header.Clone()
	allowed := bodyAllowed(w.req.Method, w.status)
	_, hasType := h["Content-Type"]
	if !hasType && h.Get("Transfer-Encoding") == "" && allowed && len(w.buf) > 0 {
		h.Set("Content-Type", http.DetectContentType(w.buf))
	}
	if final && allowed && h.Get("Content-Length") == "" && h.Get("Transfer-Encoding") == "" {
		h.Set("Content-Length", strconv.Itoa(len(w.buf)))
	}
	cl := int64(-1)
	if v := h.Get("Content-Length"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			cl = n
		}
	}
	w.resp = &http.Response{
		Status:     fmt.Sprintf("%03d %s", w.status, http.StatusText(w.status)),
		StatusCode: w.status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, ContentLength: cl, Body: w.body, Request: w.req,
	}
	w.body.stop = context.AfterFunc(w.req.Context(), func() { w.pw.CloseWithError(w.req.Context().Err()) })
	close(w.ready)
	buf := w.buf
	w.buf = nil
	if len(buf) > 0 {
		_, err := w.pw.Write(buf)
		return err
	}
	return nil
}

// finish ends the response after the handler returned: an answer not yet
// sent is sent; the body ends (io.EOF), or fails with io.ErrUnexpectedEOF
// when the handler aborted after the answer started (an abort before it is
// a dropped connection).
func (w *memWriter) finish(out memOutcome) {
	ctxErr := w.req.Context().Err()
	switch {
	case (out.panicked || out.aborted) && ctxErr != nil:
		w.pw.CloseWithError(ctxErr) // the client went away first
	case out.panicked:
		w.pw.CloseWithError(fmt.Errorf("%w: handler panicked: %v", io.ErrUnexpectedEOF, out.value))
	case out.aborted:
		w.pw.CloseWithError(io.ErrUnexpectedEOF)
	default:
		if !w.sent {
			_ = w.send(true)
		}
		_ = w.pw.Close()
	}
}

// memBody is the body of an in-memory response.
type memBody struct {
	pr     *io.PipeReader
	cancel context.CancelFunc
	stop   func() bool
	once   sync.Once
}

func (b *memBody) Read(p []byte) (int, error) { return b.pr.Read(p) }

// Close ends the response like closing a connection: the handler's
// context ends and its further writes fail.
func (b *memBody) Close() error {
	b.once.Do(func() {
		if b.stop != nil {
			b.stop()
		}
		_ = b.pr.Close()
		b.cancel()
	})
	return nil
}

// memCalls tracks the in-memory requests in flight, so that Close can end
// them.
type memCalls struct {
	mu     sync.Mutex
	closed bool
	next   uint64
	calls  map[uint64]context.CancelFunc
}

func (m *memCalls) add(cancel context.CancelFunc) (uint64, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return 0, false
	}
	if m.calls == nil {
		m.calls = map[uint64]context.CancelFunc{}
	}
	m.next++
	m.calls[m.next] = cancel
	return m.next, true
}

func (m *memCalls) remove(id uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.calls, id)
}

// closeAll refuses new calls and ends the context of those in flight; their
// handlers return on their own (the stalls and delays watch the context).
func (m *memCalls) closeAll() {
	m.mu.Lock()
	m.closed = true
	calls := m.calls
	m.calls = nil
	m.mu.Unlock()
	for _, cancel := range calls {
		cancel()
	}
}
