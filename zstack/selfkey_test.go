package zstack_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/zstack"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

func credentialKeyID(t *testing.T, c *zstack.Client) string {
	t.Helper()
	id, err := c.CredentialKeyID(context.Background())
	require.NoError(t, err)
	return id
}

func keyUUIDs(srv *zstacktest.Server) []string {
	var ids []string
	for _, k := range srv.AccessKeys() {
		ids = append(ids, k.UUID)
	}
	return ids
}

// seedOwnKey returns a fake and a client signing with a key of account
// (the admin's, or a normal account's that may hold two keys at most).
func seedOwnKey(t *testing.T, admin bool) (*zstacktest.Server, *zstack.Client, zstacktest.AccessKey) {
	t.Helper()
	srv := zstacktest.NewServer(zstacktest.WithInMemory())
	t.Cleanup(srv.Close)
	account := zstacktest.AdminAccountUUID
	if !admin {
		account = srv.CreateAccount("acme", "acme-password")
	}
	ak := srv.SeedAccessKey(account)
	return srv, srv.AccessKeyClient(ak.AccessKeyID, ak.Secret.Reveal(), fast()), ak
}

func TestRotateOwnAccessKey(t *testing.T) {
	t.Parallel()
	for _, admin := range []bool{true, false} {
		t.Run(map[bool]string{true: "admin account", false: "normal account"}[admin], func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv, c, old := seedOwnKey(t, admin)
			require.Equal(t, old.UUID, credentialKeyID(t, c))

			var stored string
			nk, err := cloudkeys.Rotate(ctx, c, old.UUID, func(_ context.Context, k *cloudkeys.Key) error {
				stored = k.Secret.Reveal()
				return nil
			})
			require.NoError(t, err)
			assert.Equal(t, nk.Secret.Reveal(), stored, "store got the new secret")
			assert.Equal(t, old.AccountUUID, nk.Owner)

			_, err = cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
			require.NoError(t, err, "the client still works")
			assert.Equal(t, []string{nk.ID}, keyUUIDs(srv), "the old key is gone")
			assert.Equal(t, nk.ID, credentialKeyID(t, c))

			var deletes int
			for _, r := range srv.Requests() {
				if r.Method == http.MethodDelete {
					deletes++
					assert.True(t, strings.HasPrefix(r.Header.Get("Authorization"), "ZStack "+nk.AccessKey+":"), "the old key is deleted with the new credential")
				}
			}
			assert.Equal(t, 1, deletes)

			_, err = srv.AccessKeyClient(old.AccessKeyID, old.Secret.Reveal(), fast()).GetKey(ctx, nk.ID)
			assert.ErrorIs(t, err, cloudkeys.ErrUnauthorized, "the old key is refused")
		})
	}
}

func TestRotateOwnAccessKeyStoreFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c, old := seedOwnKey(t, false)
	boom := errors.New("vault down")
	var stored string
	nk, err := cloudkeys.Rotate(ctx, c, old.UUID, func(_ context.Context, k *cloudkeys.Key) error {
		stored = k.Secret.Reveal()
		return boom
	})
	require.ErrorIs(t, err, boom)
	assert.Nil(t, nk)
	assert.NotEmpty(t, stored)
	assert.Equal(t, []string{old.UUID}, keyUUIDs(srv), "the new key was deleted, the old one kept")
	assert.Equal(t, old.UUID, credentialKeyID(t, c))
	_, err = c.GetKey(ctx, old.UUID)
	assert.NoError(t, err, "the client still works with the old key")
}

// CredentialKeyID asks the server once per credential.
func TestCredentialKeyIDQueriesOnce(t *testing.T) {
	t.Parallel()
	srv, c, old := seedOwnKey(t, true)
	for range 3 {
		assert.Equal(t, old.UUID, credentialKeyID(t, c))
	}
	assert.Len(t, srv.Requests(), 1)
	own, err := cloudkeys.IsOwnCredential(context.Background(), c, old.UUID)
	require.NoError(t, err)
	assert.True(t, own)
}

func TestCredentialOfLoginClients(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := zstacktest.NewServer(zstacktest.WithInMemory())
	defer srv.Close()
	ak := srv.SeedAccessKey(zstacktest.AdminAccountUUID)
	c := srv.Client(fast())
	assert.Empty(t, credentialKeyID(t, c), "a login is not a key")
	err := c.UseCredential(&cloudkeys.Key{ID: ak.UUID, AccessKey: ak.AccessKeyID, Secret: ak.Secret})
	assert.ErrorIs(t, err, cloudkeys.ErrUnsupported)
	// Rotating a key from a login client switches nothing.
	_, err = cloudkeys.Rotate(ctx, c, ak.UUID, func(context.Context, *cloudkeys.Key) error { return nil })
	require.NoError(t, err)
	_, err = cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	assert.NoError(t, err)
}

func TestUseCredentialRefusesUnusableKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, c, old := seedOwnKey(t, true)
	s := cloudkeys.NewSecret("0123456789abcdef")
	for name, k := range map[string]*cloudkeys.Key{
		"nil":       nil,
		"no id":     {ID: "u", Secret: s},
		"colon":     {ID: "u", AccessKey: "ABCDE:FGHIJ", Secret: s},
		"space":     {ID: "u", AccessKey: "ABCDE FGHIJ", Secret: s},
		"no secret": {ID: "u", AccessKey: "ABCDEFGHIJ"},
	} {
		assert.ErrorIs(t, c.UseCredential(k), cloudkeys.ErrInvalidRequest, name)
	}
	assert.Equal(t, old.UUID, credentialKeyID(t, c))
	_, err := c.GetKey(ctx, old.UUID)
	assert.NoError(t, err, "nothing changed")
}

// The secret given to UseCredential is scrubbed from errors, even when the
// client never saw it before.
func TestUseCredentialRegistersSecret(t *testing.T) {
	t.Parallel()
	secret := "FreshSecretTheClientNeverSaw0123"
	c, mock := newMocked(t, zstack.AccessKey("OLDKEY0123456789", "OldSecret0123456789"))
	mock.RegisterNoResponder(httpmock.NewStringResponder(http.StatusForbidden, "wrong accessKey signature for "+secret))
	require.NoError(t, c.UseCredential(&cloudkeys.Key{ID: "u", AccessKey: "NEWKEY0123456789", Secret: cloudkeys.NewSecret(secret)}))
	_, err := c.GetKey(context.Background(), "ae353717ca7b4182bb87fb5d010235e8")
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
	assert.NotContains(t, err.Error(), secret)
	assert.Contains(t, err.Error(), "wrong accessKey signature")
}
