package huaweibcs

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// Vendor returns "huaweibcs".
func (c *Client) Vendor() string { return Vendor }

// Capabilities reports what NES can do: many keys per project, delete; no
// in-place rotation, no enable/disable, no expiry. It sends nothing.
func (c *Client) Capabilities(context.Context) (cloudkeys.Capabilities, error) {
	return cloudkeys.Capabilities{MultipleKeys: true, Delete: true}, nil
}

// checkOwner accepts "" or the client's project id: NES keys belong to the
// project (and the user) the client authenticates as.
func (c *Client) checkOwner(owner string) error {
	if owner != "" && owner != c.projectID {
		return cloudkeys.InvalidInput(Vendor, "Owner", "must be empty or the client's project id: keys belong to the caller's project")
	}
	return nil
}

// CreateKey creates a credential with CreateCredential. The Key's Secret is
// the one-time API key from the returned file; ID is the credential id;
// Owner is the project id. NES keys have no name: Name is ignored, as every
// vendor ignores a field it does not keep (see cloudkeys.CreateKeyRequest).
// They cannot expire: a non-zero ExpiresAt gives an error matching
// cloudkeys.ErrUnsupported before any request. If the key was created but
// the file could not be read, the partial Key (its ID and Secret where
// found) is returned together with a *CreateFileError, which carries the
// raw file (errors.As): the secret is never lost. That error, and the one
// for an answer that is no key file at all (a nil Key and a
// *cloudkeys.UndecodableAnswerError keeping the raw answer), match
// cloudkeys.ErrOutcomeUnknown (see CreateCredential).
//
// The Key of a create that succeeded is the one GetKey returns, with the
// secret: the file holds the id and the secret only, so CreateKey reads
// the new credential back as GetKey does — one extra request,
// GET …/credentials?offset=0&limit=1000, and the following pages only
// where the project has more credentials than the first page holds (NES
// has no get-one call) — for its create_time (CreatedAt), its description
// as stored, and update_time (LastUsedAt). If that read fails, or does not
// list the new credential yet, the key is returned all the same, with its
// secret and no error, filled from the request (CreatedAt zero). A create
// whose file could not be read is not read back.
func (c *Client) CreateKey(ctx context.Context, req cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
	if err := c.checkCreate(ctx, req); err != nil {
		return nil, err
	}
	cc, err := c.CreateCredential(ctx, CreateCredentialRequest{Description: req.Description})
	if cc == nil {
		return nil, err
	}
	k := &cloudkeys.Key{
		Vendor:      Vendor,
		ID:          cc.ID,
		Secret:      cc.APIKey,
		Owner:       c.projectID,
		Description: req.Description,
		Enabled:     true,
	}
	if err != nil {
		return k, err
	}
	return c.readBack(ctx, k), nil
}

// readBack returns the Key of k, a credential just created, as GetKey
// shows it (the list), with k's Secret: the create's file has no times.
// When the read fails, or the list does not show k yet, it returns k as it
// is: the key exists and its secret is in hand, which a field the read
// would add is not worth losing.
func (c *Client) readBack(ctx context.Context, k *cloudkeys.Key) *cloudkeys.Key {
	got, err := c.GetKey(ctx, k.ID)
	if err != nil {
		return k
	}
	got.Secret = k.Secret
	return got
}

// HasAccessPolicy reports whether the credential is restricted: scoped to
// nodes (NodeIDs), or under an access policy (ControlType, Allowlists).
// Any of them counts, so that a policy this package cannot read fully is
// never taken for no policy. EpsInfo (the enterprise project) is not an
// access policy: it groups resources for management and does not limit
// what the key can reach.
func (cr *Credential) HasAccessPolicy() bool {
	return len(cr.NodeIDs) > 0 || cr.ControlType != "" || len(cr.Allowlists) > 0
}

// ReplaceKey implements cloudkeys.KeyReplacer: cloudkeys.Rotate creates the
// replacement of old through it, so a rotated key is never more powerful
// than the one it replaces. It re-reads old from the list (its access
// policy is not in cloudkeys.Key) and:
//
//   - if old carries no access policy ([Credential.HasAccessPolicy]), creates
//     the replacement with CreateKey(req);
//   - if it does (node_ids, control_type or allowlists), returns an error
//     matching cloudkeys.ErrUnsupported before creating anything: the create
//     API is documented with a description only, so the replacement would be
//     unrestricted. Rotate such a key by hand (create it in the console with
//     the same policy, then delete the old one).
//
// An old key no longer in the list matches cloudkeys.ErrNotFound. req is
// checked as by CreateKey, before any request.
//
// When the new key's file could not be read and gave no id, ReplaceKey
// finds the id in the list (the only new credential with req's
// description) and sets it in the returned Key and *CreateFileError, so
// that Rotate can delete the half-created key.
func (c *Client) ReplaceKey(ctx context.Context, old *cloudkeys.Key, req cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
	if old == nil {
		return nil, cloudkeys.InvalidInput(Vendor, "old", "nil key")
	}
	if err := validateCredentialID("old.ID", old.ID); err != nil {
		return nil, err
	}
	if err := c.checkCreate(ctx, req); err != nil {
		return nil, err
	}
	var cur *Credential
	known, complete := map[string]bool{}, true
	for cr, err := range c.ListCredentials(ctx, ListCredentialsOptions{}) {
		if err != nil {
			if cur == nil || !errors.Is(err, ErrOffsetLimit) {
				return nil, fmt.Errorf("%s: ReplaceKey: re-read %s: %w", Vendor, old.ID, err)
			}
			complete = false
			break
		}
		known[cr.ID] = true
		if cr.ID == old.ID {
			cp := *cr
			cur = &cp
		}
	}
	if cur == nil {
		return nil, c.t.APIError("ReplaceKey", 0, CodeNotFound, "no credential "+old.ID+" in the list", cloudkeys.ErrNotFound)
	}
	if cur.HasAccessPolicy() {
		return nil, cloudkeys.Unsupported(Vendor, "ReplaceKey", "credential "+old.ID+" has an access policy (node_ids, control_type or allowlists) "+
			"that "+OpCreate+" cannot set, so its replacement would be unrestricted; nothing was created")
	}
	k, err := c.CreateKey(ctx, req)
	var cfe *CreateFileError
	if k != nil && k.ID == "" && complete && errors.As(err, &cfe) && cfe.ID == "" {
		if id := c.newCredentialID(ctx, known, req.Description); id != "" {
			k.ID, cfe.ID = id, id
		}
	}
	return k, err
}

