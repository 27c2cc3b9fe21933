package onezone

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// descriptionKey is the customMetadata key that holds a key's Description.
const descriptionKey = "description"

// Capabilities: an owner holds many named tokens; they can be deleted,
// revoked and unrevoked (SetKeyEnabled), and expire through a time caveat.
// There is no in-place rotation (use [cloudkeys.Rotate]). No server call.
func (c *Client) Capabilities(context.Context) (cloudkeys.Capabilities, error) {
	return cloudkeys.Capabilities{MultipleKeys: true, Delete: true, Rotate: false, Enable: true, Expiry: true}, nil
}

// ownerSubject is the subject of a KeyManager Owner: the caller for "",
// else User(owner). An owner that cannot be one path segment ("." or "..")
// is refused as "Owner".
func ownerSubject(owner string) (Subject, error) {
	if owner == "" {
		return CurrentUser(), nil
	}
	if _, err := segment("Owner", owner); err != nil {
		return Subject{}, err
	}
	return User(owner), nil
}

// CreateKey creates a named access token: POST /user/tokens/named, or
// /users/{Owner}/tokens/named. Name is required and must be unique for the
// owner (a clash matches [cloudkeys.ErrConflict]; [cloudkeys.Rotate] then
// derives a new name). Description goes to customMetadata.description;
// ExpiresAt becomes a time caveat. A lost or unreadable answer matches
// [cloudkeys.ErrOutcomeUnknown] (see [Client.CreateNamedToken]).
//
// The returned Key carries the token as its Secret and is the Key GetKey
// returns for it: the create answers with the token and its id only, so
// CreateKey makes one extra request, GET /tokens/named/{id}, for the
// server's creationTime (CreatedAt) and the token's subject (Owner, also
// when Owner was "" for the caller). If that read fails, the created key is
// returned all the same, with its secret and no error, filled from the
// request: then CreatedAt is zero and Owner is the given Owner ("" for the
// caller).
func (c *Client) CreateKey(ctx context.Context, req cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
	caps, _ := c.Capabilities(ctx)
	if err := transport.CheckExpiry(Vendor, caps, req.ExpiresAt); err != nil {
		return nil, err
	}
	if err := checkName("Name", req.Name); err != nil {
		return nil, err
	}
	r := NamedTokenCreateRequest{Name: req.Name, Type: AccessType()}
	if req.Description != "" {
		r.CustomMetadata = map[string]any{descriptionKey: req.Description}
	}
	if !req.ExpiresAt.IsZero() {
		r.Caveats = Caveats{Until(req.ExpiresAt)}
	}
	subj, err := ownerSubject(req.Owner)
	if err != nil {
		return nil, err
	}
	created, err := c.CreateNamedToken(ctx, subj, r)
	if err != nil {
		return nil, err
	}
	k := &cloudkeys.Key{
		Vendor: Vendor, ID: created.TokenID, Secret: created.Token, Owner: req.Owner,
		Name: req.Name, Description: req.Description, Enabled: true,
	}
	if !req.ExpiresAt.IsZero() {
		k.ExpiresAt = time.Unix(req.ExpiresAt.Unix(), 0).UTC()
	}
	return c.readBack(ctx, k), nil
}

// readBack returns the Key of k, a named token just created, as GetKey
// shows it (one GET /tokens/named/{id}), with k's Secret: the create's
// answer has no creationTime and no subject. When the read fails (or
// answers for another token) it returns k as it is: the token exists and
// its secret is in hand, which a field the read would add is not worth
// losing.
func (c *Client) readBack(ctx context.Context, k *cloudkeys.Key) *cloudkeys.Key {
	t, err := c.GetNamedToken(ctx, k.ID)
	if err != nil || t == nil || (t.ID != "" && t.ID != k.ID) {
		return k
	}
	got := keyOf(t)
	got.ID, got.Secret = k.ID, k.Secret
	return got
}

