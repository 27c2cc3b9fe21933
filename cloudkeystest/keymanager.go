package cloudkeystest

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cloudkeys/cloudkeys"
)

// KeyManager is an in-memory [cloudkeys.KeyManager] (and
// [cloudkeys.CredentialRotator]) for testing code written against the
// interface — a rotation job, a CLI, a policy engine — without a vendor or
// a fake server. Its capabilities are chosen at [NewKeyManager] (an
// operation it lacks fails with an error matching
// [cloudkeys.ErrUnsupported], as a vendor's does), its Vendor is "mem",
// keys get IDs "k1", "k2", ... and secrets "secret-1", ..., and [KeyManager.Calls]
// records what was asked of it.
//
// Its exported fields inject failures and may be set before use (not
// while it is being called). A KeyManager is safe for concurrent use.
type KeyManager struct {
	mu   sync.Mutex
	caps cloudkeys.Capabilities
	keys map[string]*cloudkeys.Key
	next int

	// UniqueNames makes CreateKey refuse a name the owner already uses
	// (as Onezone does), with an error matching ErrConflict.
	UniqueNames bool
	// FailCreate, when set, is returned by CreateKey.
	FailCreate error
	// FailDelete maps key IDs to the error DeleteKey returns for them.
	FailDelete map[string]error
	// Now stamps CreatedAt; nil means a fixed 2026-01-01 UTC.
	Now func() time.Time
	// FailUseCredential, when set, is returned by UseCredential.
	FailUseCredential error

	// The credential set by AuthenticateAs or UseCredential ("" = none).
	credID, credSecret string

	calls []string
}

var (
	_ cloudkeys.KeyManager        = (*KeyManager)(nil)
	_ cloudkeys.CredentialRotator = (*KeyManager)(nil)
)

// NewKeyManager returns an empty in-memory KeyManager with the given
// capabilities.
func NewKeyManager(caps cloudkeys.Capabilities) *KeyManager {
	return &KeyManager{caps: caps, keys: map[string]*cloudkeys.Key{}, FailDelete: map[string]error{}}
}

// Add stores a key with a generated ID ("k1", "k2", ...), access key
// ("AK1", ...) and secret, enabled, and returns a copy of it (with its
// secret), without recording a call.
func (m *KeyManager) Add(owner, name, desc string) *cloudkeys.Key {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.addLocked(owner, name, desc)
}

func (m *KeyManager) addLocked(owner, name, desc string) *cloudkeys.Key {
	m.next++
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if m.Now != nil {
		now = m.Now()
	}
	k := &cloudkeys.Key{Vendor: "mem", ID: fmt.Sprintf("k%d", m.next), AccessKey: fmt.Sprintf("AK%d", m.next),
		Owner: owner, Name: name, Description: desc, CreatedAt: now,
		Secret: cloudkeys.NewSecret(fmt.Sprintf("secret-%d", m.next)), Enabled: true}
	m.keys[k.ID] = k
	return copyKey(k)
}

func copyKey(k *cloudkeys.Key) *cloudkeys.Key { c := *k; return &c }

// Calls returns the operations asked of m so far, in order: "create <name>",
// "get <id>", "rotate <id>", "enable <id> <true|false>", "delete <id>" and
// "use <id>" (UseCredential); ListKeys, Vendor and Capabilities are not
// recorded.
func (m *KeyManager) Calls() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.calls)
}

// Len returns how many keys are stored.
func (m *KeyManager) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.keys)
}

func (m *KeyManager) log(s string) { m.mu.Lock(); m.calls = append(m.calls, s); m.mu.Unlock() }

// AuthenticateAs makes m behave like a client that authenticates with the
// stored key id and its current secret: CredentialKeyID returns id, and
// every KeyManager call except Vendor and Capabilities fails with an error
// matching ErrUnauthorized while that key is deleted or disabled, or its
// secret was rotated — until UseCredential switches to a live key. Without
// it, m has no credential (CredentialKeyID returns "") and never refuses.
func (m *KeyManager) AuthenticateAs(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.credID, m.credSecret = id, ""
	if k := m.keys[id]; k != nil {
		m.credSecret = k.Secret.Reveal()
	}
}

// authLocked refuses a call of a client whose credential no longer works.
func (m *KeyManager) authLocked(op string) error {
	if m.credID == "" {
		return nil
	}
	if k := m.keys[m.credID]; k != nil && k.Enabled && k.Secret.Reveal() == m.credSecret {
		return nil
	}
	return &cloudkeys.APIError{Vendor: "mem", Operation: op, StatusCode: 401, Message: "the credential was deleted, disabled or rotated"}
}

func (m *KeyManager) auth(op string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.authLocked(op)
}

// CredentialKeyID returns the key set by AuthenticateAs or UseCredential,
// or "". Like a server, it fails with ErrUnauthorized when that key no
// longer works.
func (m *KeyManager) CredentialKeyID(context.Context) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.authLocked("CredentialKeyID"); err != nil {
		return "", err
	}
	return m.credID, nil
}

