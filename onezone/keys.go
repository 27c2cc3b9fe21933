package onezone

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cloudkeys/cloudkeys"
)

// listConcurrency bounds the parallel GET /tokens/named/{id} of ListKeys.
const listConcurrency = 8

// descriptionKey is the customMetadata key that holds a key's Description.
const descriptionKey = "description"

// Capabilities: an owner holds many named tokens; they can be deleted,
// revoked and unrevoked (SetKeyEnabled), and expire through a time caveat.
// There is no in-place rotation (use [cloudkeys.Rotate]). No server call.
func (c *Client) Capabilities(context.Context) (cloudkeys.Capabilities, error) {
	return cloudkeys.Capabilities{MultipleKeys: true, Delete: true, Rotate: false, Enable: true, Expiry: true}, nil
}

func ownerSubject(owner string) Subject {
	if owner == "" {
		return CurrentUser()
	}
	return User(owner)
}

// CreateKey creates a named access token: POST /user/tokens/named, or
// /users/{Owner}/tokens/named. Name is required and must be unique for the
// owner (a clash matches [cloudkeys.ErrConflict]; [cloudkeys.Rotate] then
// derives a new name). Description goes to customMetadata.description;
// ExpiresAt becomes a time caveat. The returned Key carries the token as
// its Secret; Owner is the given Owner ("" for the caller).
func (c *Client) CreateKey(ctx context.Context, req cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
	if strings.TrimSpace(req.Name) == "" {
		return nil, cloudkeys.InvalidInput(vendor, "Name", "Onezone tokens need a name")
	}
	r := NamedTokenCreateRequest{Name: req.Name, Type: AccessType()}
	if req.Description != "" {
		r.CustomMetadata = map[string]any{descriptionKey: req.Description}
	}
	if !req.ExpiresAt.IsZero() {
		r.Caveats = Caveats{Until(req.ExpiresAt)}
	}
	created, err := c.CreateNamedToken(ctx, ownerSubject(req.Owner), r)
	if err != nil {
		return nil, err
	}
	k := &cloudkeys.Key{
		Vendor: vendor, ID: created.TokenID, Secret: created.Token, Owner: req.Owner,
		Name: req.Name, Description: req.Description, Enabled: true,
	}
	if !req.ExpiresAt.IsZero() {
		k.ExpiresAt = time.Unix(req.ExpiresAt.Unix(), 0).UTC()
	}
	return k, nil
}

// KeyOf converts a named token into a [cloudkeys.Key]: ID = token id,
// Owner = subject id, Enabled = !revoked, CreatedAt = creationTime,
// ExpiresAt = the earliest time caveat, Description =
// metadata.custom.description, Secret = the bearer token.
func KeyOf(t *NamedToken) *cloudkeys.Key {
	k := &cloudkeys.Key{
		Vendor: vendor, ID: t.ID, Secret: t.Token, Owner: t.Subject.ID, Name: t.Name, Enabled: !t.Revoked,
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

// GetKey reads a named token: GET /tokens/named/{id}.
func (c *Client) GetKey(ctx context.Context, id string) (*cloudkeys.Key, error) {
	t, err := c.GetNamedToken(ctx, id)
	if err != nil {
		return nil, err
	}
	return KeyOf(t), nil
}

// ListKeys lists the named tokens of opts.Owner (the caller when ""):
// GET /user/tokens/named (or /users/{id}/…), then GET /tokens/named/{id}
// for each id, at most 8 at a time. Keys come sorted by id; a token
// deleted between the two calls is skipped.
func (c *Client) ListKeys(ctx context.Context, opts cloudkeys.ListKeysOptions) iter.Seq2[*cloudkeys.Key, error] {
	return func(yield func(*cloudkeys.Key, error) bool) {
		ids, err := c.ListNamedTokens(ctx, ownerSubject(opts.Owner))
		if err != nil {
			yield(nil, err)
			return
		}
		ids = slices.Clone(ids)
		slices.Sort(ids)
		ids = slices.Compact(ids)
		for start := 0; start < len(ids); start += listConcurrency {
			batch := ids[start:min(start+listConcurrency, len(ids))]
			keys := make([]*cloudkeys.Key, len(batch))
			errs := make([]error, len(batch))
			var wg sync.WaitGroup
			for i, id := range batch {
				wg.Go(func() {
					keys[i], errs[i] = c.GetKey(ctx, id)
				})
			}
			wg.Wait()
			for i := range batch {
				if errs[i] != nil {
					if errors.Is(errs[i], cloudkeys.ErrNotFound) {
						continue
					}
					yield(nil, errs[i])
					return
				}
				if !yield(keys[i], nil) {
					return
				}
			}
		}
	}
}

// DeleteKey deletes a named token: DELETE /tokens/named/{id}. A 404 after
// a retry counts as deleted.
func (c *Client) DeleteKey(ctx context.Context, id string) error {
	return c.DeleteNamedToken(ctx, id)
}

// RotateKey is not supported: Onezone cannot give a token a new secret in
// place. Use [cloudkeys.Rotate], which creates a replacement and deletes
// the old token.
func (c *Client) RotateKey(context.Context, string) (*cloudkeys.Key, error) {
	return nil, fmt.Errorf("onezone: tokens cannot be rotated in place (use cloudkeys.Rotate): %w", cloudkeys.ErrUnsupported)
}

// SetKeyEnabled revokes (false) or unrevokes (true) a named token:
// PATCH /tokens/named/{id} {"revoked": !enabled}.
func (c *Client) SetKeyEnabled(ctx context.Context, id string, enabled bool) error {
	revoked := !enabled
	return c.ModifyNamedToken(ctx, id, NamedTokenUpdate{Revoked: &revoked})
}