// ReplaceKey implements [cloudkeys.KeyReplacer]: [cloudkeys.Rotate] creates
// the replacement of old through it, so that a rotated token is never more
// powerful than the one it replaces.
//
// It re-reads the old named token (GET /tokens/named/{old.ID}) and creates
// a named token for the same subject (POST /users/{id}/tokens/named, or
// /providers/{id}/…) with the same token type, the same caveats, the same
// custom metadata (so the same Description) and the same revoked state.
// Only two things differ: the name is req.Name, and when req.ExpiresAt is
// set every time caveat's validUntil becomes req.ExpiresAt (one is added
// when the old token has none); when it is zero the time caveats are kept
// as they are. req.Description is not used, and a non-empty req.Owner must
// be the old token's subject id.
//
// A token it cannot reproduce faithfully is refused with an error matching
// [cloudkeys.ErrUnsupported], before anything is created:
//
//   - invite tokens: a new invite starts with usageCount 0 (a used or
//     single-use invite, such as the one provider registration creates,
//     would get its uses back), and the server, not the client, settles its
//     privileges and target checks at creation;
//   - access tokens bound to a GUI session (type.accessToken.sessionId),
//     which the server sets and a client cannot;
//   - token types this package does not know (kept in [TokenType].Raw);
//   - subjects other than a user or provider with an id;
//   - when req.ExpiresAt is set, a time caveat this package could not read
//     (a [RawCaveat] of type "time"), whose expiry it cannot move;
//   - the named token the client itself authenticates with a confined copy
//     of (its token, examined, carries more caveats than the named token):
//     cloudkeys.Rotate would switch the client to the unconfined
//     replacement (see [Client.CredentialKeyID]).
//
// Identity tokens are replaced like access tokens.
//
// The returned Key is the new token's as GetKey shows it, read as by
// CreateKey (one GET /tokens/named/{id} after the create; if it fails,
// CreatedAt is zero and there is no error).
func (c *Client) ReplaceKey(ctx context.Context, old *cloudkeys.Key, req cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
	if old == nil || old.ID == "" {
		return nil, cloudkeys.InvalidInput(Vendor, "old", "the key to replace needs an ID")
	}
	if err := checkName("Name", req.Name); err != nil {
		return nil, err
	}
	nt, err := c.GetNamedToken(ctx, old.ID)
	if err != nil {
		return nil, fmt.Errorf("onezone: replace token %s: read it: %w", old.ID, err)
	}
	subj, err := replacementSubject(nt)
	if err != nil {
		return nil, err
	}
	if req.Owner != "" && req.Owner != nt.Subject.ID {
		return nil, cloudkeys.InvalidInput(Vendor, "Owner", "must be the subject of the token being replaced")
	}
	typ, err := replacementType(nt)
	if err != nil {
		return nil, err
	}
	cavs, err := replacementCaveats(nt, req.ExpiresAt)
	if err != nil {
		return nil, err
	}
	if err := c.checkOwnReplacement(ctx, nt); err != nil {
		return nil, err
	}
	r := NamedTokenCreateRequest{Name: req.Name, Type: typ, Caveats: cavs, Revoked: nt.Revoked}
	if len(nt.Metadata.Custom) > 0 {
		r.CustomMetadata = maps.Clone(nt.Metadata.Custom)
	}
	created, err := c.CreateNamedToken(ctx, subj, r)
	if err != nil {
		return nil, err
	}
	k := &cloudkeys.Key{
		Vendor: Vendor, ID: created.TokenID, Secret: created.Token, Owner: nt.Subject.ID,
		Name: req.Name, Enabled: !nt.Revoked,
	}
	if d, ok := nt.Metadata.Custom[descriptionKey].(string); ok {
		k.Description = d
	}
	if until, ok := cavs.ValidUntil(); ok {
		k.ExpiresAt = until
	}
	return c.readBack(ctx, k), nil
}

func unsupportedReplacement(nt *NamedToken, why string) error {
	return cloudkeys.Unsupported(Vendor, "ReplaceKey", "token "+nt.ID+" cannot be replaced faithfully: "+why)
}

// replacementSubject selects the old token's own subject.
func replacementSubject(nt *NamedToken) (Subject, error) {
	if nt.Subject.ID != "" {
		switch nt.Subject.Type {
		case SubjectUser:
			return User(nt.Subject.ID), nil
		case SubjectProvider:
			return Provider(nt.Subject.ID), nil
		}
	}
	return Subject{}, unsupportedReplacement(nt, fmt.Sprintf("subject %q %q", nt.Subject.Type, nt.Subject.ID))
}

// replacementType returns the old token's type if a new named token can
// have exactly that type.
func replacementType(nt *NamedToken) (*TokenType, error) {
	t := nt.Type
	switch {
	case t.Access != nil && t.Identity == nil && t.Invite == nil && len(t.Raw) == 0:
		if t.Access.SessionID != "" {
			return nil, unsupportedReplacement(nt, "an access token bound to a GUI session")
		}
		return AccessType(), nil
	case t.Identity != nil && t.Access == nil && t.Invite == nil && len(t.Raw) == 0:
		return IdentityType(), nil
	case t.Invite != nil:
		return nil, unsupportedReplacement(nt, "an invite token: its usage count and privileges cannot be carried over")
	case t.IsZero():
		return nil, unsupportedReplacement(nt, "no token type")
	}
	return nil, unsupportedReplacement(nt, fmt.Sprintf("token type %q", t.Kind()))
}

