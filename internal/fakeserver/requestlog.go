package fakeserver

import (
	"net/http"
	"sync"
	"time"
)

// Request is one request as the fake received it. It is kept in memory for
// tests to inspect and is never logged.
type Request struct {
	Time     time.Time
	Method   string
	Path     string // unescaped
	RawPath  string // as sent, escaped
	RawQuery string
	Header   http.Header
	Body     []byte
	Fault    bool // a fault was applied
}

type requestLog struct {
	mu   sync.Mutex
	reqs []Request
}

func (l *requestLog) add(r Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, r)
}

func (l *requestLog) all() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Request(nil), l.reqs...)
}

func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = nil
}
