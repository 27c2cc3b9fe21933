package fakeserver

import (
	"net/http"
	"sync"
	"time"
)

// Fault is what the fake does to one request instead of, or after, serving
// it normally.
type Fault struct {
	// Status, when non-zero, is the status answered. Body and Header go with
	// it; a nil Body gets the vendor's error body for that status.
	Status int
	Header http.Header
	Body   []byte

	// Commit runs the real handler first, so the operation happens, and then
	// answers with Status or drops the connection. Without Commit the
	// request is not served at all.
	Commit bool
	// Drop closes the connection without answering.
	Drop bool
	// Delay holds the answer back (ending early if the client goes away).
	Delay time.Duration

	// Match limits the fault to matching requests; nil matches any.
	// Requests that do not match pass through and do not use the fault up.
	Match func(*http.Request) bool
}

type faultQueue struct {
	mu    sync.Mutex
	queue []Fault
	delay time.Duration
}

func (q *faultQueue) push(n int, f Fault) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i := 0; i < n; i++ {
		q.queue = append(q.queue, f)
	}
}

// take removes and returns the first fault matching r.
func (q *faultQueue) take(r *http.Request) (Fault, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, f := range q.queue {
		if f.Match == nil || f.Match(r) {
			q.queue = append(q.queue[:i:i], q.queue[i+1:]...)
			return f, true
		}
	}
	return Fault{}, false
}

func (q *faultQueue) pending() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.queue)
}

func (q *faultQueue) clear() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.queue = nil
	q.delay = 0
}
