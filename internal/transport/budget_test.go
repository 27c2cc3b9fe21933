package transport

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
)

// budgetEnv is an in-memory server that fails the requests fail picks with
// 503, and a client of it with MaxAttempts 4.
func budgetEnv(t *testing.T, fail func(n int64) bool, opts ...cloudkeys.Option) (*Client, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	fs := fakeserver.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail(n.Add(1)) {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	}), fakeserver.Options{InMemory: true})
	t.Cleanup(fs.Close)
	all := append([]cloudkeys.Option{
		cloudkeys.WithHTTPClient(&http.Client{Transport: fs.Transport()}),
		cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 4, MinWait: 100 * time.Millisecond, MaxWait: time.Second}),
	}, opts...)
	c, err := New(Config{Vendor: "test", BaseURL: fs.URL() + "/api"}, all)
	require.NoError(t, err)
	return c, &n
}

// TestRetryBudgetBoundsAnOutage: 200 calls against a server that answers
// 503 to everything send at most 200 + the budget's 100 retries (today's
// 800 without a budget); the first calls still get their retries, the
// later ones fail at once (mutation: make take always succeed: 800).
func TestRetryBudgetBoundsAnOutage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, n := budgetEnv(t, func(int64) bool { return true })
		for i := 0; i < 200; i++ {
			_, err := c.Do(context.Background(), read("/keys"))
			require.ErrorIs(t, err, cloudkeys.ErrServer)
		}
		assert.EqualValues(t, 200+cloudkeys.DefaultRetryBudget, n.Load(), "N + budget requests")
		assert.LessOrEqual(t, n.Load(), int64(400), "the issue's bound")
		assert.Zero(t, c.budget.available())
	})
}

// TestRetryBudgetRefills: after the outage, successes earn the budget back
// (a fifth of a retry each), so retries come back gradually.
func TestRetryBudgetRefills(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		down := true
		c, _ := budgetEnv(t, func(int64) bool { return down })
		for i := 0; i < 50; i++ {
			_, _ = c.Do(context.Background(), read("/keys"))
		}
		require.Zero(t, c.budget.available())
		down = false
		for i := 0; i < 10; i++ {
			_, err := c.Do(context.Background(), read("/keys"))
			require.NoError(t, err)
		}
		assert.Equal(t, 10*successRefill, c.budget.available(), "ten successes earn back two retries")
	})
}

// TestRetryBudgetLeavesOccasionalFailuresAlone: a server that fails one
// request in ten costs no call its retry: every call succeeds.
func TestRetryBudgetLeavesOccasionalFailuresAlone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, n := budgetEnv(t, func(i int64) bool { return i%10 == 0 })
		for i := 0; i < 1000; i++ {
			_, err := c.Do(context.Background(), read("/keys"))
			require.NoError(t, err, "call %d", i)
		}
		assert.EqualValues(t, 1000+1000/9, n.Load(), "every failure retried once")
		assert.Equal(t, cloudkeys.DefaultRetryBudget*retryCost, c.budget.available(), "the budget stays full")
	})
}

// TestRetryBudgetOff: WithRetryBudget(0) gives every call all its attempts.
func TestRetryBudgetOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, n := budgetEnv(t, func(int64) bool { return true }, cloudkeys.WithRetryBudget(0))
		for i := 0; i < 200; i++ {
			_, _ = c.Do(context.Background(), read("/keys"))
		}
		assert.EqualValues(t, 800, n.Load())
	})
	_, err := Resolve([]cloudkeys.Option{cloudkeys.WithRetryBudget(-1)})
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
}
