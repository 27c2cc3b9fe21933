package cloudstack_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, cloudstacktest.WithVersion("4.23.0.0"))
	ctx := context.Background()
	u := srv.AddUser(cloudstacktest.UserSpec{Username: "nina"})
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 20; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID})
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Len(t, srv.UserKeys(u.ID), 20)
	assert.Equal(t, 1, countCommand(srv, "listCapabilities"), "the version is asked once")
}

// TestPollingWithDefaultIntervals polls a slow job with the production
// intervals (1 s to 15 s) in synctest's fake time.
func TestPollingWithDefaultIntervals(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := cloudstacktest.NewServer(cloudstacktest.WithInMemory(), cloudstacktest.WithEnforcement(), cloudstacktest.WithVersion("4.23.0.0"), cloudstacktest.WithPendingPolls(6))
		defer srv.Close()
		c := srv.Client(fastRetry)
		c.SetPollInterval(cloudstack.DefaultPollMin, cloudstack.DefaultPollMax)
		u := srv.AddUser(cloudstacktest.UserSpec{Username: "olga"})
		start := time.Now()
		kp, err := c.RegisterUserKeys(context.Background(), cloudstack.RegisterUserKeysParams{ID: u.ID})
		require.NoError(t, err)
		assert.NotEmpty(t, kp.ID)
		waited := time.Since(start)
		assert.GreaterOrEqual(t, waited, 6*cloudstack.DefaultPollMin/2, "backed off between polls")
		assert.Equal(t, 7, countCommand(srv, "queryAsyncJobResult"))
	})
}
