package cloudstack_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

func envFunc(kv [][2]string) func(string) string {
	m := map[string]string{}
	for _, p := range kv {
		m[p[0]] = p[1]
	}
	return func(k string) string { return m[k] }
}

func TestNewFromEnvAgainstFakeEnv(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, err := cloudstacktest.Listen(cloudstacktest.WithAddr("127.0.0.1:0"), cloudstacktest.WithEnforcement())
	require.NoError(t, err)
	defer srv.Close()
	c, err := cloudstack.NewFromEnv(envFunc(srv.Env()), "", fastRetry)
	require.NoError(t, err)
	_, err = c.ListCapabilities(ctx)
	require.NoError(t, err)

	login := envFunc([][2]string{{cloudstack.EnvAPIURL, srv.APIURL()}, {cloudstack.EnvUsername, cloudstacktest.AdminUsername}, {cloudstack.EnvPassword, cloudstacktest.AdminPassword}})
	c, err = cloudstack.NewFromEnv(login, "", fastRetry)
	require.NoError(t, err)
	lr, err := c.Login(ctx)
	require.NoError(t, err)
	assert.Equal(t, srv.AdminID(), lr.UserID)

	ip := cloudstacktest.NewServer(cloudstacktest.WithIntegrationPort())
	defer ip.Close()
	c, err = cloudstack.NewFromEnv(envFunc(ip.Env()), "", fastRetry)
	require.NoError(t, err)
	_, err = c.ListCapabilities(ctx)
	require.NoError(t, err)

	_, err = cloudstack.NewFromEnv(envFunc(nil), "https://cs.example.com/client/api")
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	_, err = cloudstack.NewFromEnv(nil, "")
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	_, err = cloudstacktest.Listen(cloudstacktest.WithAddr("256.0.0.1:bad"))
	require.Error(t, err)
}
