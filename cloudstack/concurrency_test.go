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
	"github.com/cloudkeys/cloudkeys/zstack"
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
		c, err := cloudstack.New(srv.APIURL(), cloudstack.APIKey(srv.AdminAPIKey(), srv.AdminSecretKey().Reveal()),
			srv.ClientOptions(cloudkeys.WithClock(srv.Now), fastRetry)...)
		require.NoError(t, err)
		u := srv.AddUser(cloudstacktest.UserSpec{Username: "olga"})
		start := time.Now()
		kp, err := c.RegisterUserKeys(context.Background(), cloudstack.RegisterUserKeysRequest{ID: u.ID})
		require.NoError(t, err)
		assert.NotEmpty(t, kp.ID)
		waited := time.Since(start)
		assert.GreaterOrEqual(t, waited, 6*cloudstack.DefaultPollMin/2, "backed off between polls")
		assert.Equal(t, 7, countCommand(srv, "queryAsyncJobResult"))
	})
}

// TestPollInterval: WithPollInterval(d) waits between d/2 and d before each
// poll of a job, in synctest's fake time; the deprecated SetPollInterval
// still sets the bounds after New.
func TestPollInterval(t *testing.T) {
	t.Parallel()
	const polls = 4
	for _, tc := range []struct {
		name     string
		opts     []cloudkeys.Option
		set      func(*cloudstack.Client)
		min, max time.Duration // the bounds of one wait
	}{
		{"WithPollInterval", []cloudkeys.Option{cloudstack.WithPollInterval(3 * time.Second)}, nil, 1500 * time.Millisecond, 3 * time.Second},
		{"later option wins", []cloudkeys.Option{cloudstack.WithPollInterval(time.Hour), cloudstack.WithPollInterval(200 * time.Millisecond)}, nil, 100 * time.Millisecond, 200 * time.Millisecond},
		{"SetPollInterval (deprecated)", nil, func(c *cloudstack.Client) {
			c.SetPollInterval(time.Second, time.Second)
		}, 500 * time.Millisecond, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				srv := cloudstacktest.NewServer(cloudstacktest.WithInMemory(), cloudstacktest.WithVersion("4.23.0.0"), cloudstacktest.WithPendingPolls(polls))
				defer srv.Close()
				c, err := cloudstack.New(srv.APIURL(), cloudstack.APIKey(srv.AdminAPIKey(), srv.AdminSecretKey().Reveal()),
					srv.ClientOptions(append([]cloudkeys.Option{cloudkeys.WithClock(srv.Now), fastRetry}, tc.opts...)...)...)
				require.NoError(t, err)
				if tc.set != nil {
					tc.set(c)
				}
				u := srv.AddUser(cloudstacktest.UserSpec{Username: "polly"})
				start := time.Now()
				_, err = c.RegisterUserKeys(context.Background(), cloudstack.RegisterUserKeysRequest{ID: u.ID})
				require.NoError(t, err)
				waited := time.Since(start)
				require.Equal(t, polls+1, countCommand(srv, "queryAsyncJobResult"))
				assert.GreaterOrEqual(t, waited, polls*tc.min)
				assert.LessOrEqual(t, waited, polls*tc.max)
			})
		})
	}
}

// TestVendorOptionsRefuseBadValues: New refuses a vendor option's invalid
// value before anything is sent, naming the option; the options of other
// vendors are ignored.
func TestVendorOptionsRefuseBadValues(t *testing.T) {
	t.Parallel()
	creds := cloudstack.APIKey("key", "secret")
	for _, d := range []time.Duration{0, -time.Second} {
		_, err := cloudstack.New("https://cs.example.com/client/api", creds, cloudstack.WithPollInterval(d))
		require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
		assert.Contains(t, err.Error(), "cloudstack.WithPollInterval")
	}
	_, err := cloudstack.New("https://cs.example.com/client/api", creds, nil, zstack.WithPollInterval(time.Second), zstack.WithServerLocation(time.UTC))
	assert.NoError(t, err, "nil options and other vendors' options are ignored")
}