// replacementCaveats returns the old token's caveats, in order, with every
// time caveat moved to expiresAt when it is set (and one added where there
// is none).
func replacementCaveats(nt *NamedToken, expiresAt time.Time) (Caveats, error) {
	out := make(Caveats, 0, len(nt.Caveats)+1)
	moved := false
	for _, cv := range nt.Caveats {
		if isNilCaveat(cv) {
			return nil, unsupportedReplacement(nt, "a nil caveat")
		}
		if expiresAt.IsZero() {
			out = append(out, cv)
			continue
		}
		switch v := cv.(type) {
		case TimeCaveat, *TimeCaveat:
			out = append(out, Until(expiresAt))
			moved = true
		case RawCaveat:
			if v.Type == "time" {
				return nil, unsupportedReplacement(nt, "a time caveat this package cannot read")
			}
			out = append(out, cv)
		case *RawCaveat:
			if v.Type == "time" {
				return nil, unsupportedReplacement(nt, "a time caveat this package cannot read")
			}
			out = append(out, cv)
		default:
			out = append(out, cv)
		}
	}
	if !expiresAt.IsZero() && !moved {
		out = append(out, Until(expiresAt))
	}
	return out, nil
}

// keyOf converts a named token into a [cloudkeys.Key] (see GetKey).
func keyOf(t *NamedToken) *cloudkeys.Key {
	k := &cloudkeys.Key{
		Vendor: Vendor, ID: t.ID, Secret: t.Token, Owner: t.Subject.ID, Name: t.Name, Enabled: !t.Revoked,
	}
	if d, ok := t.Metadata.Custom[descriptionKey].(string); ok {
		k.Description = d
	}
	if t.Metadata.CreationTime > 0 {
		k.CreatedAt = time.Unix(t.Metadata.CreationTime, 0).UTC()
	}
	if until, ok := t.Caveats.ValidUntil(); ok {
		k.ExpiresAt = until
	}
	return k
}

// GetKey reads a named token of any type: GET /tokens/named/{id}. The Key
// has ID = token id, Owner = subject id, Enabled = !revoked, CreatedAt =
// creationTime, ExpiresAt = the earliest time caveat, Description =
// metadata.custom.description, Secret = the bearer token.
//
// A Key has no field for the token type or the other caveats: an invite or
// identity token, or an access token restricted to an IP range or to
// read-only data access, looks like any other key. Read them with
// [Client.GetNamedToken].
func (c *Client) GetKey(ctx context.Context, id string) (*cloudkeys.Key, error) {
	return c.getKey(ctx, id)
}

// ListKeys lists the named tokens of opts.Owner (the caller when ""):
// GET /user/tokens/named (or /users/{id}/…), then GET /tokens/named/{id}
// for each id, at most 8 at a time. Keys come sorted by id; a token
// deleted between the two calls is skipped.
//
// It lists EVERY named token of the owner, not only the access tokens
// CreateKey makes: identity tokens and invite tokens too (the deprecated
// provider registration, for one, leaves a single-use registerOneprovider
// invite in the caller's list). Each is a credential, so none is hidden,
// but a Key carries neither the token type nor the caveats (see GetKey):
// do not take a listed key for an unrestricted access token. Use
// [Client.GetNamedToken] for the type and caveats. [cloudkeys.Rotate]
// keeps both, and refuses the tokens it cannot reproduce (see
// [Client.ReplaceKey]).
func (c *Client) ListKeys(ctx context.Context, opts cloudkeys.ListKeysOptions) iter.Seq2[*cloudkeys.Key, error] {
	return func(yield func(*cloudkeys.Key, error) bool) {
		subj, err := ownerSubject(opts.Owner)
		if err != nil {
			yield(nil, err)
			return
		}
		// ListNamedTokens, each token read as a Key (getKey).
		list := func() (*NamedTokensPage, error) { return c.ListNamedTokensPage(ctx, subj) }
		for k, err := range namedItems(ctx, list, c.getKey) {
			if !yield(k, err) || err != nil {
				return
			}
		}
	}
}

// DeleteKey deletes a named token: DELETE /tokens/named/{id}. A 404 after
// a retry counts as deleted. Deleting the named token the client
// authenticates with (or a confined copy of) is allowed and locks the
// client out: later calls fail with [cloudkeys.ErrUnauthorized]
// ([cloudkeys.IsOwnCredential] tells; [cloudkeys.Rotate] replaces it
// safely).
func (c *Client) DeleteKey(ctx context.Context, id string) error {
	return c.DeleteNamedToken(ctx, id)
}

// RotateKey is not supported: Onezone cannot give a token a new secret in
// place. Use [cloudkeys.Rotate], which creates a replacement and deletes
// the old token.
func (c *Client) RotateKey(context.Context, string) (*cloudkeys.Key, error) {
	return nil, cloudkeys.Unsupported(Vendor, "RotateKey", "a token cannot get a new secret in place; use cloudkeys.Rotate, which creates a replacement and deletes the old token")
}

// SetKeyEnabled revokes (false) or unrevokes (true) a named token:
// PATCH /tokens/named/{id} {"revoked": !enabled}. Revoking the token the
// client authenticates with locks the client out, and it cannot unrevoke
// it itself.
func (c *Client) SetKeyEnabled(ctx context.Context, id string, enabled bool) error {
	revoked := !enabled
	return c.ModifyNamedToken(ctx, id, NamedTokenUpdateRequest{Revoked: &revoked})
}
