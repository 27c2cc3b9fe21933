package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/e24"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
)

// TestHonoursE24Endpoint: the example ignored E24_ENDPOINT and sent the
// credentials it was given to the real e24cloud host. With the variables
// set it must talk to E24_ENDPOINT (here a fake on 127.0.0.1) and nowhere
// else.
func TestHonoursE24Endpoint(t *testing.T) {
	srv := e24test.NewServer()
	defer srv.Close()
	key, secret := srv.AdminKey()
	t.Setenv(e24.EnvEndpoint, srv.URL())
	t.Setenv(e24.EnvAPIKey, key)
	t.Setenv(e24.EnvAPISecret, secret.Reveal())
	require.NoError(t, run())
	assert.NotEmpty(t, srv.Requests(), "the endpoint from E24_ENDPOINT was used")
}
