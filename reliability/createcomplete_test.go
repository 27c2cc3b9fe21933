package reliability

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

// completeCase is one key made by a KeyManager write (CreateKey, or
// RotateKey of a key it sets up) that must come back as complete as the
// same key read back with GetKey and ListKeys.
type completeCase struct {
	name string
	// km makes the key and reads it back.
	km cloudkeys.KeyManager
	// write makes the key.
	write func(ctx context.Context) (*cloudkeys.Key, error)
	// listOwner is the ListKeysOptions.Owner the key is listed under.
	listOwner string
}

func createCase(name string, km cloudkeys.KeyManager, req cloudkeys.CreateKeyRequest) completeCase {
	return completeCase{
		name: "CreateKey " + name, km: km, listOwner: req.Owner,
		write: func(ctx context.Context) (*cloudkeys.Key, error) { return km.CreateKey(ctx, req) },
	}
}

// rotateCase rotates the key that setup makes (RotateKey, in place).
func rotateCase(name string, km cloudkeys.KeyManager, listOwner string, setup func(ctx context.Context) (string, error)) completeCase {
	return completeCase{
		name: "RotateKey " + name, km: km, listOwner: listOwner,
		write: func(ctx context.Context) (*cloudkeys.Key, error) {
			id, err := setup(ctx)
			if err != nil {
				return nil, err
			}
			return km.RotateKey(ctx, id)
		},
	}
}

// completeCases returns the cases of one vendor, against an in-memory fake
// of it (closed when the test ends).
func completeCases(t *testing.T, vc vendorCase) []completeCase {
	r := vc.start(true, false)
	t.Cleanup(r.srv.Close)
	km := r.client()
	expires := time.Now().Add(48 * time.Hour).Truncate(time.Second)
	switch vc.name {
	case "cloudstack":
		srv := r.srv.(*cloudstacktest.Server)
		old := startCloudStack(true, false, cloudstacktest.WithVersion("4.22.0.0"))
		t.Cleanup(old.srv.Close)
		oldSrv := old.srv.(*cloudstacktest.Server)
		oldKM := old.client()
		plain := oldSrv.AddUser(cloudstacktest.UserSpec{Username: "complete-plain", Password: "Complete-Pass-1"})
		noAccess := oldSrv.AddUser(cloudstacktest.UserSpec{Username: "complete-noaccess", Password: "Complete-Pass-2"})
		oldSrv.SetAPIKeyAccess(noAccess.ID, "Disabled")
		self := oldSrv.AddUser(cloudstacktest.UserSpec{Username: "complete-self", Password: "Complete-Pass-3"})
		selfKM, err := oldSrv.ClientWith(cloudstack.Login(self.Username, "Complete-Pass-3", "/"))
		require.NoError(t, err)
		rotated := oldSrv.AddUser(cloudstacktest.UserSpec{Username: "complete-rotated", Password: "Complete-Pass-4"})
		rotatedNoAccess := oldSrv.AddUser(cloudstacktest.UserSpec{Username: "complete-rotated-noaccess", Password: "Complete-Pass-5"})
		oldSrv.SetAPIKeyAccess(rotatedNoAccess.ID, "Disabled")
		createFor := func(owner string) func(ctx context.Context) (string, error) {
			return func(ctx context.Context) (string, error) {
				k, err := oldKM.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: owner})
				if err != nil {
					return "", err
				}
				return k.ID, nil
			}
		}
		return []completeCase{
			createCase("4.23, Owner \"\"", km, cloudkeys.CreateKeyRequest{Name: "complete-1", Description: "complete", ExpiresAt: expires}),
			createCase("4.23, Owner = admin", km, cloudkeys.CreateKeyRequest{Owner: srv.AdminID(), Name: "complete-2"}),
			createCase("4.22, Owner = a user", oldKM, cloudkeys.CreateKeyRequest{Owner: plain.ID}),
			createCase("4.22, Owner = a user without API-key access", oldKM, cloudkeys.CreateKeyRequest{Owner: noAccess.ID}),
			createCase("4.22, Owner \"\" (login session)", selfKM, cloudkeys.CreateKeyRequest{}),
			rotateCase("4.22 registerUserKeys", oldKM, rotated.ID, createFor(rotated.ID)),
			rotateCase("4.22 registerUserKeys, a user without API-key access", oldKM, rotatedNoAccess.ID, createFor(rotatedNoAccess.ID)),
		}
	case "zstack":
		return []completeCase{
			createCase("Owner \"\" (session)", km, cloudkeys.CreateKeyRequest{Description: "complete"}),
			createCase("Owner = admin account", km, cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID, Description: "complete"}),
		}
	case "e24":
		srv := r.srv.(*e24test.Server)
		return []completeCase{
			createCase("Owner \"\"", km, cloudkeys.CreateKeyRequest{}),
			createCase("Owner = account", km, cloudkeys.CreateKeyRequest{Owner: srv.AccountID()}),
			// A fresh client: nothing about the account is known yet.
			createCase("Owner \"\", fresh client", r.client(), cloudkeys.CreateKeyRequest{}),
			rotateCase("api-new-secret-key", r.client(), "", func(ctx context.Context) (string, error) {
				key, _ := srv.AddAPIKey()
				return key, nil
			}),
		}
	case "huaweibcs":
		return []completeCase{
			createCase("Owner \"\"", km, cloudkeys.CreateKeyRequest{Description: "complete"}),
			createCase("Owner = project", km, cloudkeys.CreateKeyRequest{Owner: huaweibcstest.ProjectID, Description: "complete"}),
		}
	case "onezone":
		srv := r.srv.(*onezonetest.Server)
		return []completeCase{
			createCase("Owner \"\"", km, cloudkeys.CreateKeyRequest{Name: "complete-1", Description: "complete", ExpiresAt: expires}),
			createCase("Owner = admin user", km, cloudkeys.CreateKeyRequest{Owner: srv.AdminID(), Name: "complete-2"}),
		}
	}
	t.Fatalf("no cases for %s", vc.name)
	return nil
}

