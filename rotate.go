package cloudkeys

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// rollbackTimeout bounds the clean-up calls Rotate makes after a failure,
// which run even when ctx is already done.
const rollbackTimeout = 30 * time.Second

// Rotate replaces key id with a fresh one without downtime where the vendor
// allows it:
//
//  1. read the old key (GetKey) for its owner, name and description;
//  2. create the new key with the same owner and description, and the same
//     name — or, where names must be unique and the server answers
//     [ErrConflict], the name with a "-rotated-<UTC timestamp>" suffix; an
//     expiring key's replacement gets the same lifetime (see
//     [ReplacementExpiry]) where the vendor honours expiry;
//  3. call store(new) so the caller can save the new secret;
//  4. only then delete the old key.
//
// If store fails, the new key is deleted and the old one stays; the error
// wraps store's error. If deleting the old key fails, the new key is returned
// together with an error, since it is already stored and in use.
//
// Where the owner can hold only one key (Capabilities.MultipleKeys is false)
// or keys cannot be deleted, Rotate falls back to RotateKey, the vendor's
// in-place rotation, which is not reversible: the old secret stops working at
// once. If store then fails, the new key is returned with the error so that
// its secret is not lost. Where neither works, Rotate returns an error
// matching [ErrUnsupported].
func Rotate(ctx context.Context, km KeyManager, id string, store func(context.Context, *Key) error) (*Key, error) {
	if km == nil {
		return nil, InvalidInput("", "km", "nil KeyManager")
	}
	if id == "" {
		return nil, InvalidInput(km.Vendor(), "id", "must not be empty")
	}
	if store == nil {
		return nil, InvalidInput(km.Vendor(), "store", "nil store function")
	}
	caps, err := km.Capabilities(ctx)
	if err != nil {
		return nil, fmt.Errorf("rotate: capabilities: %w", err)
	}
	switch {
	case caps.MultipleKeys && caps.Delete:
		return rotateByReplacement(ctx, km, caps, id, store)
	case caps.Rotate:
		return rotateInPlace(ctx, km, id, store)
	default:
		return nil, fmt.Errorf("rotate: %s can neither replace nor rotate a key: %w", km.Vendor(), ErrUnsupported)
	}
}

func rotateByReplacement(ctx context.Context, km KeyManager, caps Capabilities, id string, store func(context.Context, *Key) error) (*Key, error) {
	old, err := km.GetKey(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("rotate: read old key: %w", err)
	}
	req := CreateKeyRequest{Owner: old.Owner, Name: old.Name, Description: old.Description}
	if caps.Expiry {
		req.ExpiresAt = ReplacementExpiry(old, time.Now())
	}
	nk, err := km.CreateKey(ctx, req)
	if err != nil && req.Name != "" && errors.Is(err, ErrConflict) {
		req.Name = DerivedName(old.Name, time.Now())
		nk, err = km.CreateKey(ctx, req)
	}
	if err != nil {
		return nil, fmt.Errorf("rotate: create new key: %w", err)
	}
	if err := store(ctx, nk); err != nil {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		defer cancel()
		if derr := km.DeleteKey(rctx, nk.ID); derr != nil {
			return nil, fmt.Errorf("rotate: store failed (%w) and deleting the new key %s failed too: %w", err, nk.ID, derr)
		}
		return nil, fmt.Errorf("rotate: store failed, new key deleted, old key kept: %w", err)
	}
	if err := km.DeleteKey(ctx, id); err != nil {
		return nk, fmt.Errorf("rotate: new key %s stored, but deleting the old key failed: %w", nk.ID, err)
	}
	return nk, nil
}

func rotateInPlace(ctx context.Context, km KeyManager, id string, store func(context.Context, *Key) error) (*Key, error) {
	nk, err := km.RotateKey(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("rotate: in-place rotation: %w", err)
	}
	if err := store(ctx, nk); err != nil {
		return nk, fmt.Errorf("rotate: key rotated in place (not reversible), but store failed; the new key is returned: %w", err)
	}
	return nk, nil
}

// ReplacementExpiry is the expiry Rotate gives the replacement of old, so
// that rotating an expiring key never yields one that lives forever: the
// same lifetime from now when old's creation time is known (ExpiresAt −
// CreatedAt), else old's own ExpiresAt. A key that never expires gets a
// replacement that never expires (the zero time).
func ReplacementExpiry(old *Key, now time.Time) time.Time {
	switch {
	case old.ExpiresAt.IsZero():
		return time.Time{}
	case !old.CreatedAt.IsZero() && old.ExpiresAt.After(old.CreatedAt):
		return now.Add(old.ExpiresAt.Sub(old.CreatedAt)).Truncate(time.Second)
	default:
		return old.ExpiresAt
	}
}

// DerivedName returns the name Rotate gives a replacement key when the
// vendor requires unique names: name + "-rotated-" + the UTC time as
// 20060102T150405Z.
func DerivedName(name string, now time.Time) string {
	return name + "-rotated-" + now.UTC().Format("20060102T150405Z")
}
