package cloudkeys_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
)

// memKM is an in-memory KeyManager with switchable capabilities and faults.
type memKM struct {
	mu          sync.Mutex
	caps        cloudkeys.Capabilities
	keys        map[string]*cloudkeys.Key
	next        int
	uniqueNames bool
	failCreate  error
	failDelete  map[string]error
	calls       []string
}

func newMemKM(caps cloudkeys.Capabilities) *memKM {
	return &memKM{caps: caps, keys: map[string]*cloudkeys.Key{}, failDelete: map[string]error{}}
}

func (m *memKM) add(owner, name, desc string) *cloudkeys.Key {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.next++
	k := &cloudkeys.Key{Vendor: "mem", ID: fmt.Sprintf("k%d", m.next), Owner: owner, Name: name, Description: desc,
		Secret: cloudkeys.NewSecret(fmt.Sprintf("secret-%d", m.next)), Enabled: true}
	m.keys[k.ID] = k
	return k
}

func (m *memKM) log(s string) { m.mu.Lock(); m.calls = append(m.calls, s); m.mu.Unlock() }

func (m *memKM) Vendor() string { return "mem" }
func (m *memKM) Capabilities(context.Context) (cloudkeys.Capabilities, error) {
	return m.caps, nil
}
func (m *memKM) CreateKey(_ context.Context, r cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
	m.log("create " + r.Name)
	if m.failCreate != nil {
		return nil, m.failCreate
	}
	if m.uniqueNames {
		m.mu.Lock()
		for _, k := range m.keys {
			if k.Owner == r.Owner && k.Name == r.Name {
				m.mu.Unlock()
				return nil, &cloudkeys.APIError{Vendor: "mem", StatusCode: 400, Code: "badValueIdentifierOccupied", Kind: cloudkeys.ErrConflict}
			}
		}
		m.mu.Unlock()
	}
	k := m.add(r.Owner, r.Name, r.Description)
	c := *k
	return &c, nil
}
func (m *memKM) GetKey(_ context.Context, id string) (*cloudkeys.Key, error) {
	m.log("get " + id)
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.keys[id]
	if !ok {
		return nil, &cloudkeys.APIError{Vendor: "mem", StatusCode: 404}
	}
	c := *k
	return &c, nil
}
func (m *memKM) ListKeys(context.Context, cloudkeys.ListKeysOptions) iter.Seq2[*cloudkeys.Key, error] {
	return func(yield func(*cloudkeys.Key, error) bool) {
		m.mu.Lock()
		var ks []*cloudkeys.Key
		for _, k := range m.keys {
			c := *k
			ks = append(ks, &c)
		}
		m.mu.Unlock()
		for _, k := range ks {
			if !yield(k, nil) {
				return
			}
		}
	}
}
func (m *memKM) DeleteKey(_ context.Context, id string) error {
	m.log("delete " + id)
	if !m.caps.Delete {
		return cloudkeys.ErrUnsupported
	}
	if err := m.failDelete[id]; err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, id)
	return nil
}
func (m *memKM) RotateKey(_ context.Context, id string) (*cloudkeys.Key, error) {
	m.log("rotate " + id)
	if !m.caps.Rotate {
		return nil, cloudkeys.ErrUnsupported
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.keys[id]
	if !ok {
		return nil, &cloudkeys.APIError{StatusCode: 404}
	}
	m.next++
	k.Secret = cloudkeys.NewSecret(fmt.Sprintf("secret-%d", m.next))
	c := *k
	return &c, nil
}
func (m *memKM) SetKeyEnabled(context.Context, string, bool) error { return cloudkeys.ErrUnsupported }

var _ cloudkeys.KeyManager = (*memKM)(nil)

func TestRotateReplacesWithoutDowntime(t *testing.T) {
	t.Parallel()
	km := newMemKM(cloudkeys.Capabilities{MultipleKeys: true, Delete: true, Rotate: true})
	old := km.add("alice", "ci", "deploy key")
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
	assert.NotContains(t, km.calls, "rotate "+old.ID, "in-place rotation must not be used when replacement works")
}

func TestRotateRollsBackWhenStoreFails(t *testing.T) {
	t.Parallel()
	km := newMemKM(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	old := km.add("alice", "", "")
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
	km := newMemKM(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	old := km.add("alice", "", "")
	ctx, cancel := context.WithCancel(context.Background())
	_, err := cloudkeys.Rotate(ctx, km, old.ID, func(context.Context, *cloudkeys.Key) error { cancel(); return context.Canceled })
	require.ErrorIs(t, err, context.Canceled)
	keys, _ := cloudkeys.Collect(km.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
	assert.Len(t, keys, 1)
}

func TestRotateReturnsNewKeyWhenOldDeleteFails(t *testing.T) {
	t.Parallel()
	km := newMemKM(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	old := km.add("alice", "", "")
	km.failDelete[old.ID] = &cloudkeys.APIError{StatusCode: 500}
	nk, err := cloudkeys.Rotate(context.Background(), km, old.ID, func(context.Context, *cloudkeys.Key) error { return nil })
	require.ErrorIs(t, err, cloudkeys.ErrServer)
	require.NotNil(t, nk, "the stored new key must be returned")
	assert.NotEqual(t, old.ID, nk.ID)
}

func TestRotateDerivesNameWhenNamesMustBeUnique(t *testing.T) {
	t.Parallel()
	km := newMemKM(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	km.uniqueNames = true
	old := km.add("alice", "ci", "")
	nk, err := cloudkeys.Rotate(context.Background(), km, old.ID, func(context.Context, *cloudkeys.Key) error { return nil })
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(nk.Name, "ci-rotated-"), nk.Name)
	assert.Equal(t, "ci-rotated-20240102T030405Z", cloudkeys.DerivedName("ci", time.Date(2024, 1, 2, 4, 4, 5, 0, time.FixedZone("x", 3600))))
}

func TestRotateCreateFailureKeepsOldKey(t *testing.T) {
	t.Parallel()
	km := newMemKM(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	old := km.add("alice", "", "")
	km.failCreate = fmt.Errorf("lost: %w", cloudkeys.ErrOutcomeUnknown)
	stored := false
	_, err := cloudkeys.Rotate(context.Background(), km, old.ID, func(context.Context, *cloudkeys.Key) error { stored = true; return nil })
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.False(t, stored)
	_, err = km.GetKey(context.Background(), old.ID)
	assert.NoError(t, err)
}

func TestRotateFallsBackToInPlace(t *testing.T) {
	t.Parallel()
	km := newMemKM(cloudkeys.Capabilities{Rotate: true}) // one key per owner (CloudStack ≤4.22)
	old := km.add("alice", "", "")
	oldSecret := old.Secret.Reveal()
	nk, err := cloudkeys.Rotate(context.Background(), km, old.ID, func(context.Context, *cloudkeys.Key) error { return nil })
	require.NoError(t, err)
	assert.NotEqual(t, oldSecret, nk.Secret.Reveal())
	assert.Equal(t, []string{"rotate " + old.ID}, km.calls)

	boom := errors.New("store failed")
	nk, err = cloudkeys.Rotate(context.Background(), km, old.ID, func(context.Context, *cloudkeys.Key) error { return boom })
	require.ErrorIs(t, err, boom)
	require.NotNil(t, nk, "an in-place rotation cannot be undone, so the new secret must be returned")
}

func TestRotateUnsupportedAndBadInput(t *testing.T) {
	t.Parallel()
	km := newMemKM(cloudkeys.Capabilities{MultipleKeys: true}) // can neither delete nor rotate
	old := km.add("alice", "", "")
	_, err := cloudkeys.Rotate(context.Background(), km, old.ID, func(context.Context, *cloudkeys.Key) error { return nil })
	require.ErrorIs(t, err, cloudkeys.ErrUnsupported)
	assert.Empty(t, km.calls, "no server call when nothing can work")

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