// assertSameKey asserts that made (by a create or rotate) equals read on
// every field but Secret and LastUsedAt, naming the field that differs.
func assertSameKey(t *testing.T, read, made *cloudkeys.Key, how string) {
	t.Helper()
	str := []struct {
		field      string
		read, made string
	}{
		{"Vendor", read.Vendor, made.Vendor},
		{"ID", read.ID, made.ID},
		{"AccessKey", read.AccessKey, made.AccessKey},
		{"Owner", read.Owner, made.Owner},
		{"Name", read.Name, made.Name},
		{"Description", read.Description, made.Description},
	}
	for _, f := range str {
		assert.Equalf(t, f.read, f.made, "Key.%s: the written key has %q, %s has %q", f.field, f.made, how, f.read)
	}
	assert.Equalf(t, read.Enabled, made.Enabled, "Key.Enabled: the written key has %v, %s has %v", made.Enabled, how, read.Enabled)
	times := []struct {
		field      string
		read, made time.Time
	}{
		{"CreatedAt", read.CreatedAt, made.CreatedAt},
		{"ExpiresAt", read.ExpiresAt, made.ExpiresAt},
	}
	for _, f := range times {
		assert.Truef(t, f.read.Equal(f.made), "Key.%s: the written key has %v, %s has %v", f.field, f.made, how, f.read)
	}
}

// TestWrittenKeysComplete: a Key returned by CreateKey (and by RotateKey
// where the vendor rotates in place) is as complete as the same key read
// back: it equals GetKey's and ListKeys' on every field but Secret (which
// only the write is sure to carry) and LastUsedAt.
func TestWrittenKeysComplete(t *testing.T) {
	for _, vc := range vendors {
		t.Run(vc.name, func(t *testing.T) {
			for _, tc := range completeCases(t, vc) {
				t.Run(tc.name, func(t *testing.T) {
					ctx := context.Background()
					made, err := tc.write(ctx)
					require.NoError(t, err)
					require.NotNil(t, made)
					assert.False(t, made.Secret.IsZero(), "Key.Secret: the written key must carry its secret")

					got, err := tc.km.GetKey(ctx, made.ID)
					require.NoError(t, err)
					assertSameKey(t, got, made, "GetKey")

					keys, err := cloudkeys.Collect(tc.km.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: tc.listOwner}))
					require.NoError(t, err)
					var listed *cloudkeys.Key
					for _, k := range keys {
						if k.ID == made.ID {
							listed = k
						}
					}
					require.NotNilf(t, listed, "key %s not in ListKeys(Owner %q)", made.ID, tc.listOwner)
					assertSameKey(t, listed, made, "ListKeys")
				})
			}
		})
	}
}

