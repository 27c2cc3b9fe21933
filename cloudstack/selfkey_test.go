package cloudstack_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

func credentialKeyID(t *testing.T, c *cloudstack.Client) string {
	t.Helper()
	id, err := c.CredentialKeyID(context.Background())
	require.NoError(t, err)
	return id
}

// adminKeyID is the KeyManager id of the admin's seeded pair: the API key
// up to 4.22, the key-pair id from 4.23.
func adminKeyID(srv *cloudstacktest.Server) string {
	pairs := srv.UserKeys(srv.AdminID())
	if cloudstack.VersionAtLeast(srv.Version(), 4, 23) {
		return pairs[0].ID
	}
	return pairs[0].APIKey
}

// apiKeysOf returns the API keys of a user's live pairs.
func apiKeysOf(srv *cloudstacktest.Server, userID string) []string {
	var out []string
	for _, p := range srv.UserKeys(userID) {
		out = append(out, p.APIKey)
	}
	return out
}

// signedWith returns the apikey a logged request carried.
func signedWith(r url.Values) string { return r.Get("apikey") }

func requestParams(t *testing.T, method, rawQuery string, body []byte) url.Values {
	t.Helper()
	raw := rawQuery
	if method == http.MethodPost {
		raw = string(body)
	}
	v, err := url.ParseQuery(raw)
	require.NoError(t, err)
	return v
}

func TestRotateOwnAPIKey(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"4.22.0.0", "4.23.0.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv, c := newFake(t, cloudstacktest.WithVersion(version))
			oldKey, oldSecret := srv.AdminAPIKey(), srv.AdminSecretKey()
			oldID := adminKeyID(srv)
			require.Equal(t, oldID, credentialKeyID(t, c))
			own, err := cloudkeys.IsOwnCredential(ctx, c, oldID)
			require.NoError(t, err)
			require.True(t, own)

			var stored string
			nk, err := cloudkeys.Rotate(ctx, c, oldID, func(_ context.Context, k *cloudkeys.Key) error {
				stored = k.Secret.Reveal()
				return nil
			})
			require.NoError(t, err)
			assert.Equal(t, nk.Secret.Reveal(), stored, "store got the new secret")
			assert.NotEqual(t, oldKey, nk.AccessKey)

			_, err = cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
			require.NoError(t, err, "the client still works")
			assert.Equal(t, []string{nk.AccessKey}, apiKeysOf(srv, srv.AdminID()), "the old pair is gone")
			assert.Equal(t, nk.ID, credentialKeyID(t, c))

			if cloudstack.VersionAtLeast(version, 4, 23) {
				var deletes int
				for _, r := range srv.Requests() {
					p := requestParams(t, r.Method, r.RawQuery, r.Body)
					if p.Get("command") == "deleteUserKeys" {
						deletes++
						assert.Equal(t, nk.AccessKey, signedWith(p), "the old pair is deleted with the new credential")
					}
				}
				assert.Equal(t, 1, deletes)
			}

			old := clientAs(t, srv, cloudstack.APIKey(oldKey, oldSecret.Reveal()))
			_, err = cloudkeys.Collect(old.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
			assert.ErrorIs(t, err, cloudkeys.ErrUnauthorized, "the old pair is refused")
		})
	}
}

func TestRotateOwnAPIKeyStoreFails(t *testing.T) {
	t.Parallel()
	boom := errors.New("vault down")
	for _, version := range []string{"4.22.0.0", "4.23.0.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv, c := newFake(t, cloudstacktest.WithVersion(version))
			oldKey, oldID := srv.AdminAPIKey(), adminKeyID(srv)
			var stored string
			nk, err := cloudkeys.Rotate(ctx, c, oldID, func(_ context.Context, k *cloudkeys.Key) error {
				stored = k.Secret.Reveal()
				return boom
			})
			require.ErrorIs(t, err, boom)
			assert.NotEmpty(t, stored)
			_, lerr := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
			require.NoError(t, lerr, "the client still works")
			if cloudstack.VersionAtLeast(version, 4, 23) {
				assert.Nil(t, nk)
				assert.Equal(t, []string{oldKey}, apiKeysOf(srv, srv.AdminID()), "the new pair was deleted, the old one kept")
				assert.Equal(t, oldID, credentialKeyID(t, c))
				return
			}
			// In place: the old pair is dead; the client already uses the
			// new one, which is returned so that its secret is not lost.
			require.NotNil(t, nk)
			assert.Equal(t, []string{nk.AccessKey}, apiKeysOf(srv, srv.AdminID()))
			assert.Equal(t, nk.ID, credentialKeyID(t, c))
		})
	}
}

