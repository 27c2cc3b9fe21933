package fakeserver

import (
	"net/http"
	"sync"
	"time"

	"github.com/cloudkeys/cloudkeys/cloudkeystest"
)

// Fault is cloudkeystest.Fault, the public type (see it for the fields).
type Fault = cloudkeystest.Fault

// ResetCode is cloudkeystest.ResetCode, an HTTP/2 error code.
type ResetCode = cloudkeystest.ResetCode

// The codes a Fault.Reset may send (cloudkeystest's).
const (
	ResetProtocolError = cloudkeystest.ResetProtocolError
	ResetInternalError = cloudkeystest.ResetInternalError
	ResetRefusedStream = cloudkeystest.ResetRefusedStream
	ResetCancel        = cloudkeystest.ResetCancel
)

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
