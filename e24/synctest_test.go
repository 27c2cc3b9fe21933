package e24_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/e24/e24test"
)

// TestDefaultBackoffWithSynctest runs the default retry policy (waits of
// 250ms and up) against the in-memory fake inside a synctest bubble: the
// waits pass in fake time, and every retry is signed with a fresh X-Date.
func TestDefaultBackoffWithSynctest(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := e24test.NewServer(e24test.WithInMemory())
		defer srv.Close()
		c := srv.Client()
		srv.FailNextWith(3, e24test.Fault{Status: 503, Header: map[string][]string{"Retry-After": {"2"}}})
		start := time.Now()
		_, err := c.GetAccount(context.Background())
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(start), 6*time.Second, "Retry-After honoured in fake time")
		reqs := srv.Requests()
		require.Len(t, reqs, 4)
		assert.NotEqual(t, reqs[0].Header.Get("X-Date"), reqs[3].Header.Get("X-Date"))

		// Context cancellation stops the backoff promptly.
		srv.FailNext(10, 503)
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, err = c.GetAccount(ctx)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		srv.ClearFaults()
	})
}
