package cloudkeys

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
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
// Where the KeyManager implements [KeyReplacer], the new key is created
// through it, so restrictions CreateKeyRequest cannot express (token types,
// caveats, access policies) carry over and a rotated key is never more
// powerful than the one it replaces. A key that CreateKey returns together
// with an error is deleted.
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
//
// # The client's own credential
//
// When km implements [CredentialRotator] and id is the key km itself
// authenticates with (its CredentialKeyID, asked before anything is
// created; if that fails, Rotate fails and changes nothing), Rotate keeps
// the client working:
//
//   - by replacement: create the new key, call store(new), switch the client
//     to the new key (UseCredential), and only then delete the old key — with
//     the new credential. If store fails, the new key is deleted with the old
//     credential, which the client still uses, and the old key stays. If the
//     switch fails, the new key is returned with an error and the old key is
//     kept (the client still uses it). If deleting the old key fails after
//     the switch, the new key is returned with an error: the client already
//     uses it. A new key that comes without a secret cannot be switched to:
//     it is deleted and Rotate fails before store is called;
//   - in place: RotateKey, then UseCredential(new) before store (a vendor's
//     RotateKey may already have switched the client, as CloudStack's and
//     e24cloud's do for their own key; switching again is harmless). If the
//     answer to the in-place rotation is lost, the new secret is lost with
//     it and the client can no longer authenticate: rotate a key in place
//     from another credential where that matters.
//
// Requests of other goroutines that were signed with the old credential
// before the switch may fail with [ErrUnauthorized] once the old key is
// deleted; retries sign afresh with the new one. A vendor that cannot
// replace its own credential safely refuses before creating anything, with
// an error matching [ErrUnsupported] that says why (Onezone: a client
// authenticating with a confined copy of the named token, which the
// replacement would not be). Where km does not implement
// CredentialRotator, Rotate cannot tell, and rotating the client's own key
// locks it out.
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
	if !(caps.MultipleKeys && caps.Delete) && !caps.Rotate {
		return nil, Unsupported(km.Vendor(), "Rotate", "the vendor can neither replace a key (create, then delete) nor rotate one in place")
	}
	own, err := ownCredential(ctx, km, id)
	if err != nil {
		return nil, fmt.Errorf("rotate: %w", err)
	}
	if caps.MultipleKeys && caps.Delete {
		return rotateByReplacement(ctx, km, caps, id, store, own)
	}
	return rotateInPlace(ctx, km, id, store, own)
}

// rotateByReplacement creates, stores and deletes; own is km when id is
// the client's own credential (else nil): the client is switched to the new
// key between store and the delete.
func rotateByReplacement(ctx context.Context, km KeyManager, caps Capabilities, id string, store func(context.Context, *Key) error, own CredentialRotator) (*Key, error) {
	old, err := km.GetKey(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("rotate: read old key: %w", err)
	}
	req := CreateKeyRequest{Owner: old.Owner, Name: old.Name, Description: old.Description}
	if caps.Expiry {
		req.ExpiresAt = ReplacementExpiry(old, time.Now())
	}
	create := km.CreateKey
	if r, ok := km.(KeyReplacer); ok {
		create = func(ctx context.Context, req CreateKeyRequest) (*Key, error) { return r.ReplaceKey(ctx, old, req) }
	}
	nk, err := createReplacement(ctx, km, create, req)
	if err != nil {
		return nil, fmt.Errorf("rotate: create new key: %w", err)
	}
	if own != nil && nk.Secret.IsZero() {
		if derr := cleanup(ctx, km, nk.ID); derr != nil {
			return nil, fmt.Errorf("rotate: key %s is the client's own credential, but its replacement %s came without a secret to switch to, and deleting it failed: %w", id, nk.ID, derr)
		}
		return nil, fmt.Errorf("rotate: key %s is the client's own credential, but its replacement came without a secret to switch to; the replacement was deleted, the old key kept", id)
	}
	if err := store(ctx, nk); err != nil {
		if derr := cleanup(ctx, km, nk.ID); derr != nil {
			return nil, fmt.Errorf("rotate: store failed (%w) and deleting the new key %s failed too: %w", err, nk.ID, derr)
		}
		return nil, fmt.Errorf("rotate: store failed, new key deleted, old key kept: %w", err)
	}
	if own != nil {
		if err := own.UseCredential(nk); err != nil {
			return nk, fmt.Errorf("rotate: new key %s stored, but the client could not switch to it, so the old key %s, its credential, was kept: %w", nk.ID, id, err)
		}
	}
	if err := km.DeleteKey(ctx, id); err != nil {
		return nk, fmt.Errorf("rotate: new key %s stored, but deleting the old key failed: %w", nk.ID, err)
	}
	return nk, nil
}