// UseCredential makes k.ID with k.Secret m's credential (logged as
// "use <id>"). It does not check that k exists.
func (m *KeyManager) UseCredential(k *cloudkeys.Key) error {
	m.log("use " + k.ID)
	if m.FailUseCredential != nil {
		return m.FailUseCredential
	}
	if k.ID == "" || k.Secret.IsZero() {
		return cloudkeys.InvalidInput("mem", "k", "needs an ID and a Secret")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.credID, m.credSecret = k.ID, k.Secret.Reveal()
	return nil
}

// Vendor returns "mem".
func (m *KeyManager) Vendor() string { return "mem" }

// Capabilities returns the capabilities given to NewKeyManager.
func (m *KeyManager) Capabilities(context.Context) (cloudkeys.Capabilities, error) {
	return m.caps, nil
}

// CreateKey stores a new key for r.Owner with r.Name and r.Description and
// returns it with its secret. It fails with FailCreate when that is set,
// with an error matching ErrUnsupported for an ExpiresAt without the Expiry
// capability, and with one matching ErrConflict for a name the owner
// already uses when UniqueNames is set.
func (m *KeyManager) CreateKey(_ context.Context, r cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
	m.log("create " + r.Name)
	if err := m.auth("CreateKey"); err != nil {
		return nil, err
	}
	if m.FailCreate != nil {
		return nil, m.FailCreate
	}
	if !r.ExpiresAt.IsZero() && !m.caps.Expiry {
		return nil, fmt.Errorf("mem: expiry: %w", cloudkeys.ErrUnsupported)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.UniqueNames {
		for _, k := range m.keys {
			if k.Owner == r.Owner && k.Name == r.Name {
				return nil, &cloudkeys.APIError{Vendor: "mem", Operation: "CreateKey", StatusCode: 400, Code: "badValueIdentifierOccupied", Kind: cloudkeys.ErrConflict}
			}
		}
	}
	k := m.addLocked(r.Owner, r.Name, r.Description)
	m.keys[k.ID].ExpiresAt = r.ExpiresAt
	k.ExpiresAt = r.ExpiresAt
	return k, nil
}

func notFound(op string) error {
	return &cloudkeys.APIError{Vendor: "mem", Operation: op, StatusCode: 404, Message: "no such key"}
}

// GetKey returns a stored key, without its secret; an unknown id is an
// *cloudkeys.APIError matching ErrNotFound.
func (m *KeyManager) GetKey(_ context.Context, id string) (*cloudkeys.Key, error) {
	m.log("get " + id)
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.authLocked("GetKey"); err != nil {
		return nil, err
	}
	k, ok := m.keys[id]
	if !ok {
		return nil, notFound("GetKey")
	}
	c := copyKey(k)
	c.Secret = cloudkeys.Secret{}
	return c, nil
}

// ListKeys yields the stored keys in ID order, without secrets.
func (m *KeyManager) ListKeys(_ context.Context, opts cloudkeys.ListKeysOptions) iter.Seq2[*cloudkeys.Key, error] {
	return func(yield func(*cloudkeys.Key, error) bool) {
		m.mu.Lock()
		if err := m.authLocked("ListKeys"); err != nil {
			m.mu.Unlock()
			yield(nil, err)
			return
		}
		var ks []*cloudkeys.Key
		for _, k := range m.keys {
			if opts.Owner == "" || k.Owner == opts.Owner {
				c := copyKey(k)
				c.Secret = cloudkeys.Secret{}
				ks = append(ks, c)
			}
		}
		m.mu.Unlock()
		slices.SortFunc(ks, func(a, b *cloudkeys.Key) int {
			return cmp.Or(cmp.Compare(len(a.ID), len(b.ID)), strings.Compare(a.ID, b.ID))
		})
		for _, k := range ks {
			if !yield(k, nil) {
				return
			}
		}
	}
}

// DeleteKey removes a key. It fails with an error matching ErrUnsupported
// without the Delete capability, with FailDelete[id] when that is set, and
// with one matching ErrNotFound for an unknown id.
func (m *KeyManager) DeleteKey(_ context.Context, id string) error {
	m.log("delete " + id)
	if err := m.auth("DeleteKey"); err != nil {
		return err
	}
	if !m.caps.Delete {
		return fmt.Errorf("mem: delete: %w", cloudkeys.ErrUnsupported)
	}
	if err := m.FailDelete[id]; err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.keys[id]; !ok {
		return notFound("DeleteKey")
	}
	delete(m.keys, id)
	return nil
}

// RotateKey gives the key a new secret in place (without the Rotate
// capability: an error matching ErrUnsupported).
func (m *KeyManager) RotateKey(_ context.Context, id string) (*cloudkeys.Key, error) {
	m.log("rotate " + id)
	if err := m.auth("RotateKey"); err != nil {
		return nil, err
	}
	if !m.caps.Rotate {
		return nil, fmt.Errorf("mem: rotate: %w", cloudkeys.ErrUnsupported)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.keys[id]
	if !ok {
		return nil, notFound("RotateKey")
	}
	m.next++
	k.Secret = cloudkeys.NewSecret(fmt.Sprintf("secret-%d", m.next))
	return copyKey(k), nil
}

// SetKeyEnabled enables or disables a key (without the Enable capability:
// an error matching ErrUnsupported). A disabled key is still listed.
func (m *KeyManager) SetKeyEnabled(_ context.Context, id string, enabled bool) error {
	m.log(fmt.Sprintf("enable %s %v", id, enabled))
	if err := m.auth("SetKeyEnabled"); err != nil {
		return err
	}
	if !m.caps.Enable {
		return fmt.Errorf("mem: enable: %w", cloudkeys.ErrUnsupported)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.keys[id]
	if !ok {
		return notFound("SetKeyEnabled")
	}
	k.Enabled = enabled
	return nil
}
