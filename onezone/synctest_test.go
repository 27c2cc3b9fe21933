package onezone_test

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
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
)

// TestDefaultBackoffInFakeTime runs reads with the default retry policy
// (250ms..10s) against the in-memory fake inside a synctest bubble: the
// backoff waits pass in fake time.
func TestDefaultBackoffInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := onezonetest.NewServer(onezonetest.WithInMemory())
		defer srv.Close()
		c := srv.Client()
		ctx := context.Background()
		start := time.Now()
		srv.FailNext(3, http.StatusServiceUnavailable)
		_, err := c.ListNamedTokensPage(ctx, onezone.CurrentUser())
		require.NoError(t, err, "4 attempts by default")
		assert.Greater(t, time.Since(start), 250*time.Millisecond, "waited in fake time")

		// A deadline stops the retries promptly.
		srv.FailNext(10, http.StatusServiceUnavailable)
		dctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		_, err = c.ListNamedTokensPage(dctx, onezone.CurrentUser())
		require.Error(t, err)
		srv.ClearFaults()
	})
}

// TestListKeysBoundedConcurrency checks that ListKeys never has more than
// 8 GET /tokens/named/{id} in flight.
func TestListKeysBoundedConcurrency(t *testing.T) {
	t.Parallel()
	srv := onezonetest.NewServer()
	defer srv.Close()
	var inFlight, peak atomic.Int64
	h := srv.Handler()
	wrapped := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
		h.ServeHTTP(w, r)
		inFlight.Add(-1)
	})
	c := srv.Client(cloudkeys.WithHTTPClient(&http.Client{Transport: handlerTransport{wrapped}}))
	ctx := context.Background()
	for i := range 30 {
		_, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Name: "k" + string(rune('a'+i%26)) + string(rune('a'+i/26))})
		require.NoError(t, err)
	}
	keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	require.NoError(t, err)
	assert.Len(t, keys, 30)
	assert.LessOrEqual(t, peak.Load(), int64(8))
	assert.Greater(t, peak.Load(), int64(1), "fetched in parallel")
}
