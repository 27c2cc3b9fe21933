package onezone_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/onezone"
)

func TestKeyManagerLifecycle(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()
	var km cloudkeys.KeyManager = c
	assert.Equal(t, "onezone", km.Vendor())
	caps, err := km.Capabilities(ctx)
	require.NoError(t, err)
	assert.Equal(t, cloudkeys.Capabilities{MultipleKeys: true, Delete: true, Enable: true, Expiry: true}, caps)

	_, err = km.CreateKey(ctx, cloudkeys.CreateKeyRequest{})
	var ie *cloudkeys.InvalidInputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "Name", ie.Field)

	exp := srv.Now().Add(48 * time.Hour).Truncate(time.Second).UTC()
	k, err := km.CreateKey(ctx, cloudkeys.CreateKeyRequest{Name: "ci-deploy", Description: "for CI", ExpiresAt: exp})
	require.NoError(t, err)
	assert.Equal(t, "onezone", k.Vendor)
	assert.NotEmpty(t, k.ID)
	assert.False(t, k.Secret.IsZero())
	assert.True(t, k.Enabled)
	assert.Equal(t, exp, k.ExpiresAt)
	info := srv.NamedTokens()
	require.Len(t, info, 1)
	assert.Equal(t, []string{"time"}, info[0].Caveats)
	assert.Equal(t, "accessToken", info[0].Kind)
	assert.Equal(t, map[string]any{"description": "for CI"}, info[0].Custom)

	got, err := km.GetKey(ctx, k.ID)
	require.NoError(t, err)
	assert.Equal(t, k.ID, got.ID)
	assert.Equal(t, srv.AdminID(), got.Owner)
	assert.Equal(t, "ci-deploy", got.Name)
	assert.Equal(t, "for CI", got.Description)
	assert.Equal(t, exp, got.ExpiresAt)
	assert.False(t, got.CreatedAt.IsZero())
	assert.True(t, got.Secret.Equal(k.Secret))

	require.NoError(t, km.SetKeyEnabled(ctx, k.ID, false))
	got, err = km.GetKey(ctx, k.ID)
	require.NoError(t, err)
	assert.False(t, got.Enabled)
	require.NoError(t, km.SetKeyEnabled(ctx, k.ID, true))

	_, err = km.RotateKey(ctx, k.ID)
	assert.ErrorIs(t, err, cloudkeys.ErrUnsupported)

	_, err = km.CreateKey(ctx, cloudkeys.CreateKeyRequest{Name: "ci-deploy"})
	assert.ErrorIs(t, err, cloudkeys.ErrConflict)

	// Owner = another user.
	uid, _, _ := newUser(t, srv, "dave")
	dk, err := km.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: uid, Name: "ci-deploy"})
	require.NoError(t, err, "names are unique per subject only")
	assert.Equal(t, uid, dk.Owner)
	keys, err := cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: uid}))
	require.NoError(t, err)
	require.Len(t, keys, 2) // bootstrap + ci-deploy

	require.NoError(t, km.DeleteKey(ctx, k.ID))
	_, err = km.GetKey(ctx, k.ID)
	assert.ErrorIs(t, err, cloudkeys.ErrNotFound)
}

func TestListKeysOrderAndConcurrency(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()
	want := map[string]bool{}
	for i := range 20 {
		k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Name: fmt.Sprintf("key-%02d", i)})
		require.NoError(t, err)
		want[k.ID] = true
	}
	keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	require.NoError(t, err)
	require.Len(t, keys, 20)
	ids := make([]string, 0, len(keys))
	for _, k := range keys {
		assert.True(t, want[k.ID])
		assert.False(t, k.Secret.IsZero())
		ids = append(ids, k.ID)
	}
	assert.True(t, sort.StringsAreSorted(ids), "stable order: sorted by id")
	again, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	require.NoError(t, err)
	for i := range again {
		assert.Equal(t, ids[i], again[i].ID)
	}

	// Early stop.
	n := 0
	for k, err := range c.ListKeys(ctx, cloudkeys.ListKeysOptions{}) {
		require.NoError(t, err)
		require.NotNil(t, k)
		n++
		if n == 3 {
			break
		}
	}
	assert.Equal(t, 3, n)

	// An error is yielded once, last.
	srv.FailNext(3, http.StatusServiceUnavailable)
	var errs int
	for _, err := range c.ListKeys(ctx, cloudkeys.ListKeysOptions{}) {
		if err != nil {
			errs++
			assert.ErrorIs(t, err, cloudkeys.ErrServer)
		}
	}
	assert.Equal(t, 1, errs)

	// A token deleted between list and get is skipped.
	srv.FailNextWith(1, onezoneFault404())
	keys, err = cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	require.NoError(t, err)
	assert.Len(t, keys, 19)
}

func TestRotateAgainstFake(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()
	old, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Name: "deploy", Description: "d"})
	require.NoError(t, err)

	var stored *cloudkeys.Key
	nk, err := cloudkeys.Rotate(ctx, c, old.ID, func(_ context.Context, k *cloudkeys.Key) error {
		stored = k
		return nil
	})
	require.NoError(t, err)
	require.NotNil(t, stored)
	assert.Equal(t, nk.ID, stored.ID)
	assert.NotEqual(t, old.ID, nk.ID)
	assert.Contains(t, nk.Name, "deploy-rotated-", "name clash → derived name")
	assert.Equal(t, "d", nk.Description)
	assert.False(t, nk.Secret.Equal(old.Secret))
	_, err = c.GetKey(ctx, old.ID)
	assert.ErrorIs(t, err, cloudkeys.ErrNotFound, "old key deleted")
	tokens := srv.NamedTokens()
	require.Len(t, tokens, 1)
	assert.Equal(t, nk.ID, tokens[0].ID)
	assert.Equal(t, srv.AdminID(), tokens[0].SubjectID)

	// store fails: the new key is deleted, the old one stays.
	boom := errors.New("vault down")
	_, err = cloudkeys.Rotate(ctx, c, nk.ID, func(context.Context, *cloudkeys.Key) error { return boom })
	require.ErrorIs(t, err, boom)
	tokens = srv.NamedTokens()
	require.Len(t, tokens, 1)
	assert.Equal(t, nk.ID, tokens[0].ID)
}

func onezoneFault404() onezoneFault {
	return onezoneFault{Status: http.StatusNotFound, Match: func(r *http.Request) bool {
		return r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, onezone.BasePath+"/tokens/named/")
	}}
}
