package transport

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
)

// errExpired stands for a vendor's "session expired" answer.
var errExpired = errors.New("session expired")

// counted is a Session whose logins are counted and yield "cred-<n>".
type counted struct {
	s      *Session[string]
	logins atomic.Int32
	gate   chan struct{} // when set, a login waits for it
}

func newCounted(repeat func(Class) bool) *counted {
	c := &counted{}
	c.s = &Session[string]{
		Login: func(ctx context.Context) (string, time.Time, error) {
			n := c.logins.Add(1)
			if c.gate != nil {
				select {
				case <-c.gate:
				case <-ctx.Done():
					return "", time.Time{}, ctx.Err()
				}
			}
			return fmt.Sprintf("cred-%d", n), time.Time{}, nil
		},
		Expired: func(err error) bool { return errors.Is(err, errExpired) },
		Repeat:  repeat,
	}
	return c
}

func TestSessionSharesOneLogin(t *testing.T) {
	t.Parallel()
	c := newCounted(RepeatAll)
	c.gate = make(chan struct{})
	var wg sync.WaitGroup
	got := make([]string, 50)
	for i := range got {
		wg.Go(func() {
			var err error
			got[i], err = c.s.Get(context.Background())
			assert.NoError(t, err)
		})
	}
	time.Sleep(10 * time.Millisecond) // let most of them wait for the login
	close(c.gate)
	wg.Wait()
	assert.Equal(t, int32(1), c.logins.Load(), "50 callers, one login")
	for _, g := range got {
		assert.Equal(t, "cred-1", g)
	}
}

func TestSessionExpiryCostsExactlyOneLogin(t *testing.T) {
	t.Parallel()
	c := newCounted(RepeatAll)
	_, err := c.s.Get(context.Background())
	require.NoError(t, err)
	var calls sync.Map // credential -> how many calls used it
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			err := c.s.Do(context.Background(), Write, func(_ context.Context, cred string) error {
				n, _ := calls.LoadOrStore(cred, new(atomic.Int32))
				n.(*atomic.Int32).Add(1)
				if cred == "cred-1" {
					return errExpired // the server dropped the first session
				}
				return nil
			})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Equal(t, int32(2), c.logins.Load(), "the first login and exactly one more")
	n, _ := calls.Load("cred-2")
	assert.Equal(t, int32(50), n.(*atomic.Int32).Load(), "every call repeated once with the new credential")
}

func TestSessionRepeatPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		repeat func(Class) bool
		class  Class
		again  bool
	}{
		{"all: read", RepeatAll, Read, true},
		{"all: write", RepeatAll, Write, true},
		{"all: idempotent write", RepeatAll, IdempotentWrite, true},
		{"reads: read", RepeatReads, Read, true},
		{"reads: write", RepeatReads, Write, false},
		{"reads: idempotent write", RepeatReads, IdempotentWrite, false},
		{"none: read", nil, Read, false},
		{"none: write", nil, Write, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newCounted(tt.repeat)
			var used []string
			err := c.s.Do(context.Background(), tt.class, func(_ context.Context, cred string) error {
				used = append(used, cred)
				if cred == "cred-1" {
					return errExpired
				}
				return nil
			})
			if tt.again {
				require.NoError(t, err)
				assert.Equal(t, []string{"cred-1", "cred-2"}, used)
				assert.Equal(t, int32(2), c.logins.Load())
				return
			}
			require.ErrorIs(t, err, errExpired)
			assert.Equal(t, []string{"cred-1"}, used, "not repeated")
			assert.Equal(t, int32(1), c.logins.Load(), "no login until the next call")
			cred, err := c.s.Get(context.Background())
			require.NoError(t, err)
			assert.Equal(t, "cred-2", cred, "the expired credential was dropped")
		})
	}
}

func TestSessionRepeatsOnceOnly(t *testing.T) {
	t.Parallel()
	c := newCounted(RepeatAll)
	calls := 0
	err := c.s.Do(context.Background(), Read, func(context.Context, string) error {
		calls++
		return errExpired
	})
	require.ErrorIs(t, err, errExpired)
	assert.Equal(t, 2, calls)
	assert.Equal(t, int32(2), c.logins.Load())
	other := errors.New("boom")
	err = c.s.Do(context.Background(), Read, func(context.Context, string) error { calls++; return other })
	assert.Same(t, other, err, "an error that is not an expiry is returned as it is")
	assert.Equal(t, int32(2), c.logins.Load(), "and keeps the credential")
}

