package cloudstack_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

// TestNoSilentReplayOfGETWrites: on the integration port registerUserKeys is
// a GET. net/http silently re-sends a GET whose reused keep-alive
// connection breaks after the request was written; the client must prevent
// that, or a lost answer would register keys twice. This needs a real
// socket, so the fake listens on 127.0.0.1.
func TestNoSilentReplayOfGETWrites(t *testing.T) {
	t.Parallel()
	for _, mode := range []struct {
		name string
		opts []cloudstacktest.Option
	}{{"integration port", []cloudstacktest.Option{cloudstacktest.WithIntegrationPort()}}, {"api key", nil}} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			noReplayOnSocket(t, mode.opts...)
		})
	}
}

func noReplayOnSocket(t *testing.T, opts ...cloudstacktest.Option) {
	srv := cloudstacktest.NewServer(append([]cloudstacktest.Option{cloudstacktest.WithEnforcement()}, opts...)...)
	defer srv.Close()
	c := srv.Client(fastRetry)
	ctx := context.Background()
	u := srv.AddUser(cloudstacktest.UserSpec{Username: "mia"})
	_, err := c.ListCapabilities(ctx) // opens a keep-alive connection
	require.NoError(t, err)
	require.Equal(t, 1, srv.Connections())

	srv.FailNextWith(1, cloudstacktest.Fault{Commit: true, Drop: true, Match: commandIs("registerUserKeys")})
	_, err = c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID})
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.Len(t, srv.UserKeys(u.ID), 1, "exactly one key")
	assert.Equal(t, 1, countCommand(srv, "registerUserKeys"), "sent once")
}
