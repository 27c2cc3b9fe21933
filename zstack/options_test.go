package zstack_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/zstack"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

// TestWithServerLocation: the client reads the server's zone-less
// inventory dates as wall-clock times in the zone the option gives; the
// deprecated root option sets the same thing, and the later of the two
// wins.
func TestWithServerLocation(t *testing.T) {
	t.Parallel()
	cst := time.FixedZone("CST", 8*3600)
	created := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		opts  []cloudkeys.Option
		shift time.Duration // how far CreatedAt lies from the true instant
	}{
		{"server's zone", []cloudkeys.Option{zstack.WithServerLocation(cst)}, 0},
		{"wrong zone", []cloudkeys.Option{zstack.WithServerLocation(time.UTC)}, 8 * time.Hour},
		//lint:ignore SA1019 the deprecated root option keeps working
		{"deprecated root option", []cloudkeys.Option{cloudkeys.WithServerLocation(time.UTC)}, 8 * time.Hour},
		//lint:ignore SA1019 the deprecated root option keeps working
		{"zstack's option after the root's", []cloudkeys.Option{cloudkeys.WithServerLocation(time.UTC), zstack.WithServerLocation(cst)}, 0},
		//lint:ignore SA1019 the deprecated root option keeps working
		{"root's option after zstack's", []cloudkeys.Option{zstack.WithServerLocation(cst), cloudkeys.WithServerLocation(time.UTC)}, 8 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := zstacktest.NewServer(zstacktest.WithLocation(cst), zstacktest.WithInMemory(), zstacktest.WithPendingPolls(0))
			defer srv.Close()
			srv.Clock().Set(created)
			c := srv.Client(append([]cloudkeys.Option{fast()}, tc.opts...)...)
			k, err := c.CreateKey(context.Background(), cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID})
			require.NoError(t, err)
			assert.Equal(t, created.Add(tc.shift), k.CreatedAt.UTC())
			assert.Equal(t, k.CreatedAt.Location().String(), c.ServerLocation().String())
		})
	}
}

// TestWithPollInterval: a job is polled every d (jittered between d/2 and
// d), in synctest's fake time.
func TestWithPollInterval(t *testing.T) {
	t.Parallel()
	const polls = 3
	synctest.Test(t, func(t *testing.T) {
		srv := zstacktest.NewServer(zstacktest.WithInMemory(), zstacktest.WithPendingPolls(polls))
		defer srv.Close()
		c := srv.Client(fast(), zstack.WithPollInterval(4*time.Second))
		_, err := c.LogIn(context.Background())
		require.NoError(t, err)
		srv.ResetRequests()
		start := time.Now()
		_, err = c.CreateAccessKey(context.Background(), zstack.CreateAccessKeyRequest{AccountUUID: zstacktest.AdminAccountUUID, UserUUID: zstacktest.AdminAccountUUID})
		require.NoError(t, err)
		waited := time.Since(start)
		assert.Len(t, srv.Requests(), polls+2, "the create and its job's polls")
		assert.GreaterOrEqual(t, waited, polls*2*time.Second)
		assert.LessOrEqual(t, waited, polls*4*time.Second)
	})
}

// TestVendorOptionsRefuseBadValues: New refuses an invalid value of a
// zstack option before anything is sent, naming the option; the options of
// other vendors and nil options are ignored.
func TestVendorOptionsRefuseBadValues(t *testing.T) {
	t.Parallel()
	creds := zstack.AccessKey("z3EoJfMsZQiX96UpNgso", "Hk0rTnX3aQ4mGfV9uJ2cLzP8eW1sYbR6dK5oN7iM")
	for _, tc := range []struct {
		opt  cloudkeys.Option
		name string
	}{
		{zstack.WithServerLocation(nil), "zstack.WithServerLocation"},
		{zstack.WithPollInterval(0), "zstack.WithPollInterval"},
		{zstack.WithPollInterval(-time.Second), "zstack.WithPollInterval"},
		//lint:ignore SA1019 the deprecated root option keeps refusing nil
		{cloudkeys.WithServerLocation(nil), "WithServerLocation"},
	} {
		_, err := zstack.New("http://mn:8080", creds, tc.opt)
		require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
		assert.Contains(t, err.Error(), tc.name)
	}
	c, err := zstack.New("http://mn:8080", creds, nil, cloudstack.WithPollInterval(time.Second))
	require.NoError(t, err, "nil options and other vendors' options are ignored")
	assert.Equal(t, time.Local, c.ServerLocation())
}
