package cloudkeys

import (
	"context"
	"fmt"
)

// CredentialRotator is implemented by clients whose credential — what they
// authenticate every request with — can be one of the keys they manage: a
// CloudStack API key, a ZStack AccessKey, an e24cloud API key, an Onezone
// named access token. (A Huawei NES credential is never the client's own
// credential, which is an IAM token or AK/SK, so the huaweibcs client does
// not implement it.)
//
// Deleting, disabling or rotating in place the key a client authenticates
// with locks that client out: every later call fails with an error
// matching [ErrUnauthorized]. [Rotate] uses this interface to replace the
// client's own key without locking it out, and [IsOwnCredential] lets a
// caller refuse to delete or disable it.
//
// Implementations are safe for concurrent use.
type CredentialRotator interface {
	// CredentialKeyID returns the id, as the KeyManager methods take it,
	// of the key the client authenticates with, or "" when its credential
	// is not such a key (a password login, a session, the integration
	// port, a token that is not a named token). It may ask the server; a
	// client that can no longer authenticate gets an error then.
	CredentialKeyID(ctx context.Context) (string, error)

	// UseCredential switches the client to authenticate with k from its
	// next request attempt on: k.AccessKey (or k.ID where the vendor's key
	// has no separate public half) and k.Secret, e.g. after k replaced the
	// old credential. A request already signed keeps its signature; every
	// later attempt, retries included, uses k. k.Secret is registered with
	// the client's redaction list, so it never shows in an error or log.
	// k.ID becomes what CredentialKeyID returns.
	//
	// It sends nothing and does not check that k works. It returns an
	// error, and changes nothing, when k lacks what the client needs (an
	// error matching [ErrInvalidRequest]) or when the client's credential
	// is not a key (a login or session client cannot be switched to a
	// key: an error matching [ErrUnsupported]).
	UseCredential(k *Key) error
}

// IsOwnCredential reports whether key id is the credential km
// authenticates with: true when km implements [CredentialRotator] and its
// CredentialKeyID is id. It is false, without asking anything, when km
// does not implement the interface or id is "". A caller about to delete
// or disable key id can refuse when it is true: the client would lock
// itself out.
func IsOwnCredential(ctx context.Context, km KeyManager, id string) (bool, error) {
	cr, ok := km.(CredentialRotator)
	if !ok || id == "" {
		return false, nil
	}
	own, err := cr.CredentialKeyID(ctx)
	if err != nil {
		return false, fmt.Errorf("%s: which key does the client authenticate with: %w", km.Vendor(), err)
	}
	return own != "" && own == id, nil
}

// ownCredential returns km as a CredentialRotator when key id is its own
// credential, else nil.
func ownCredential(ctx context.Context, km KeyManager, id string) (CredentialRotator, error) {
	own, err := IsOwnCredential(ctx, km, id)
	if err != nil || !own {
		return nil, err
	}
	return km.(CredentialRotator), nil
}
