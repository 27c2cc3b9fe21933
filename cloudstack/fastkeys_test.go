package cloudstack_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
)

// TestGetKeyAndListKeysReadFourFields: GetKey (getUser) and ListKeys
// (listUsers) over the fake read the same keys as the full User decode.
func TestGetKeyAndListKeysReadFourFields(t *testing.T) {
	t.Parallel()
	_, c := newFake(t)
	ctx := context.Background()
	keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	require.NoError(t, err)
	require.NotEmpty(t, keys)
	for _, k := range keys {
		u, err := c.GetUserByAPIKey(ctx, k.ID)
		require.NoError(t, err)
		assert.Equal(t, k.ID, u.APIKey)
		assert.Equal(t, k.Owner, u.ID)
		got, err := c.GetKey(ctx, k.ID)
		require.NoError(t, err)
		assert.Equal(t, k, got)
	}
}
