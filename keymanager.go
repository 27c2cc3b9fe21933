package cloudkeys

import (
	"context"
	"iter"
	"time"
)

// KeyManager is the vendor-neutral contract every vendor *Client implements.
//
// Methods that a vendor or server version cannot perform return an error
// matching [ErrUnsupported]; [Capabilities] tells in advance which ones work.
// Implementations are safe for concurrent use.
type KeyManager interface {
	// Vendor names the vendor: "cloudstack", "zstack", "e24", "huaweibcs" or "onezone".
	Vendor() string
	// Capabilities tells what this vendor (and server version) can do. It may
	// ask the server, e.g. for its version, and cache the answer.
	Capabilities(ctx context.Context) (Capabilities, error)
	// CreateKey creates a key. The returned Key carries the secret where the
	// vendor returns it; for most vendors this is the only time it is shown.
	// A create whose answer was lost returns an error matching
	// [ErrOutcomeUnknown]; it is never re-sent blindly.
	CreateKey(ctx context.Context, req CreateKeyRequest) (*Key, error)
	// GetKey returns one key by its ID, or an error matching [ErrNotFound].
	GetKey(ctx context.Context, id string) (*Key, error)
	// ListKeys iterates over keys, fetching pages lazily. An error is yielded
	// once, as the last element.
	ListKeys(ctx context.Context, opts ListKeysOptions) iter.Seq2[*Key, error]
	// DeleteKey deletes a key. Deleting by ID is idempotent: a key found gone
	// after a retried delete counts as deleted. Deleting the key the client
	// itself authenticates with is allowed and locks the client out (see
	// [CredentialRotator] and [IsOwnCredential]; [Rotate] replaces such a
	// key safely).
	DeleteKey(ctx context.Context, id string) error
	// RotateKey is the vendor's own in-place rotation: a new secret, or a
	// replacement pair, in one server call. It is not reversible; prefer
	// [Rotate], which avoids downtime where the vendor allows it. Where the
	// key is the client's own credential, a vendor's RotateKey switches the
	// client to the new secret (CloudStack, e24cloud).
	RotateKey(ctx context.Context, id string) (*Key, error)
	// SetKeyEnabled enables or disables a key without deleting it.
	// Disabling the key the client itself authenticates with locks the
	// client out (see [IsOwnCredential]).
	SetKeyEnabled(ctx context.Context, id string, enabled bool) error
}

// KeyReplacer is implemented by a KeyManager whose keys carry restrictions
// that [CreateKeyRequest] cannot express (Onezone token types and caveats,
// Huawei access policies). [Rotate] creates the replacement of old through
// ReplaceKey instead of CreateKey, so that a rotated key is never more
// powerful than the key it replaces. req holds what Rotate would pass to
// CreateKey (owner, name, description, expiry). ReplaceKey returns an error
// matching [ErrUnsupported], before creating anything, for a key it cannot
// reproduce faithfully.
type KeyReplacer interface {
	ReplaceKey(ctx context.Context, old *Key, req CreateKeyRequest) (*Key, error)
}

// Capabilities tells which [KeyManager] operations a vendor supports.
type Capabilities struct {
	MultipleKeys bool // an owner can hold more than one key at a time
	Delete       bool // DeleteKey works
	Rotate       bool // RotateKey works (new secret, or a replacement pair, in one server call)
	Enable       bool // SetKeyEnabled works
	Expiry       bool // CreateKeyRequest.ExpiresAt is honoured
}

// CreateKeyRequest describes a key to create with [KeyManager.CreateKey].
//
// Name and Description are kept where the vendor has such fields and
// ignored where it has none (each vendor's CreateKey says which), so that
// code written against KeyManager works on every vendor. ExpiresAt is a
// security property: where Capabilities.Expiry is false, a non-zero
// ExpiresAt is refused with an error matching ErrUnsupported before any
// request is sent.
type CreateKeyRequest struct {
	Owner       string    // whose key: user/account id; "" = the caller where the vendor allows
	Name        string    // where the vendor has names (Onezone requires one; CloudStack 4.23)
	Description string    // free text, where the vendor keeps one
	ExpiresAt   time.Time // zero = never; non-zero where !Capabilities.Expiry -> ErrUnsupported
}

// ListKeysOptions filters [KeyManager.ListKeys].
type ListKeysOptions struct {
	Owner string // "" = every key the caller may see, where the vendor can list them
}

// Key is a vendor-neutral view of an API key or token.
//
// Printing, logging or marshalling a Key never reveals its Secret.
type Key struct {
	Vendor      string
	ID          string // the handle for GetKey/DeleteKey/RotateKey/SetKeyEnabled
	AccessKey   string // the public half sent with API calls, where one exists (may equal ID)
	Secret      Secret // set when the vendor returns it (create, rotate; some vendors list it)
	Owner       string
	Name        string
	Description string
	Enabled     bool
	CreatedAt   time.Time // zero where unknown
	LastUsedAt  time.Time // zero where unknown
	ExpiresAt   time.Time // zero = never, or unknown
}

// Collect drains a key iterator such as [KeyManager.ListKeys] into a slice.
// It stops at the first error and returns the keys read so far with it.
func Collect(seq iter.Seq2[*Key, error]) ([]*Key, error) {
	var keys []*Key
	for k, err := range seq {
		if err != nil {
			return keys, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}