func TestSessionFailedRelogin(t *testing.T) {
	t.Parallel()
	refused := &cloudkeys.APIError{Vendor: "test", Operation: "login", StatusCode: 403}
	logins := 0
	s := &Session[string]{
		Login: func(context.Context) (string, time.Time, error) {
			logins++
			if logins > 1 {
				return "", time.Time{}, refused
			}
			return "cred-1", time.Time{}, nil
		},
		Expired: func(err error) bool { return errors.Is(err, errExpired) },
		Repeat:  RepeatAll,
	}
	err := s.Do(context.Background(), Read, func(context.Context, string) error { return errExpired })
	require.ErrorIs(t, err, errExpired)
	require.ErrorIs(t, err, cloudkeys.ErrForbidden, "the login's error too")
	assert.Contains(t, err.Error(), "logging in again failed")

	// A first login's error is returned as it is.
	logins = 1
	_, err = s.Get(context.Background())
	assert.Same(t, refused, err)
}

func TestSessionRenewsBeforeAKnownExpiry(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	tests := []struct {
		name     string
		life     time.Duration
		stillOK  time.Duration // the credential is kept this long
		renewing time.Duration // and replaced after this long
	}{
		{"a day", 24 * time.Hour, 24*time.Hour - RenewBefore - time.Second, 24*time.Hour - RenewBefore},
		{"short: half its life", 4 * time.Minute, 2*time.Minute - time.Second, 2 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logins := 0
			s := &Session[int]{Now: clock, Login: func(context.Context) (int, time.Time, error) {
				logins++
				return logins, clock().Add(tt.life), nil
			}}
			start := clock()
			got, err := s.Get(context.Background())
			require.NoError(t, err)
			advance(start.Add(tt.stillOK).Sub(clock()))
			got2, err := s.Get(context.Background())
			require.NoError(t, err)
			assert.Equal(t, got, got2, "still valid")
			advance(start.Add(tt.renewing).Sub(clock()))
			got3, err := s.Get(context.Background())
			require.NoError(t, err)
			assert.Equal(t, got+1, got3, "renewed before it expires")
		})
	}
}

func TestSessionWaiterOutlivesALeaderThatGaveUp(t *testing.T) {
	t.Parallel()
	c := newCounted(RepeatAll)
	c.gate = make(chan struct{})
	leaderCtx, cancel := context.WithCancel(context.Background())
	leaderDone := make(chan error)
	go func() {
		_, err := c.s.Get(leaderCtx)
		leaderDone <- err
	}()
	require.Eventually(t, func() bool { return c.logins.Load() == 1 }, time.Second, time.Millisecond)
	follower := make(chan string)
	go func() {
		cred, err := c.s.Get(context.Background())
		assert.NoError(t, err)
		follower <- cred
	}()
	time.Sleep(5 * time.Millisecond) // the follower waits for the leader's login
	cancel()
	require.ErrorIs(t, <-leaderDone, context.Canceled)
	close(c.gate)
	assert.Equal(t, "cred-2", <-follower, "the follower logged in itself")
}

func TestSessionCurrentRenewForget(t *testing.T) {
	t.Parallel()
	c := newCounted(RepeatAll)
	_, ok := c.s.Current()
	assert.False(t, ok, "no login by Current")
	cred, err := c.s.Renew(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "cred-1", cred)
	cred, err = c.s.Renew(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "cred-2", cred, "Renew logs in although a credential is held")
	cur, ok := c.s.Current()
	assert.True(t, ok)
	assert.Equal(t, "cred-2", cur)
	c.s.Forget()
	_, ok = c.s.Current()
	assert.False(t, ok)
	cred, err = c.s.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "cred-3", cred)
}

func TestSessionLoginPanicReleasesWaiters(t *testing.T) {
	t.Parallel()
	s := &Session[string]{Login: func(context.Context) (string, time.Time, error) { panic("boom") }}
	assert.Panics(t, func() { _, _ = s.Get(context.Background()) })
	s.Login = func(context.Context) (string, time.Time, error) { return "ok", time.Time{}, nil }
	cred, err := s.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "ok", cred, "no login is left in flight")
}
