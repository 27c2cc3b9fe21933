package huaweibcs

import (
	"context"
	"fmt"
	"iter"

	"github.com/cloudkeys/cloudkeys"
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
// cloudkeys.ErrUnsupported before any request. If the
// file could not be read, the partial Key (its Secret when found) is
// returned together with the error.
func (c *Client) CreateKey(ctx context.Context, req cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
	if err := c.checkOwner(req.Owner); err != nil {
		return nil, err
	}
	if !req.ExpiresAt.IsZero() {
		return nil, fmt.Errorf("%s: CreateKey: keys cannot expire: %w", Vendor, cloudkeys.ErrUnsupported)
	}
	cc, err := c.CreateCredential(ctx, CreateCredentialRequest{Description: req.Description})
	if cc == nil {
		return nil, err
	}
	return &cloudkeys.Key{
		Vendor:      Vendor,
		ID:          cc.ID,
		Secret:      cc.APIKey,
		Owner:       c.projectID,
		Description: req.Description,
		Enabled:     true,
	}, err
}

// GetKey pages through the list (AllCredentials) for the credential with id:
// NES has no get-one call. An unknown id matches cloudkeys.ErrNotFound.
func (c *Client) GetKey(ctx context.Context, id string) (*cloudkeys.Key, error) {
	if err := validateCredentialID("id", id); err != nil {
		return nil, err
	}
	for cr, err := range c.AllCredentials(ctx) {
		if err != nil {
			return nil, err
		}
		if cr.ID == id {
			return c.toKey(cr), nil
		}
	}
	return nil, &cloudkeys.APIError{Vendor: Vendor, Operation: "GetKey", Code: CodeNotFound,
		Message: "no credential " + id + " in the list", Kind: cloudkeys.ErrNotFound}
}

// ListKeys iterates over every credential of the project (AllCredentials).
// opts.Owner must be "" or the project id.
func (c *Client) ListKeys(ctx context.Context, opts cloudkeys.ListKeysOptions) iter.Seq2[*cloudkeys.Key, error] {
	return func(yield func(*cloudkeys.Key, error) bool) {
		if err := c.checkOwner(opts.Owner); err != nil {
			yield(nil, err)
			return
		}
		for cr, err := range c.AllCredentials(ctx) {
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(c.toKey(cr), nil) {
				return
			}
		}
	}
}

// DeleteKey deletes a credential with DeleteCredential.
func (c *Client) DeleteKey(ctx context.Context, id string) error {
	return c.DeleteCredential(ctx, id)
}

// RotateKey is not supported: NES has no in-place rotation. Use
// cloudkeys.Rotate, which creates a replacement and deletes the old key.
func (c *Client) RotateKey(context.Context, string) (*cloudkeys.Key, error) {
	return nil, fmt.Errorf("%s: RotateKey: no in-place rotation (use cloudkeys.Rotate): %w", Vendor, cloudkeys.ErrUnsupported)
}

// SetKeyEnabled is not supported: NES keys cannot be disabled.
func (c *Client) SetKeyEnabled(context.Context, string, bool) error {
	return fmt.Errorf("%s: SetKeyEnabled: keys cannot be disabled: %w", Vendor, cloudkeys.ErrUnsupported)
}

func (c *Client) toKey(cr *Credential) *cloudkeys.Key {
	return &cloudkeys.Key{
		Vendor:      Vendor,
		ID:          cr.ID,
		Owner:       c.projectID,
		Description: cr.Description,
		Enabled:     true,
		CreatedAt:   cr.CreatedAt,
		LastUsedAt:  cr.LastUsedAt,
	}
}