// RotateKey of the client's own key switches the client by itself (4.22).
func TestRotateKeyInPlaceOwnAPIKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newFake(t)
	oldKey, oldSecret := srv.AdminAPIKey(), srv.AdminSecretKey()
	rk, err := c.RotateKey(ctx, oldKey)
	require.NoError(t, err)
	_, err = c.GetUserByAPIKey(ctx, rk.AccessKey)
	require.NoError(t, err, "the client switched to the new pair")
	assert.Equal(t, rk.ID, credentialKeyID(t, c))
	_, err = clientAs(t, srv, cloudstack.APIKey(oldKey, oldSecret.Reveal())).GetUserByAPIKey(ctx, rk.AccessKey)
	assert.ErrorIs(t, err, cloudkeys.ErrUnauthorized)

	// Rotating another user's key leaves the client's own alone.
	u := srv.AddUser(cloudstacktest.UserSpec{Username: "bob", Password: "bob-password"})
	bob, ok := srv.GenerateKeys(u.ID)
	require.True(t, ok)
	_, err = c.RotateKey(ctx, bob.APIKey)
	require.NoError(t, err)
	assert.Equal(t, rk.ID, credentialKeyID(t, c))
}

// From 4.23 the pair id is looked up once per credential.
func TestCredentialKeyIDLooksUpOnce(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, cloudstacktest.WithVersion("4.23.0.0"))
	srv.SeedKeyPairs(srv.AdminID(), 3) // more pairs of the same user
	id := adminKeyID(srv)
	assert.Equal(t, id, credentialKeyID(t, c))
	n := countCommand(srv, "listUserKeys")
	assert.Equal(t, id, credentialKeyID(t, c))
	assert.Equal(t, n, countCommand(srv, "listUserKeys"), "remembered")
}

func TestCredentialOfNonKeyClients(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	login, _ := newFake(t)
	integration, _ := newFake(t, cloudstacktest.WithIntegrationPort())
	for name, c := range map[string]*cloudstack.Client{
		"login":       clientAs(t, login, cloudstack.Login(cloudstacktest.AdminUsername, cloudstacktest.AdminPassword, "/")),
		"integration": integration.Client(fastRetry),
	} {
		id, err := c.CredentialKeyID(ctx)
		require.NoError(t, err, name)
		assert.Empty(t, id, name)
		err = c.UseCredential(&cloudkeys.Key{ID: "k", AccessKey: "k", Secret: cloudkeys.NewSecret("s3cr3t-value")})
		assert.ErrorIs(t, err, cloudkeys.ErrUnsupported, name)
	}
}

func TestUseCredentialRefusesUnusableKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newFake(t)
	for name, k := range map[string]*cloudkeys.Key{
		"nil":           nil,
		"no API key":    {ID: "pair-id", Secret: cloudkeys.NewSecret("s3cr3t-value")},
		"no secret key": {ID: "AK", AccessKey: "AK"},
	} {
		assert.ErrorIs(t, c.UseCredential(k), cloudkeys.ErrInvalidRequest, name)
	}
	assert.Equal(t, srv.AdminAPIKey(), credentialKeyID(t, c))
	_, err := c.GetUserByAPIKey(ctx, srv.AdminAPIKey())
	assert.NoError(t, err, "nothing changed")
}

// The pair given to UseCredential is scrubbed from errors, even when the
// client never saw it before.
func TestUseCredentialRegistersSecret(t *testing.T) {
	t.Parallel()
	secret := "FreshSecretTheClientNeverSaw0123"
	c, _ := newWire(t, cloudstack.APIKey(mockAK, mockSK),
		`{"getuserresponse":{"uuidList":[],"errorcode":401,"errortext":"bad signature from `+secret+`"}}`)
	require.NoError(t, c.UseCredential(&cloudkeys.Key{ID: "NEWAPIKEY", AccessKey: "NEWAPIKEY", Secret: cloudkeys.NewSecret(secret)}))
	_, err := c.GetUserByAPIKey(context.Background(), "someone")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secret)
	assert.Contains(t, err.Error(), "bad signature from")
}

// Switching while other goroutines call: every attempt is signed with one
// complete pair, old or new (both valid here), never a mix.
func TestUseCredentialConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newFake(t, cloudstacktest.WithVersion("4.23.0.0"))
	require.True(t, srv.SeedKeyPairs(srv.AdminID(), 1))
	var keys []*cloudkeys.Key
	for _, p := range srv.UserKeys(srv.AdminID()) {
		keys = append(keys, &cloudkeys.Key{ID: p.ID, AccessKey: p.APIKey, Secret: p.SecretKey})
	}
	require.Len(t, keys, 2)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 4 {
		wg.Go(func() {
			for range 10 {
				if _, err := c.GetUserByAPIKey(ctx, keys[0].AccessKey); err != nil {
					errs <- err
				}
			}
		})
	}
	for i := range 21 { // ends on the first pair
		require.NoError(t, c.UseCredential(keys[i%2]))
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Equal(t, keys[0].ID, credentialKeyID(t, c), "a 4.23 Key's ID is remembered")
}
