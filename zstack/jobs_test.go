package zstack_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/zstack"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

// The job location names an unreachable internal address: the client polls
// its own endpoint instead.
func TestJobLocationRewrittenToEndpoint(t *testing.T) {
	t.Parallel()
	srv := zstacktest.NewServer(zstacktest.WithJobHost("10.255.255.1:8080"), zstacktest.WithPendingPolls(3))
	defer srv.Close()
	c := srv.Client(fast())
	k, err := c.CreateKey(context.Background(), cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID})
	require.NoError(t, err)
	assert.NotEmpty(t, k.ID)
	polls := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet {
			polls++
		}
	}
	assert.Equal(t, 4, polls, "three 202s, then the result")
}

// Polling backs off and ends with the context; the outcome is then unknown.
func TestPollingEndsWithContext(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := zstacktest.NewServer(zstacktest.WithInMemory(), zstacktest.WithPendingPolls(1_000_000))
		defer srv.Close()
		c := srv.Client() // the default policy: polls every 250ms..2s
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		start := time.Now()
		_, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID})
		require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		var ou *zstack.JobOutcomeUnknownError
		require.ErrorAs(t, err, &ou)
		assert.Len(t, ou.JobUUID, 32)
		assert.Equal(t, time.Minute, time.Since(start))
		polls := len(srv.Requests()) - 2 // login, create
		assert.Greater(t, polls, 25)
		assert.Less(t, polls, 70, "backed off to at most 2s between polls")
		assert.Equal(t, 1, srv.KeyCount())
	})
}

// Many goroutines share one client; an expired session triggers one login.
func TestConcurrentUseAndSingleRelogin(t *testing.T) {
	t.Parallel()
	srv := zstacktest.NewServer(zstacktest.WithInMemory(), zstacktest.WithPendingPolls(0))
	defer srv.Close()
	c := srv.Client(fast())
	_, err := c.LogIn(context.Background())
	require.NoError(t, err)
	srv.ExpireSessions()
	srv.ResetRequests()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			_, err := c.CreateKey(context.Background(), cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 16, srv.KeyCount())
	logins := 0
	for _, r := range srv.Requests() {
		if r.Path == "/zstack/v1/accounts/login" {
			logins++
		}
	}
	assert.Equal(t, 1, logins)
}

// When the node stays unavailable while the job is polled, the outcome of
// the write is unknown (it was submitted), and WaitJob resolves it later.
func TestPollFailuresAreOutcomeUnknown(t *testing.T) {
	t.Parallel()
	srv := zstacktest.NewServer()
	defer srv.Close()
	c := srv.Client(fast())
	_, err := c.LogIn(context.Background())
	require.NoError(t, err)
	srv.FailNextWith(3, zstacktest.Fault{Status: http.StatusServiceUnavailable, Match: func(r *http.Request) bool { return r.Method == http.MethodGet }})
	_, err = c.CreateKey(context.Background(), cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID})
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	var ou *zstack.JobOutcomeUnknownError
	require.ErrorAs(t, err, &ou)
	assert.Equal(t, "SYS.1012", errCode(err))
	assert.Equal(t, 1, srv.KeyCount())
	require.NoError(t, c.WaitJob(context.Background(), ou.JobUUID, nil))
}

// TestGatewayErrorAfterCommitIsReconciledThroughTheJob: a proxy in front of
// ZStack answers 502/504 after the management node accepted the write. The
// client must not report a plain server error (the caller would create a
// second key): it reads the job and returns its result.
func TestGatewayErrorAfterCommitIsReconciledThroughTheJob(t *testing.T) {
	t.Parallel()
	isCreate := func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/accesskeys")
	}
	for _, tt := range []struct {
		name     string
		attempts int
		status   int
	}{{"504 then 504s", 4, 504}, {"one attempt, 504", 1, 504}, {"one attempt, 502", 1, 502}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := zstacktest.NewServer()
			defer srv.Close()
			c := srv.Client(cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: tt.attempts, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond}))
			srv.FailNextWith(1, zstacktest.Fault{Commit: true, Status: tt.status, Body: []byte("<html>gateway</html>"), Match: isCreate})
			srv.FailNextWith(tt.attempts-1, zstacktest.Fault{Status: tt.status, Body: []byte("<html>gateway</html>"), Match: isCreate})
			k, err := c.CreateKey(context.Background(), cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID})
			require.NoError(t, err, "the job that ZStack accepted is the answer")
			require.Equal(t, 1, srv.KeyCount(), "exactly one key")
			assert.Equal(t, srv.AccessKeys()[0].UUID, k.ID)
			assert.False(t, k.Secret.IsZero())
		})
	}
}

func TestGatewayErrorWithoutCommitSaysTheWriteDidNotArrive(t *testing.T) {
	t.Parallel()
	srv := zstacktest.NewServer()
	defer srv.Close()
	c := srv.Client(cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 1, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	srv.FailNextWith(1, zstacktest.Fault{Status: 504, Body: []byte("gateway timeout"),
		Match: func(r *http.Request) bool { return r.Method == http.MethodPost }})
	_, err := c.CreateKey(context.Background(), cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID})
	require.ErrorIs(t, err, cloudkeys.ErrServer)
	assert.NotErrorIs(t, err, cloudkeys.ErrOutcomeUnknown, "ZStack has no such job: the write never arrived, so it may be sent again")
	assert.Contains(t, err.Error(), "did not arrive")
	assert.Equal(t, 0, srv.KeyCount())
}
