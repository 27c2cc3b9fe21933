package huaweibcs_test

import (
	"context"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
	"github.com/cloudkeys/cloudkeys/internal/huaweiwire"
)

// TestRetryAfterHonouredSynctest uses the default retry policy (waits of
// seconds) on the in-memory fake inside a synctest bubble: Retry-After is
// honoured, each attempt is signed with a fresh X-Sdk-Date, and no real
// time passes.
func TestRetryAfterHonouredSynctest(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := huaweibcstest.NewServer(huaweibcstest.WithInMemory())
		defer srv.Close()
		c := srv.Client()
		srv.FailNextWith(2, huaweibcstest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"3"}}})
		start := time.Now()
		page, err := c.ListCredentialsPage(context.Background(), huaweibcs.ListCredentialsOptions{})
		require.NoError(t, err)
		assert.Equal(t, 0, page.Count)
		assert.Equal(t, 6*time.Second, time.Since(start), "two waits of Retry-After: 3")
		reqs := srv.Requests()
		require.Len(t, reqs, 3)
		d0, d2 := reqs[0].Header.Get("X-Sdk-Date"), reqs[2].Header.Get("X-Sdk-Date")
		t0, err := time.Parse(huaweiwire.DateFormat, d0)
		require.NoError(t, err)
		t2, err := time.Parse(huaweiwire.DateFormat, d2)
		require.NoError(t, err)
		assert.Equal(t, 6*time.Second, t2.Sub(t0), "each attempt re-signed with its own date")
	})
}

// TestPasswordTokenExpirySynctest: a password client keeps working across
// a day of (fake) time, logging in again only when the token nears expiry.
func TestPasswordTokenExpirySynctest(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := huaweibcstest.NewServer(huaweibcstest.WithInMemory(), huaweibcstest.WithTokenTTL(time.Hour))
		defer srv.Close()
		c := srv.PasswordClient()
		ctx := context.Background()
		for i := range 12 { // every 10 minutes, 0 to 110 min
			if i > 0 {
				time.Sleep(10 * time.Minute)
			}
			_, err := c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
			require.NoError(t, err)
		}
		// One-hour tokens, renewed from 5 minutes before expiry: logins at 0
		// and 60 min (the token of 60 min is renewable from 115 min).
		assert.Equal(t, 2, srv.Logins())
		time.Sleep(4 * time.Minute) // 114 min: still cached
		_, err := c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
		require.NoError(t, err)
		assert.Equal(t, 2, srv.Logins())
		time.Sleep(time.Minute) // 115 min: renewed
		_, err = c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
		require.NoError(t, err)
		assert.Equal(t, 3, srv.Logins())

		// A context deadline ends a backoff wait promptly.
		srv.FailNext(10, http.StatusServiceUnavailable)
		dctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		_, err = srv.Client(cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 10, MinWait: time.Second, MaxWait: time.Minute})).
			ListCredentialsPage(dctx, huaweibcs.ListCredentialsOptions{})
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
}
