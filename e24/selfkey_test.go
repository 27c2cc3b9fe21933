package e24_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/e24"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
)

// ownKeyClient returns a fake and a client signing with the account's seeded
// key, with that key's id and secret.
func ownKeyClient(t *testing.T) (*e24test.Server, *e24.Client, string, cloudkeys.Secret) {
	t.Helper()
	srv := e24test.NewServer()
	t.Cleanup(srv.Close)
	key, secret := srv.AdminKey()
	return srv, srv.ClientFor(key, secret, fastRetry()), key, secret
}

func credentialKeyID(t *testing.T, c cloudkeys.CredentialRotator) string {
	t.Helper()
	id, err := c.CredentialKeyID(context.Background())
	require.NoError(t, err)
	return id
}

func TestRotateOwnAPIKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c, old, oldSecret := ownKeyClient(t)
	require.Equal(t, old, credentialKeyID(t, c))
	own, err := cloudkeys.IsOwnCredential(ctx, c, old)
	require.NoError(t, err)
	require.True(t, own)

	var stored string
	nk, err := cloudkeys.Rotate(ctx, c, old, func(_ context.Context, k *cloudkeys.Key) error {
		stored = k.Secret.Reveal()
		return nil
	})
	require.NoError(t, err)
	require.NotEqual(t, old, nk.ID)
	assert.Equal(t, nk.Secret.Reveal(), stored, "store got the new secret")

	_, err = cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	require.NoError(t, err, "the client still works")
	assert.Equal(t, []string{nk.ID}, srv.APIKeys(), "the old key is gone")
	assert.Equal(t, nk.ID, credentialKeyID(t, c))

	reqs := srv.Requests()
	i := slices.IndexFunc(reqs, func(r fakeserver.Request) bool { return r.Method == http.MethodDelete })
	require.GreaterOrEqual(t, i, 0)
	assert.True(t, strings.HasPrefix(reqs[i].Header.Get("Authorization"), nk.ID+":"), "the old key is deleted with the new credential")

	_, err = srv.ClientFor(old, oldSecret, fastRetry()).GetAccount(ctx)
	assert.ErrorIs(t, err, cloudkeys.ErrUnauthorized, "the old key is refused")
}

func TestRotateOwnAPIKeyStoreFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c, old, _ := ownKeyClient(t)
	boom := errors.New("vault down")
	var stored string
	nk, err := cloudkeys.Rotate(ctx, c, old, func(_ context.Context, k *cloudkeys.Key) error {
		stored = k.Secret.Reveal()
		return boom
	})
	require.ErrorIs(t, err, boom)
	assert.Nil(t, nk)
	assert.NotEmpty(t, stored)
	assert.Equal(t, []string{old}, srv.APIKeys(), "the new key was deleted, the old one kept")
	assert.Equal(t, old, credentialKeyID(t, c))
	_, err = c.GetAccount(ctx)
	assert.NoError(t, err, "the client still works with the old key")
}

// RotateKey in place on the client's own key switches the client.
func TestRotateKeyInPlaceOwnAPIKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c, old, oldSecret := ownKeyClient(t)
	rk, err := c.RotateKey(ctx, old)
	require.NoError(t, err)
	assert.Equal(t, old, rk.ID)
	_, err = c.GetAccount(ctx)
	require.NoError(t, err, "the client switched to the new secret")
	_, err = srv.ClientFor(old, oldSecret, fastRetry()).GetAccount(ctx)
	assert.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
}

func TestUseCredentialRefusesUnusableKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, c, old, _ := ownKeyClient(t)
	s := cloudkeys.NewSecret("a-secret-value")
	tests := []struct {
		name string
		k    *cloudkeys.Key
	}{
		{"nil", nil},
		{"no id", &cloudkeys.Key{Secret: s}},
		{"no secret", &cloudkeys.Key{ID: "K2", AccessKey: "K2"}},
		{"colon", &cloudkeys.Key{ID: "K:2", Secret: s}},
		{"line break", &cloudkeys.Key{AccessKey: "K2\n", Secret: s}},
	}
	for _, tt := range tests {
		assert.ErrorIs(t, c.UseCredential(tt.k), cloudkeys.ErrInvalidRequest, tt.name)
	}
	assert.Equal(t, old, credentialKeyID(t, c))
	_, err := c.GetAccount(ctx)
	assert.NoError(t, err, "nothing changed")
}

// Switching while other goroutines call: every call is signed with one
// complete pair, old or new (both valid here), never a mix.
func TestUseCredentialConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c, old, oldSecret := ownKeyClient(t)
	k2, s2 := srv.AddAPIKey()
	pairs := []*cloudkeys.Key{{ID: old, Secret: oldSecret}, {ID: k2, AccessKey: k2, Secret: s2}}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 4 {
		wg.Go(func() {
			for range 10 {
				if _, err := c.GetAccount(ctx); err != nil {
					errs <- err
				}
			}
		})
	}
	for i := range 21 { // ends on the old pair
		require.NoError(t, c.UseCredential(pairs[i%2]))
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Equal(t, old, credentialKeyID(t, c))
}

// The secret given to UseCredential is scrubbed from errors, even when the
// client never saw it before.
func TestUseCredentialRegistersSecret(t *testing.T) {
	t.Parallel()
	secret := "fresh-secret-the-client-never-saw"
	c, _ := wireClient(t, http.StatusBadRequest, `{"success":false,"error":"bad signature from `+secret+`"}`)
	require.NoError(t, c.UseCredential(&cloudkeys.Key{ID: "K2", Secret: cloudkeys.NewSecret(secret)}))
	_, err := c.GetAccount(context.Background())
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secret)
	assert.Contains(t, err.Error(), "bad signature from")
}
