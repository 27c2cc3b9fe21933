package transport

import "sync"

// Costs of the retry budget, in tokens (aws-sdk-go-v2's retry token bucket
// uses the same proportions: 5 per retry, 10 after a timeout, 1 back per
// success without retry).
const (
	retryCost        = 5
	timeoutRetryCost = 10
	successRefill    = 1
)

// budget is a client's retry token bucket. A nil *budget allows every
// retry. It is safe for concurrent use.
type budget struct {
	mu       sync.Mutex
	tokens   int
	capacity int
}

// newBudget returns a full budget allowing retries retries, or nil (no
// budget) for retries <= 0.
func newBudget(retries int) *budget {
	if retries <= 0 {
		return nil
	}
	return &budget{tokens: retries * retryCost, capacity: retries * retryCost}
}

// take withdraws cost tokens for one retry; false means the budget is
// empty and the failure must be returned as it is.
func (b *budget) take(cost int) bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tokens < cost {
		return false
	}
	b.tokens -= cost
	return true
}

// succeeded records a call that succeeded after drawing drawn tokens for
// its retries: they are returned, or, for a call without retries, the
// refill is added; never beyond the capacity.
func (b *budget) succeeded(drawn int) {
	if b == nil {
		return
	}
	add := drawn
	if drawn == 0 {
		add = successRefill
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens = min(b.tokens+add, b.capacity)
}

// available returns the tokens left (for tests).
func (b *budget) available() int {
	if b == nil {
		return -1
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.tokens
}
