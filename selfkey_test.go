package cloudkeys_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
)

var (
	replaceable = cloudkeys.Capabilities{MultipleKeys: true, Delete: true}
	inPlaceOnly = cloudkeys.Capabilities{Rotate: true} // one key per owner (CloudStack ≤4.22)
)

// storeInto returns a store callback that saves the key's secret in *got.
func storeInto(got *string, err error) func(context.Context, *cloudkeys.Key) error {
	return func(_ context.Context, k *cloudkeys.Key) error {
		*got = k.Secret.Reveal()
		return err
	}
}

// works asserts that km can still authenticate: a list succeeds.
func works(t *testing.T, km cloudkeys.KeyManager) {
	t.Helper()
	_, err := cloudkeys.Collect(km.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
	require.NoError(t, err, "the client must still work")
}

func credentialID(t *testing.T, km *cloudkeystest.KeyManager) string {
	t.Helper()
	id, err := km.CredentialKeyID(context.Background())
	require.NoError(t, err)
	return id
}

func TestRotateOwnCredential(t *testing.T) {
	t.Parallel()
	boom := errors.New("vault down")
	tests := []struct {
		name      string
		caps      cloudkeys.Capabilities
		storeErr  error
		useErr    error
		failOld   bool
		wantErr   error
		wantKey   bool     // a key is returned
		wantCalls []string // after "get k1" / before nothing: the whole sequence
		oldLives  bool
		onNew     bool // the client ends up on the new key
	}{
		{name: "replacement: switch between store and delete", caps: replaceable, wantKey: true,
			wantCalls: []string{"get k1", "create ci", "use k2", "delete k1"}, onNew: true},
		{name: "replacement: store fails, new key deleted with the old credential", caps: replaceable, storeErr: boom, wantErr: boom,
			wantCalls: []string{"get k1", "create ci", "delete k2"}, oldLives: true},
		{name: "replacement: switch fails, old key kept", caps: replaceable, useErr: errors.New("no"), wantErr: errors.New("no"), wantKey: true,
			wantCalls: []string{"get k1", "create ci", "use k2"}, oldLives: true},
		{name: "replacement: deleting the old key fails after the switch", caps: replaceable, failOld: true, wantErr: cloudkeys.ErrServer, wantKey: true,
			wantCalls: []string{"get k1", "create ci", "use k2", "delete k1"}, oldLives: true, onNew: true},
		{name: "in place: switch before store", caps: inPlaceOnly, wantKey: true,
			wantCalls: []string{"rotate k1", "use k1"}, oldLives: true, onNew: true},
		{name: "in place: store fails, the client keeps the new secret", caps: inPlaceOnly, storeErr: boom, wantErr: boom, wantKey: true,
			wantCalls: []string{"rotate k1", "use k1"}, oldLives: true, onNew: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			km := cloudkeystest.NewKeyManager(tt.caps)
			old := km.Add("alice", "ci", "")
			km.AuthenticateAs(old.ID)
			km.FailUseCredential = tt.useErr
			if tt.failOld {
				km.FailDelete[old.ID] = &cloudkeys.APIError{StatusCode: 500}
			}
			var stored string
			nk, err := cloudkeys.Rotate(context.Background(), km, old.ID, storeInto(&stored, tt.storeErr))
			if tt.wantErr != nil {
				require.Error(t, err)
				if tt.useErr == nil {
					assert.ErrorIs(t, err, tt.wantErr)
				}
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.wantCalls, km.Calls())
			works(t, km)
			if !tt.wantKey {
				assert.Nil(t, nk)
				assert.Equal(t, old.ID, credentialID(t, km))
				assert.Equal(t, 1, km.Len(), "the new key must be deleted")
				return
			}
			require.NotNil(t, nk)
			assert.Equal(t, nk.Secret.Reveal(), stored, "store got the new secret")
			if tt.onNew {
				assert.Equal(t, nk.ID, credentialID(t, km))
			} else {
				assert.Equal(t, old.ID, credentialID(t, km))
			}
			_, gerr := km.GetKey(context.Background(), old.ID)
			if tt.oldLives {
				assert.NoError(t, gerr)
			} else {
				assert.ErrorIs(t, gerr, cloudkeys.ErrNotFound)
			}
		})
	}
}