// createReplacement creates the new key, deriving a fresh name when the
// vendor requires unique names, and deletes a key that was created but came
// back with an error (e.g. its secret could not be read).
func createReplacement(ctx context.Context, km KeyManager, create func(context.Context, CreateKeyRequest) (*Key, error), req CreateKeyRequest) (*Key, error) {
	nk, err := create(ctx, req)
	for try := 0; try < 2 && err != nil && req.Name != "" && errors.Is(err, ErrConflict); try++ {
		req.Name = DerivedName(req.Name, time.Now())
		if try == 1 { // the same second twice: make it unique
			req.Name = withRandomSuffix(req.Name)
		}
		nk, err = create(ctx, req)
	}
	if err != nil && nk != nil && nk.ID != "" {
		if derr := cleanup(ctx, km, nk.ID); derr != nil {
			return nil, fmt.Errorf("%w (the half-created key %s could not be deleted: %w)", err, nk.ID, derr)
		}
		return nil, &settledError{msg: fmt.Sprintf("%v (the half-created key %s was deleted)", err, nk.ID), err: err}
	}
	return nk, err
}

// settledError is a create's error once Rotate has deleted the key it
// half-created: the outcome is known (there is no new key), so it no longer
// matches ErrOutcomeUnknown even where its cause did (an answer that could
// not be read). Every other sentinel and type of the cause still matches
// (errors.Is, errors.As: a Huawei *CreateFileError, the *APIError).
type settledError struct {
	msg string
	err error
}

func (e *settledError) Error() string { return e.msg }

// Is matches what the cause matches, except ErrOutcomeUnknown.
func (e *settledError) Is(target error) bool {
	return target != ErrOutcomeUnknown && errors.Is(e.err, target)
}

// As finds what errors.As finds in the cause.
func (e *settledError) As(target any) bool { return errors.As(e.err, target) }

// cleanup deletes a key Rotate created, even when ctx is already done.
func cleanup(ctx context.Context, km KeyManager, id string) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
	defer cancel()
	return km.DeleteKey(rctx, id)
}

func rotateInPlace(ctx context.Context, km KeyManager, id string, store func(context.Context, *Key) error, own CredentialRotator) (*Key, error) {
	nk, err := km.RotateKey(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("rotate: in-place rotation: %w", err)
	}
	if own != nil {
		if err := own.UseCredential(nk); err != nil {
			// The old secret is dead: the new key is all the caller has.
			if serr := store(ctx, nk); serr != nil {
				err = fmt.Errorf("%w; store failed too: %w", err, serr)
			}
			return nk, fmt.Errorf("rotate: key %s, the client's own credential, was rotated in place, but the client could not switch to the new secret: %w", id, err)
		}
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

// maxDerivedName bounds a derived name (Onezone allows 2–128 characters).
const maxDerivedName = 128

// rotatedSuffix matches what DerivedName and withRandomSuffix append.
var rotatedSuffix = regexp.MustCompile(`-rotated-\d{8}T\d{6}Z(-[0-9a-f]{6})?$`)

// DerivedName returns the name Rotate gives a replacement key when the
// vendor requires unique names: the name without any earlier
// "-rotated-…" suffix, plus "-rotated-" and the UTC time as 20060102T150405Z,
// at most 128 characters. Rotating again never makes the name grow.
func DerivedName(name string, now time.Time) string {
	base := rotatedSuffix.ReplaceAllString(name, "")
	suffix := "-rotated-" + now.UTC().Format("20060102T150405Z")
	if room := maxDerivedName - len(suffix) - 7; len(base) > room { // 7: room for withRandomSuffix
		base = strings.ToValidUTF8(base[:room], "")
	}
	return base + suffix
}

func withRandomSuffix(name string) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return name + "-" + hex.EncodeToString(b[:])
}