// isGet matches every GET: the reads a create makes after the write.
func isGet(r *http.Request) bool { return r.Method == http.MethodGet }

// TestCreateKeyFollowUpReadFails: where CreateKey reads the new key back
// (Huawei NES, Onezone) and that read fails, the created key still comes
// back with its secret and no error; only what the read would have added
// (CreatedAt; Onezone's Owner for the caller) is missing.
func TestCreateKeyFollowUpReadFails(t *testing.T) {
	// owner is the Owner without the read: Huawei's is the client's
	// project; Onezone's the request's ("" for the caller).
	for name, owner := range map[string]string{"huaweibcs": huaweibcstest.ProjectID, "onezone": ""} {
		t.Run(name, func(t *testing.T) {
			var vc vendorCase
			for _, v := range vendors {
				if v.name == name {
					vc = v
				}
			}
			r := vc.start(true, false)
			defer r.srv.Close()
			km := r.client(cloudkeys.WithRetry(noRetry))
			ctx := context.Background()
			_, err := km.Capabilities(ctx)
			require.NoError(t, err)
			before := r.keys()
			r.srv.FailNextWith(1, cloudkeystest.Fault{Status: http.StatusForbidden, Match: isGet})
			req := r.req(1)
			k, err := km.CreateKey(ctx, req)
			require.NoError(t, err, "the key was created: its secret must not be lost")
			require.NotNil(t, k)
			require.Zero(t, r.srv.PendingFaults(), "the follow-up read met the fault")
			assert.Equal(t, before+1, r.keys())
			assert.NotEmpty(t, k.ID)
			assert.False(t, k.Secret.IsZero())
			assert.Equal(t, req.Description, k.Description)
			assert.Equal(t, owner, k.Owner)
			assert.True(t, k.Enabled)
			assert.True(t, k.CreatedAt.IsZero(), "no creation time without the read")

			got, err := km.GetKey(ctx, k.ID)
			require.NoError(t, err)
			assert.Equal(t, got.ID, k.ID)
		})
	}
}

// TestE24CreateKeyAccountReadFails: e24 reads the account id (the Owner)
// after a create with Owner "", once per client; if that read fails the
// key still comes back, with its secret, no error and Owner "".
func TestE24CreateKeyAccountReadFails(t *testing.T) {
	r := startE24(true, false)
	defer r.srv.Close()
	srv := r.srv.(*e24test.Server)
	km := r.client(cloudkeys.WithRetry(noRetry))
	ctx := context.Background()
	before := r.keys()
	r.srv.FailNextWith(1, cloudkeystest.Fault{Status: http.StatusForbidden, Match: isGet})
	k, err := km.CreateKey(ctx, cloudkeys.CreateKeyRequest{})
	require.NoError(t, err, "the key was created: its secret must not be lost")
	require.Zero(t, r.srv.PendingFaults(), "the read after the create met the fault")
	assert.Equal(t, before+1, r.keys())
	assert.False(t, k.Secret.IsZero())
	assert.Empty(t, k.Owner, "unknown without the read")

	r.srv.ResetRequests()
	for range 2 {
		k, err := km.CreateKey(ctx, cloudkeys.CreateKeyRequest{})
		require.NoError(t, err)
		assert.Equal(t, srv.AccountID(), k.Owner)
	}
	gets := 0
	for _, q := range r.srv.Requests() {
		if q.Method == http.MethodGet {
			gets++
		}
	}
	assert.Equal(t, 1, gets, "the account id is read once, then kept")
}
