package transport

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// RenewBefore is how long before its expiry a credential with a known
// lifetime is replaced (half its lifetime when that is shorter than twice
// as long).
const RenewBefore = 5 * time.Minute

// Session is the one source of a credential that a vendor obtains by
// logging in — a CloudStack session key, a ZStack session, a Huawei IAM
// token — for the calls that need it. It is safe for concurrent use:
//
//   - a login is shared: callers that need a credential while one is being
//     obtained wait for it (single flight), so an expiry seen by many
//     goroutines at once costs one login;
//   - a credential whose expiry is known is replaced RenewBefore it;
//   - when a call's error says the credential expired (Expired), the
//     credential is dropped — the next call logs in again — and the call
//     is sent once more with a new one if Repeat allows its class.
//
// Set the fields before first use; do not change them afterwards.
type Session[T any] struct {
	// Login obtains a new credential and the time it stops being valid
	// (zero: unknown, used until an answer says it expired). Its error is
	// returned to the caller that needed the credential as it is.
	Login func(ctx context.Context) (cred T, expires time.Time, err error)
	// Expired reports whether err, the error of a call made with a
	// credential, says that credential expired or was revoked (the
	// vendor's "session expired" answer).
	Expired func(err error) bool
	// Repeat is the repeat policy: whether a call of the class, refused as
	// Expired, is sent once more with a new credential. It may say yes for
	// a Write only where the vendor refuses an expired credential before
	// it carries out anything (so the refused call provably did nothing);
	// each vendor documents its reason where it sets Repeat. Nil repeats
	// nothing. A call is never repeated more than once, and an error that
	// is not an answer (a lost one) is never Expired.
	Repeat func(Class) bool
	// Now is the clock for known expiries (nil: time.Now).
	Now func() time.Time

	mu     sync.Mutex
	cur    *held[T]
	flight *flight[T]
}

// RepeatAll is a repeat policy for Session.Repeat: every class is repeated.
func RepeatAll(Class) bool { return true }

// RepeatReads is a repeat policy for Session.Repeat: reads only.
func RepeatReads(cl Class) bool { return cl == Read }

// held is one credential obtained by a login.
type held[T any] struct {
	cred    T
	renewAt time.Time // zero: never by time
}

// flight is a login in progress; done is closed when it ends.
type flight[T any] struct {
	done chan struct{}
	h    *held[T]
	err  error
}

func (s *Session[T]) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Get returns the current credential, logging in (or waiting for a login
// in progress) when there is none or it is about to expire.
func (s *Session[T]) Get(ctx context.Context) (T, error) { return s.credential(ctx, false) }

// Renew logs in now — or waits for a login already in progress — and
// makes the new credential the current one.
func (s *Session[T]) Renew(ctx context.Context) (T, error) { return s.credential(ctx, true) }

func (s *Session[T]) credential(ctx context.Context, fresh bool) (T, error) {
	h, err := s.get(ctx, fresh)
	if err != nil {
		var zero T
		return zero, err
	}
	return h.cred, nil
}

// Current returns the current credential without logging in; ok is false
// when there is none.
func (s *Session[T]) Current() (cred T, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil {
		return cred, false
	}
	return s.cur.cred, true
}

// Forget drops the current credential (after a logout); the next call
// logs in again.
func (s *Session[T]) Forget() {
	s.mu.Lock()
	s.cur = nil
	s.mu.Unlock()
}

// Do runs call with a credential (see Get). If call's error is Expired,
// the credential is dropped, unless another caller replaced it already,
// and, where Repeat allows class, call runs once more with a new one
// (shared with any other caller that needs one then). If that login fails,
// the error wraps both the call's error and the login's.
func (s *Session[T]) Do(ctx context.Context, class Class, call func(ctx context.Context, cred T) error) error {
	h, err := s.get(ctx, false)
	if err != nil {
		return err
	}
	err = call(ctx, h.cred)
	if err == nil || s.Expired == nil || !s.Expired(err) {
		return err
	}
	s.drop(h)
	if s.Repeat == nil || !s.Repeat(class) {
		return err
	}
	h2, lerr := s.get(ctx, false)
	if lerr != nil {
		return fmt.Errorf("%w (the credential expired; logging in again failed: %w)", err, lerr)
	}
	return call(ctx, h2.cred)
}

// drop forgets h if it is still the current credential.
func (s *Session[T]) drop(h *held[T]) {
	s.mu.Lock()
	if s.cur == h {
		s.cur = nil
	}
	s.mu.Unlock()
}

// get returns a valid credential: the current one (unless fresh is set),
// the result of a login in progress, or of a login it starts. A caller
// that waits for another's login whose context ended (not its own) tries
// again.
func (s *Session[T]) get(ctx context.Context, fresh bool) (*held[T], error) {
	for {
		s.mu.Lock()
		if h := s.cur; !fresh && h != nil && (h.renewAt.IsZero() || s.now().Before(h.renewAt)) {
			s.mu.Unlock()
			return h, nil
		}
		if f := s.flight; f != nil {
			s.mu.Unlock()
			select {
			case <-f.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if f.err != nil && ctx.Err() == nil &&
				(errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)) {
				continue // the leader gave up, not this caller
			}
			return f.h, f.err
		}
		f := &flight[T]{done: make(chan struct{})}
		s.flight = f
		s.mu.Unlock()
		s.lead(ctx, f)
		return f.h, f.err
	}
}

// lead runs the login of f and publishes its result, even if Login panics.
func (s *Session[T]) lead(ctx context.Context, f *flight[T]) {
	f.err = errors.New("login did not finish")
	defer func() {
		s.mu.Lock()
		if f.err == nil {
			s.cur = f.h
		}
		s.flight = nil
		close(f.done)
		s.mu.Unlock()
	}()
	cred, exp, err := s.Login(ctx)
	if err != nil {
		f.err = err
		return
	}
	h := &held[T]{cred: cred}
	if !exp.IsZero() {
		margin := RenewBefore
		if life := exp.Sub(s.now()); life < 2*RenewBefore {
			margin = life / 2
		}
		h.renewAt = exp.Add(-margin)
	}
	f.h, f.err = h, nil
}
