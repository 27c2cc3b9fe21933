package fakeserver

import (
	"context"
	"net/http"
	"sync"

	"github.com/cloudkeys/cloudkeys/cloudkeystest"
)

// Request is cloudkeystest.Request, one entry of the request log.
type Request = cloudkeystest.Request

// Defaults of the request log's bounds (cloudkeystest's).
const (
	DefaultMaxLoggedRequests  = cloudkeystest.DefaultMaxLoggedRequests
	DefaultMaxLoggedBodyBytes = cloudkeystest.DefaultMaxLoggedBodyBytes
)

// logEntry is one slot of the ring; the request's context points at it so
// that Unauthenticated can find it.
type logEntry struct {
	req Request
}

// requestLog keeps the newest max requests in a ring, and at most
// maxBytes of request bodies: when a new body would exceed it, the bodies
// of the oldest entries are dropped first (the entries stay); a body
// larger than maxBytes on its own is not kept.
type requestLog struct {
	mu       sync.Mutex
	max      int
	maxBytes int64
	ring     []*logEntry // len <= max; ring[(start+i)%max] is the i-th oldest
	start    int
	bytes    int64 // sum of len(Body) over the ring
}

func (l *requestLog) init(maxReqs int, maxBytes int64) {
	if maxReqs <= 0 {
		maxReqs = DefaultMaxLoggedRequests
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxLoggedBodyBytes
	}
	l.max, l.maxBytes = maxReqs, maxBytes
}

func (l *requestLog) add(r Request) *logEntry {
	e := &logEntry{req: r}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.max == 0 {
		l.init(0, 0)
	}
	if len(l.ring) < l.max {
		l.ring = append(l.ring, e)
	} else {
		old := l.ring[l.start]
		l.bytes -= int64(len(old.req.Body))
		l.ring[l.start] = e
		l.start = (l.start + 1) % l.max
	}
	l.bytes += int64(len(r.Body))
	if int64(len(r.Body)) > l.maxBytes { // can never fit: dropped alone
		l.dropBodyLocked(e)
	}
	// Over budget: drop bodies from the oldest entry on.
	for i := 0; l.bytes > l.maxBytes && i < len(l.ring); i++ {
		l.dropBodyLocked(l.ring[(l.start+i)%len(l.ring)])
	}
	return e
}

func (l *requestLog) dropBodyLocked(e *logEntry) {
	if e.req.Body == nil {
		return
	}
	l.bytes -= int64(len(e.req.Body))
	e.req.Body = nil
	e.req.BodyDropped = true
}

// unauthenticated drops e's body and marks it.
func (l *requestLog) unauthenticated(e *logEntry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e.req.Unauthenticated = true
	l.dropBodyLocked(e)
}

func (l *requestLog) setStatus(e *logEntry, status int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e.req.Status = status
}

func (l *requestLog) all() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Request, len(l.ring))
	for i := range l.ring {
		out[i] = l.ring[(l.start+i)%len(l.ring)].req
	}
	return out
}

func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ring, l.start, l.bytes = nil, 0, 0
}

type logEntryKey struct{}

// Unauthenticated marks r as having failed authentication: its entry in the
// request log keeps no body (the handler may still read r.Body). Vendor
// handlers call it on every credentials rejection (bad signature, unknown
// or expired token, bad session, bad basic auth), whatever status they
// answer; answers 401 and 403 are marked anyway. r must be the request the
// fake's ServeHTTP passed to the handler, or derived from it (its context
// carries the log entry); for any other request it does nothing.
func Unauthenticated(r *http.Request) {
	if r == nil {
		return
	}
	if m, ok := r.Context().Value(logEntryKey{}).(logMark); ok {
		m.log.unauthenticated(m.e)
	}
}

// RejectingWriter wraps the ResponseWriter of an authentication step whose
// every answer is a refusal: the first header or body written through it
// marks r Unauthenticated, so the refused request's body is not kept.
func RejectingWriter(w http.ResponseWriter, r *http.Request) http.ResponseWriter {
	return rejectWriter{w, r}
}

type rejectWriter struct {
	http.ResponseWriter
	r *http.Request
}

func (w rejectWriter) WriteHeader(code int) {
	Unauthenticated(w.r)
	w.ResponseWriter.WriteHeader(code)
}

func (w rejectWriter) Write(p []byte) (int, error) {
	Unauthenticated(w.r)
	return w.ResponseWriter.Write(p)
}

type logMark struct {
	log *requestLog
	e   *logEntry
}

func withLogEntry(ctx context.Context, l *requestLog, e *logEntry) context.Context {
	return context.WithValue(ctx, logEntryKey{}, logMark{l, e})
}
