package zstack

import (
	"context"
	"iter"
	"net/http"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// Capabilities reports, without asking the server: an account holds several keys (non-admin accounts at most
// 2), keys can be deleted and enabled/disabled, there is no in-place
// rotation and no expiry. It asks the server nothing.
func (c *Client) Capabilities(context.Context) (cloudkeys.Capabilities, error) {
	return cloudkeys.Capabilities{MultipleKeys: true, Delete: true, Enable: true}, nil
}

func (c *Client) toKey(inv *AccessKeyInventory) *cloudkeys.Key {
	return &cloudkeys.Key{
		Vendor: Vendor, ID: inv.UUID, AccessKey: inv.AccessKeyID, Secret: inv.AccessKeySecret,
		Owner: inv.AccountUUID, Description: inv.Description, Enabled: inv.State == AccessKeyEnabled,
		CreatedAt: inv.CreateDate,
	}
}

// CreateKey creates an AccessKey (CreateAccessKey) for req.Owner, an
// account uuid; "" means the logged-in account (session credentials only).
// The returned Key carries the secret, captured from the create result,
// and is as complete as GetKey's: the result is the new key's inventory
// (uuid, AccessKeyID, accountUuid, description, state, createDate), so no
// request is made for completeness (with Owner "" the login, if the
// client has no session yet, names the account).
// req.Name is ignored (ZStack keys have no name); a non-zero ExpiresAt is
// an error matching [cloudkeys.ErrUnsupported]. The create is exactly-once
// across retries (X-Job-UUID). A create result that cannot be read matches
// [cloudkeys.ErrOutcomeUnknown] and keeps the raw result (see
// [Client.CreateAccessKey]).
func (c *Client) CreateKey(ctx context.Context, req cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
	caps, _ := c.Capabilities(ctx)
	if err := transport.CheckExpiry(Vendor, caps, req.ExpiresAt); err != nil {
		return nil, err
	}
	owner := req.Owner
	if owner == "" && c.sessions != nil {
		s, err := c.sessions.Get(ctx)
		if err != nil {
			return nil, err
		}
		owner = s.AccountUUID
	}
	if owner == "" {
		return nil, cloudkeys.InvalidInput(Vendor, "Owner", "the owning account uuid is required")
	}
	inv, err := c.CreateAccessKey(ctx, CreateAccessKeyRequest{AccountUUID: owner, Description: req.Description})
	if err != nil {
		return nil, err
	}
	return c.toKey(inv), nil
}

// GetKey reads one AccessKey by uuid (GetAccessKey); the secret is not
// included. It reads the answer as GetAccessKey does, keeping only what the
// Key takes (queryKeys).
func (c *Client) GetKey(ctx context.Context, id string) (*cloudkeys.Key, error) {
	seg, err := uuidSegment("id", id)
	if err != nil {
		return nil, err
	}
	page, err := c.queryKeys(ctx, "/accesskeys/"+seg, &queryParams{}, 1)
	if err != nil {
		return nil, err
	}
	if len(page.keys) == 0 {
		return nil, c.tc.APIError("QueryAccessKey", http.StatusOK, "", "access key "+id+" not found", cloudkeys.ErrNotFound)
	}
	return &page.keys[0], nil
}

// ListKeys iterates over the AccessKeys the caller may see (QueryAccessKey,
// paged), or those of account opts.Owner. It pages as QueryAccessKeys does,
// keeping only what each Key takes (queryKeys).
func (c *Client) ListKeys(ctx context.Context, opts cloudkeys.ListKeysOptions) iter.Seq2[*cloudkeys.Key, error] {
	q := Query{Limit: defaultPageSize, ReplyWithCount: true}
	if opts.Owner != "" {
		q.Conditions = []Condition{Eq("accountUuid", opts.Owner)}
	}
	return func(yield func(*cloudkeys.Key, error) bool) {
		for next := &q; next != nil; {
			p, err := next.params()
			if err != nil {
				yield(nil, err)
				return
			}
			page, err := c.queryKeys(ctx, "/accesskeys", &p, next.Limit)
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range page.keys {
				if !yield(&page.keys[i], nil) {
					return
				}
			}
			next = next.after(len(page.keys), page.total, page.hasTotal)
		}
	}
}

// DeleteKey deletes an AccessKey (DeleteAccessKey, Permissive). Deleting
// an unknown uuid succeeds, as on the server. Deleting the AccessKey the
// client signs with is allowed and locks the client out: later calls fail
// with [cloudkeys.ErrUnauthorized] ([cloudkeys.IsOwnCredential] tells;
// [cloudkeys.Rotate] replaces it safely).
func (c *Client) DeleteKey(ctx context.Context, id string) error {
	if _, err := uuidSegment("id", id); err != nil {
		return err
	}
	return c.DeleteAccessKey(ctx, id, DeletePermissive)
}

// RotateKey is not supported: ZStack has no in-place rotation. Use
// [cloudkeys.Rotate], which creates a new key and deletes the old one.
func (c *Client) RotateKey(context.Context, string) (*cloudkeys.Key, error) {
	return nil, cloudkeys.Unsupported(Vendor, "RotateKey", "ZStack has no in-place rotation; use cloudkeys.Rotate, which creates a new key and deletes the old one")
}

// SetKeyEnabled enables or disables an AccessKey (ChangeAccessKeyState).
// Disabling the AccessKey the client signs with locks the client out.
func (c *Client) SetKeyEnabled(ctx context.Context, id string, enabled bool) error {
	if _, err := uuidSegment("id", id); err != nil {
		return err
	}
	ev := StateEventDisable
	if enabled {
		ev = StateEventEnable
	}
	_, err := c.ChangeAccessKeyState(ctx, id, ev)
	return err
}
