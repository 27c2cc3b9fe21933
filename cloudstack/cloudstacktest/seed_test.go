package cloudstacktest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/cloudstack"
)

func TestSeedKeyPairs(t *testing.T) {
	srv := NewServer(WithInMemory(), WithVersion("4.23.0.0"))
	defer srv.Close()
	before := len(srv.UserKeys(srv.AdminID()))
	require.True(t, srv.SeedKeyPairs(srv.AdminID(), 50))
	keys := srv.UserKeys(srv.AdminID())
	require.Len(t, keys, before+50)
	seen := map[string]bool{}
	for _, k := range keys {
		assert.False(t, seen[k.APIKey], "duplicate API key")
		seen[k.APIKey] = true
	}
	assert.Equal(t, before+50, srv.KeysGenerated())

	// The seeded pairs are listed and sign requests like any other.
	c, err := srv.ClientWith(cloudstack.APIKey(keys[len(keys)-1].APIKey, keys[len(keys)-1].SecretKey.Reveal()))
	require.NoError(t, err)
	n := 0
	yes := true
	for _, err := range c.ListUserKeys(context.Background(), cloudstack.ListUserKeysOptions{ListAll: &yes}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, before+50, n)

	assert.False(t, srv.SeedKeyPairs("no-such-user", 1))
	old := NewServer(WithInMemory())
	defer old.Close()
	assert.False(t, old.SeedKeyPairs(old.AdminID(), 1), "before 4.23 a user holds one pair")
}
