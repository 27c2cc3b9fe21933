package cloudkeys_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
)

func TestRotateReplacesWithoutDowntime(t *testing.T) {
	t.Parallel()
	km := cloudkeystest.NewKeyManager(cloudkeys.Capabilities{MultipleKeys: true, Delete: true, Rotate: true})
	old := km.Add("alice", "ci", "deploy key")
	var storedWhileOldAlive bool
	nk, err := cloudkeys.Rotate(context.Background(), km, old.ID, func(ctx context.Context, k *cloudkeys.Key) error {
		_, err := km.GetKey(ctx, old.ID)
		storedWhileOldAlive = err == nil
		assert.False(t, k.Secret.IsZero())
		return nil
	})
	require.NoError(t, err)
	assert.True(t, storedWhileOldAlive, "the old key must still exist while the new one is stored")
	assert.Equal(t, "alice", nk.Owner)
	assert.Equal(t, "ci", nk.Name)
	assert.Equal(t, "deploy key", nk.Description)
	_, err = km.GetKey(context.Background(), old.ID)
	assert.ErrorIs(t, err, cloudkeys.ErrNotFound)
	assert.NotContains(t, km.Calls(), "rotate "+old.ID, "in-place rotation must not be used when replacement works")
}

func TestRotateRollsBackWhenStoreFails(t *testing.T) {
	t.Parallel()
	km := cloudkeystest.NewKeyManager(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	old := km.Add("alice", "", "")
	boom := errors.New("vault down")
	nk, err := cloudkeys.Rotate(context.Background(), km, old.ID, func(context.Context, *cloudkeys.Key) error { return boom })
	require.ErrorIs(t, err, boom)
	assert.Nil(t, nk)
	keys, err := cloudkeys.Collect(km.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
	require.NoError(t, err)
	require.Len(t, keys, 1, "the new key must be deleted")
	assert.Equal(t, old.ID, keys[0].ID, "the old key must stay")
}

func TestRotateRollbackRunsAfterCancel(t *testing.T) {
	t.Parallel()
	km := cloudkeystest.NewKeyManager(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	old := km.Add("alice", "", "")
	ctx, cancel := context.WithCancel(context.Background())
	_, err := cloudkeys.Rotate(ctx, km, old.ID, func(context.Context, *cloudkeys.Key) error { cancel(); return context.Canceled })
	require.ErrorIs(t, err, context.Canceled)
	keys, _ := cloudkeys.Collect(km.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
	assert.Len(t, keys, 1)
}

func TestRotateReturnsNewKeyWhenOldDeleteFails(t *testing.T) {
	t.Parallel()
	km := cloudkeystest.NewKeyManager(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	old := km.Add("alice", "", "")
	km.FailDelete[old.ID] = &cloudkeys.APIError{StatusCode: 500}
	nk, err := cloudkeys.Rotate(context.Background(), km, old.ID, func(context.Context, *cloudkeys.Key) error { return nil })
	require.ErrorIs(t, err, cloudkeys.ErrServer)
	require.NotNil(t, nk, "the stored new key must be returned")
	assert.NotEqual(t, old.ID, nk.ID)
}

func TestRotateDerivesNameWhenNamesMustBeUnique(t *testing.T) {
	t.Parallel()
	km := cloudkeystest.NewKeyManager(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	km.UniqueNames = true
	old := km.Add("alice", "ci", "")
	nk, err := cloudkeys.Rotate(context.Background(), km, old.ID, func(context.Context, *cloudkeys.Key) error { return nil })
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(nk.Name, "ci-rotated-"), nk.Name)
	assert.Equal(t, "ci-rotated-20240102T030405Z", cloudkeys.DerivedName("ci", time.Date(2024, 1, 2, 4, 4, 5, 0, time.FixedZone("x", 3600))))
}

func TestRotateCreateFailureKeepsOldKey(t *testing.T) {
	t.Parallel()
	km := cloudkeystest.NewKeyManager(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	old := km.Add("alice", "", "")
	km.FailCreate = fmt.Errorf("lost: %w", cloudkeys.ErrOutcomeUnknown)
	stored := false
	_, err := cloudkeys.Rotate(context.Background(), km, old.ID, func(context.Context, *cloudkeys.Key) error { stored = true; return nil })
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.False(t, stored)
	_, err = km.GetKey(context.Background(), old.ID)
	assert.NoError(t, err)
}

func TestRotateFallsBackToInPlace(t *testing.T) {
	t.Parallel()
	km := cloudkeystest.NewKeyManager(cloudkeys.Capabilities{Rotate: true}) // one key per owner (CloudStack ≤4.22)
	old := km.Add("alice", "", "")
	oldSecret := old.Secret.Reveal()
	nk, err := cloudkeys.Rotate(context.Background(), km, old.ID, func(context.Context, *cloudkeys.Key) error { return nil })
	require.NoError(t, err)
	assert.NotEqual(t, oldSecret, nk.Secret.Reveal())
	assert.Equal(t, []string{"rotate " + old.ID}, km.Calls())

	boom := errors.New("store failed")
	nk, err = cloudkeys.Rotate(context.Background(), km, old.ID, func(context.Context, *cloudkeys.Key) error { return boom })
	require.ErrorIs(t, err, boom)
	require.NotNil(t, nk, "an in-place rotation cannot be undone, so the new secret must be returned")
}

func TestRotateUnsupportedAndBadInput(t *testing.T) {
	t.Parallel()
	km := cloudkeystest.NewKeyManager(cloudkeys.Capabilities{MultipleKeys: true}) // can neither delete nor rotate
	old := km.Add("alice", "", "")
	_, err := cloudkeys.Rotate(context.Background(), km, old.ID, func(context.Context, *cloudkeys.Key) error { return nil })
	require.ErrorIs(t, err, cloudkeys.ErrUnsupported)
	assert.Empty(t, km.Calls(), "no server call when nothing can work")

	_, err = cloudkeys.Rotate(context.Background(), km, "", func(context.Context, *cloudkeys.Key) error { return nil })
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	_, err = cloudkeys.Rotate(context.Background(), km, "x", nil)
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	_, err = cloudkeys.Rotate(context.Background(), nil, "x", func(context.Context, *cloudkeys.Key) error { return nil })
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
}

func TestCollect(t *testing.T) {
	t.Parallel()
	boom := errors.New("page 2 failed")
	seq := func(yield func(*cloudkeys.Key, error) bool) {
		if !yield(&cloudkeys.Key{ID: "a"}, nil) {
			return
		}
		yield(nil, boom)
	}
	keys, err := cloudkeys.Collect(seq)
	assert.ErrorIs(t, err, boom)
	require.Len(t, keys, 1)
	keys, err = cloudkeys.Collect(func(func(*cloudkeys.Key, error) bool) {})
	assert.NoError(t, err)
	assert.Empty(t, keys)
}

func TestRotateKeepsTheLifetimeOfAnExpiringKey(t *testing.T) {
	t.Parallel()
	km := cloudkeystest.NewKeyManager(cloudkeys.Capabilities{MultipleKeys: true, Delete: true, Expiry: true})
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // cloudkeystest.KeyManager's CreatedAt
	old, err := km.CreateKey(context.Background(), cloudkeys.CreateKeyRequest{Name: "ci", ExpiresAt: created.Add(30 * 24 * time.Hour)})
	require.NoError(t, err)
	nk, err := cloudkeys.Rotate(context.Background(), km, old.ID, func(context.Context, *cloudkeys.Key) error { return nil })
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(30*24*time.Hour), nk.ExpiresAt, time.Minute, "same 30-day lifetime, counted from now")

	forever := km.Add("alice", "", "")
	nk, err = cloudkeys.Rotate(context.Background(), km, forever.ID, func(context.Context, *cloudkeys.Key) error { return nil })
	require.NoError(t, err)
	assert.True(t, nk.ExpiresAt.IsZero())
}

func TestReplacementExpiry(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	c := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		old  cloudkeys.Key
		want time.Time
	}{
		{"never expires", cloudkeys.Key{CreatedAt: c}, time.Time{}},
		{"lifetime kept", cloudkeys.Key{CreatedAt: c, ExpiresAt: c.Add(48 * time.Hour)}, now.Add(48 * time.Hour)},
		{"creation unknown: same expiry", cloudkeys.Key{ExpiresAt: c.Add(time.Hour)}, c.Add(time.Hour)},
		{"expiry before creation: same expiry", cloudkeys.Key{CreatedAt: c, ExpiresAt: c.Add(-time.Hour)}, c.Add(-time.Hour)},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, cloudkeys.ReplacementExpiry(&tt.old, now), tt.name)
	}
}

func TestRepeatedRotationKeepsNamesBounded(t *testing.T) {
	t.Parallel()
	km := cloudkeystest.NewKeyManager(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	km.UniqueNames = true
	k := km.Add("alice", "ci-deploy", "")
	for i := 0; i < 8; i++ { // all within the same second: a random suffix breaks the tie
		nk, err := cloudkeys.Rotate(context.Background(), km, k.ID, func(context.Context, *cloudkeys.Key) error { return nil })
		require.NoError(t, err, "rotation %d", i+1)
		assert.LessOrEqual(t, len(nk.Name), len("ci-deploy-rotated-20260101T000000Z-abcdef"), nk.Name)
		assert.True(t, strings.HasPrefix(nk.Name, "ci-deploy-rotated-"), nk.Name)
		k = nk
	}
	assert.Equal(t, 1, km.Len())
	long := strings.Repeat("é", 100)
	assert.LessOrEqual(t, len(cloudkeys.DerivedName(long, time.Now()))+7, 128)
	assert.True(t, utf8.ValidString(cloudkeys.DerivedName(long, time.Now())))
	assert.Equal(t, "x-rotated-20260102T030405Z", cloudkeys.DerivedName("x-rotated-20250101T000000Z-0a1b2c", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)))
}

// replacer records that Rotate created the replacement through ReplaceKey.
type replacer struct {
	*cloudkeystest.KeyManager
	olds []string
}

func (r *replacer) ReplaceKey(ctx context.Context, old *cloudkeys.Key, req cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
	r.olds = append(r.olds, old.ID)
	if old.Name == "invite" {
		return nil, fmt.Errorf("an invite token cannot be rotated into an access token: %w", cloudkeys.ErrUnsupported)
	}
	return r.KeyManager.CreateKey(ctx, req)
}

func TestRotateUsesKeyReplacer(t *testing.T) {
	t.Parallel()
	r := &replacer{KeyManager: cloudkeystest.NewKeyManager(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})}
	old := r.Add("alice", "ci", "")
	_, err := cloudkeys.Rotate(context.Background(), r, old.ID, func(context.Context, *cloudkeys.Key) error { return nil })
	require.NoError(t, err)
	assert.Equal(t, []string{old.ID}, r.olds)

	inv := r.Add("alice", "invite", "")
	_, err = cloudkeys.Rotate(context.Background(), r, inv.ID, func(context.Context, *cloudkeys.Key) error { return nil })
	require.ErrorIs(t, err, cloudkeys.ErrUnsupported)
	_, err = r.GetKey(context.Background(), inv.ID)
	assert.NoError(t, err, "a key that cannot be reproduced stays")
	assert.Equal(t, 2, r.Len())
}

// halfCreating creates the key but loses its secret (Huawei's unreadable
// credential file): CreateKey returns the key and an error.
type halfCreating struct{ *cloudkeystest.KeyManager }

func (h halfCreating) CreateKey(ctx context.Context, req cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
	k, err := h.KeyManager.CreateKey(ctx, req)
	if err != nil {
		return nil, err
	}
	k.Secret = cloudkeys.Secret{}
	return k, &cloudkeys.UndecodableAnswerError{Vendor: "mem", Operation: "CreateKey", StatusCode: 200, Write: true,
		Answer: cloudkeys.NewSecret("raw"), Problem: "credential file unreadable"}
}

func TestRotateDeletesAHalfCreatedKey(t *testing.T) {
	t.Parallel()
	h := halfCreating{cloudkeystest.NewKeyManager(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})}
	old := h.Add("alice", "", "")
	stored := false
	_, err := cloudkeys.Rotate(context.Background(), h, old.ID, func(context.Context, *cloudkeys.Key) error { stored = true; return nil })
	require.ErrorContains(t, err, "credential file unreadable")
	assert.Contains(t, err.Error(), "half-created key")
	// Deleted again: the outcome is known, whatever the cause said.
	assert.NotErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.ErrorIs(t, err, cloudkeys.ErrServer, "the cause's *APIError still matches")
	assert.False(t, stored)
	assert.Equal(t, 1, h.Len(), "the half-created key is deleted, the old one stays")
	_, err = h.GetKey(context.Background(), old.ID)
	assert.NoError(t, err)
}
