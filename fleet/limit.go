package fleet

import (
	"context"
	"sync"
	"time"

	"github.com/cloudkeys/cloudkeys"
)

// Limiter is a token bucket: it lets through Rate calls per second on
// average and up to Burst at once after a quiet spell. It is safe for
// concurrent use; a nil *Limiter lets everything through.
//
// It is written here rather than taken from golang.org/x/time/rate (not a
// dependency of this module) because one blocking Wait is all the fleet
// needs.
type Limiter struct {
	mu     sync.Mutex
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
}

// NewLimiter returns a limiter of perSecond calls per second with bursts
// of up to burst calls (at least 1), or nil — no limit — when perSecond is
// not positive.
func NewLimiter(perSecond float64, burst int) *Limiter {
	if perSecond <= 0 {
		return nil
	}
	b := float64(max(burst, 1))
	return &Limiter{rate: perSecond, burst: b, tokens: b, last: time.Now()}
}

// Wait blocks until a call may go, or ctx is done (then the call's turn is
// given back and ctx's error returned).
func (l *Limiter) Wait(ctx context.Context) error {
	if l == nil {
		return ctx.Err()
	}
	l.mu.Lock()
	now := time.Now()
	if now.After(l.last) {
		l.tokens = min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.rate)
		l.last = now
	}
	l.tokens--
	var wait time.Duration
	if l.tokens < 0 {
		wait = time.Duration(-l.tokens / l.rate * float64(time.Second))
	}
	l.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		l.tokens++
		l.mu.Unlock()
		return ctx.Err()
	}
}

// pageHints are the keys a vendor's ListKeys returns per request (its page
// size), so that a limited list waits for one turn per request. Onezone
// reads every token with a request of its own; e24cloud returns every key
// in one answer.
var pageHints = map[string]int{
	"cloudstack": 500,
	"zstack":     100,
	"huaweibcs":  100,
	"onezone":    1,
	"e24":        0,
}

// Limit returns km with every call waiting for its turn at l first: one
// turn per KeyManager call, and for ListKeys one per request the vendor's
// list makes (its page size; one per key on Onezone, which reads each
// token). A vendor call that makes several requests (a CloudStack 4.23
// create polls its job) takes one turn, so set the rate a little below
// the server's limit. The result implements [cloudkeys.KeyReplacer] and
// [cloudkeys.CredentialRotator] exactly when km does. A nil l returns km.
func Limit(km cloudkeys.KeyManager, l *Limiter) cloudkeys.KeyManager {
	if l == nil || km == nil {
		return km
	}
	hint, ok := pageHints[km.Vendor()]
	if !ok {
		hint = 100
	}
	return wrap(km, hooks{wait: l.Wait, pageHint: hint})
}
