package onezonetest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
)

func TestSmoke(t *testing.T) {
	srv := onezonetest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Name: "first key", Description: "d"})
	require.NoError(t, err)
	got, err := c.GetKey(ctx, k.ID)
	require.NoError(t, err)
	require.Equal(t, "first key", got.Name)
	require.Equal(t, srv.AdminID(), got.Owner)
	require.True(t, got.Secret.Equal(k.Secret))
	tc := srv.ClientWith(onezone.Token(k.Secret.Reveal()))
	ids, err := tc.ListNamedTokens(ctx, onezone.CurrentUser())
	require.NoError(t, err)
	require.Equal(t, []string{k.ID}, ids)
}