func TestRotateOtherKeyDoesNotSwitch(t *testing.T) {
	t.Parallel()
	km := cloudkeystest.NewKeyManager(replaceable)
	own := km.Add("alice", "", "")
	other := km.Add("bob", "", "")
	km.AuthenticateAs(own.ID)
	_, err := cloudkeys.Rotate(context.Background(), km, other.ID, func(context.Context, *cloudkeys.Key) error { return nil })
	require.NoError(t, err)
	assert.NotContains(t, km.Calls(), "use k3")
	assert.Equal(t, own.ID, credentialID(t, km))
}

// Without the switch the client locks itself out (the mutation the
// ordering guards against): a plain delete of the own key.
func TestDeletingOwnCredentialLocksOut(t *testing.T) {
	t.Parallel()
	km := cloudkeystest.NewKeyManager(replaceable)
	own := km.Add("alice", "", "")
	km.AuthenticateAs(own.ID)
	is, err := cloudkeys.IsOwnCredential(context.Background(), km, own.ID)
	require.NoError(t, err)
	require.True(t, is)
	require.NoError(t, km.DeleteKey(context.Background(), own.ID))
	_, err = cloudkeys.Collect(km.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
	assert.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
}

// failingIdentity cannot tell which key it authenticates with.
type failingIdentity struct{ *cloudkeystest.KeyManager }

func (failingIdentity) CredentialKeyID(context.Context) (string, error) {
	return "", &cloudkeys.APIError{Vendor: "mem", StatusCode: 503}
}

// secretless creates keys whose secret it does not return.
type secretless struct{ *cloudkeystest.KeyManager }

func (s secretless) CreateKey(ctx context.Context, req cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
	k, err := s.KeyManager.CreateKey(ctx, req)
	if k != nil {
		k.Secret = cloudkeys.Secret{}
	}
	return k, err
}

func TestRotateOwnCredentialRefusals(t *testing.T) {
	t.Parallel()
	t.Run("identity unknown: nothing created", func(t *testing.T) {
		t.Parallel()
		km := cloudkeystest.NewKeyManager(replaceable)
		old := km.Add("alice", "", "")
		stored := false
		_, err := cloudkeys.Rotate(context.Background(), failingIdentity{km}, old.ID, func(context.Context, *cloudkeys.Key) error { stored = true; return nil })
		require.ErrorIs(t, err, cloudkeys.ErrServer)
		assert.False(t, stored)
		assert.Empty(t, km.Calls())
	})
	t.Run("replacement without a secret: deleted before store", func(t *testing.T) {
		t.Parallel()
		km := cloudkeystest.NewKeyManager(replaceable)
		old := km.Add("alice", "", "")
		km.AuthenticateAs(old.ID)
		stored := false
		_, err := cloudkeys.Rotate(context.Background(), secretless{km}, old.ID, func(context.Context, *cloudkeys.Key) error { stored = true; return nil })
		require.ErrorContains(t, err, "without a secret")
		assert.False(t, stored)
		assert.Equal(t, 1, km.Len())
		works(t, km)
	})
}

func TestIsOwnCredential(t *testing.T) {
	t.Parallel()
	km := cloudkeystest.NewKeyManager(replaceable)
	own := km.Add("alice", "", "")
	other := km.Add("alice", "", "")
	anonymous := cloudkeystest.NewKeyManager(replaceable)
	tests := []struct {
		name    string
		km      cloudkeys.KeyManager
		id      string
		want    bool
		wantErr error
	}{
		{"own key", km, own.ID, true, nil},
		{"another key", km, other.ID, false, nil},
		{"empty id", km, "", false, nil},
		{"no key credential", anonymous, own.ID, false, nil},
		{"not a CredentialRotator", halfCreating{km}, own.ID, true, nil}, // embeds *cloudkeystest.KeyManager: still one
		{"identity unknown", failingIdentity{km}, own.ID, false, cloudkeys.ErrServer},
		{"plain KeyManager", plainKM{km}, own.ID, false, nil},
	}
	km.AuthenticateAs(own.ID)
	for _, tt := range tests {
		got, err := cloudkeys.IsOwnCredential(context.Background(), tt.km, tt.id)
		if tt.wantErr != nil {
			assert.ErrorIs(t, err, tt.wantErr, tt.name)
		} else {
			assert.NoError(t, err, tt.name)
		}
		assert.Equal(t, tt.want, got, tt.name)
	}
}

// plainKM hides the CredentialRotator methods of the KM it wraps.
type plainKM struct{ cloudkeys.KeyManager }