// newCredentialID finds the id of a key just created whose file gave none:
// the only credential with description that is not in known (the complete
// list taken before the create). It returns "" when the list fails or finds
// none or several (another create at the same time): then no id is guessed,
// so cleaning up can never delete someone else's key.
func (c *Client) newCredentialID(ctx context.Context, known map[string]bool, description string) string {
	found := ""
	for cr, err := range c.ListCredentials(ctx, ListCredentialsOptions{}) {
		if err != nil {
			return ""
		}
		if known[cr.ID] || cr.Description != description {
			continue
		}
		if found != "" {
			return ""
		}
		found = cr.ID
	}
	return found
}

// checkCreate checks a CreateKeyRequest before any request.
func (c *Client) checkCreate(ctx context.Context, req cloudkeys.CreateKeyRequest) error {
	if err := c.checkOwner(req.Owner); err != nil {
		return err
	}
	caps, _ := c.Capabilities(ctx)
	if err := transport.CheckExpiry(Vendor, caps, req.ExpiresAt); err != nil {
		return err
	}
	return validateDescription("Description", req.Description)
}

// GetKey pages through the list (ListCredentials) for the credential with id:
// NES has no get-one call. An unknown id matches cloudkeys.ErrNotFound.
func (c *Client) GetKey(ctx context.Context, id string) (*cloudkeys.Key, error) {
	if err := validateCredentialID("id", id); err != nil {
		return nil, err
	}
	var found *cloudkeys.Key
	err := c.walk(ctx, ListCredentialsOptions{}, true, func(page *CredentialsPage) bool {
		for i := range page.keys {
			if page.keys[i].ID == id {
				found = ownKey(page.keys[i])
				return false
			}
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, c.t.APIError("GetKey", 0, CodeNotFound, "no credential "+id+" in the list", cloudkeys.ErrNotFound)
	}
	return found, nil
}

// ListKeys iterates over every credential of the project (ListCredentials).
// opts.Owner must be "" or the project id. The keys of one page share one
// allocation (and one copy of the answer's text): keeping any of them
// keeps the page's.
func (c *Client) ListKeys(ctx context.Context, opts cloudkeys.ListKeysOptions) iter.Seq2[*cloudkeys.Key, error] {
	return func(yield func(*cloudkeys.Key, error) bool) {
		if err := c.checkOwner(opts.Owner); err != nil {
			yield(nil, err)
			return
		}
		err := c.walk(ctx, ListCredentialsOptions{}, true, func(page *CredentialsPage) bool {
			for i := range page.keys {
				if !yield(&page.keys[i], nil) {
					return false
				}
			}
			return true
		})
		if err != nil {
			yield(nil, err)
		}
	}
}

// DeleteKey deletes a credential with DeleteCredential. An NES credential
// is never the client's own (IAM) credential, so this cannot lock the
// client out (see the package doc).
func (c *Client) DeleteKey(ctx context.Context, id string) error {
	return c.DeleteCredential(ctx, id)
}

// RotateKey is not supported: NES has no in-place rotation. Use
// cloudkeys.Rotate, which creates a replacement and deletes the old key.
func (c *Client) RotateKey(context.Context, string) (*cloudkeys.Key, error) {
	return nil, cloudkeys.Unsupported(Vendor, "RotateKey", "NES has no in-place rotation; use cloudkeys.Rotate, which creates a replacement and deletes the old key")
}

// SetKeyEnabled is not supported: NES keys cannot be disabled.
func (c *Client) SetKeyEnabled(context.Context, string, bool) error {
	return cloudkeys.Unsupported(Vendor, "SetKeyEnabled", "NES keys cannot be disabled; delete the key instead")
}

// ownKey is a copy of k with strings of its own: the strings of a page's
// keys share one copy of the answer (readKeysPage), which a key kept
// alone should not keep alive.
func ownKey(k cloudkeys.Key) *cloudkeys.Key {
	k.ID, k.Description = strings.Clone(k.ID), strings.Clone(k.Description)
	return &k
}

// key is the cloudkeys.Key of a credential.
func (c *Client) key(cr *Credential) cloudkeys.Key {
	return cloudkeys.Key{
		Vendor:      Vendor,
		ID:          cr.ID,
		Owner:       c.projectID,
		Description: cr.Description,
		Enabled:     true,
		CreatedAt:   cr.CreatedAt,
		LastUsedAt:  cr.LastUsedAt,
	}
}
