package e24

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// Capabilities reports what the KeyManager mapping supports on e24cloud: an
// account holds many API keys, which can be deleted (so [cloudkeys.Rotate]
// creates the new key, stores it and only then deletes the old one) and
// rotated in place (a new secret for the same key); keys cannot be disabled
// and do not expire. It makes no request.
func (c *Client) Capabilities(context.Context) (cloudkeys.Capabilities, error) {
	return cloudkeys.Capabilities{MultipleKeys: true, Delete: true, Rotate: true}, nil
}

// CreateKey creates an API key of the authenticated account with
// PUT /v2/account/api. The returned Key carries the secret and is as
// complete as GetKey's: ID and AccessKey (the api_key), Owner (the
// account's id, whether Owner was given or "") and Enabled. e24cloud keys
// have no name, description, expiry or creation time: Name and Description
// are accepted but not stored anywhere (the returned Key leaves them empty,
// as GetKey will), a non-zero ExpiresAt is refused with an error matching
// [cloudkeys.ErrUnsupported], and Owner must be "" or the account's id (a
// key of a sub-account needs that sub-account's credentials). A lost
// answer matches [cloudkeys.ErrOutcomeUnknown]; so does an answer that
// cannot be read, as a [*cloudkeys.UndecodableAnswerError] keeping the raw
// answer (see [Client.CreateAPIKey]).
//
// Extra request: the create answer names no account, so the account id is
// read with one GET /v2/account — once per Client: the id is kept from the
// first answer of GET /v2/account that shows it (CreateKey's, RotateKey's,
// GetKey's, ListKeys'), and later calls send nothing more. With an Owner
// the read comes before the PUT (a failure there creates nothing); with
// Owner "" it comes after, and if it fails the key is returned all the
// same, with its secret, no error and Owner "" (GetKey fills it in).
func (c *Client) CreateKey(ctx context.Context, req cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
	caps, _ := c.Capabilities(ctx)
	if err := transport.CheckExpiry(Vendor, caps, req.ExpiresAt); err != nil {
		return nil, err
	}
	if req.Owner != "" {
		id, err := c.accountID(ctx)
		if err != nil {
			return nil, err
		}
		if id != req.Owner {
			return nil, cloudkeys.InvalidInput(Vendor, "Owner", "must be empty or the authenticated account's id")
		}
	}
	pair, err := c.CreateAPIKey(ctx)
	if err != nil {
		return nil, err
	}
	return toKey(pair, c.ownerAfterWrite(ctx)), nil
}

// accountID returns the id of the authenticated account: the one an
// earlier answer showed, else read with GET /v2/account (see accountKeys).
func (c *Client) accountID(ctx context.Context) (string, error) {
	if id := c.account.Load(); id != nil {
		return *id, nil
	}
	acc, err := c.accountKeys(ctx)
	if err != nil {
		return "", err
	}
	return string(acc.ID), nil
}

// ownerAfterWrite returns the Owner of a key just created or given a new
// secret: the account id, or "" when it is unknown and cannot be read. The
// key exists and its secret is in hand, so a failed read is not an error:
// the secret must not be lost for a field GetKey can fill in later.
func (c *Client) ownerAfterWrite(ctx context.Context) string {
	id, err := c.accountID(ctx)
	if err != nil {
		return ""
	}
	return id
}

// GetKey reads GET /v2/account and returns the API key whose api_key is id,
// secret included, or an error matching [cloudkeys.ErrNotFound].
func (c *Client) GetKey(ctx context.Context, id string) (*cloudkeys.Key, error) {
	if id == "" {
		return nil, cloudkeys.InvalidInput(Vendor, "id", "must not be empty")
	}
	acc, err := c.accountKeys(ctx)
	if err != nil {
		return nil, err
	}
	for i := range acc.API {
		if acc.API[i].APIKey == id {
			return toKey(&acc.API[i], string(acc.ID)), nil
		}
	}
	return nil, c.tc.APIError("GetKey", 0, "", "API key not found", cloudkeys.ErrNotFound)
}

// accountKeysAnswer is the part of GET /v2/account that GetKey and ListKeys
// read: the account id and its API keys. Decoding the whole Account (SSH
// keys, groups, e24files, contacts, each through a lenient decoder) cost
// them 40% more allocations than the request itself (bench profile).
type accountKeysAnswer struct {
	Account *accountKeysPart `json:"account"`
}

type accountKeysPart struct {
	ID  flexString            `json:"id"`
	API oneOrMany[APIKeyPair] `json:"api"`
}

// accountKeysPlain is accountKeysAnswer for the answer the vendor documents
// (an "api" array of objects with string "api_key"): plain types, so the
// api array is decoded in the same pass as the rest. An answer of another
// shape (one object instead of an array, a numeric key) fails it with a
// type error and goes through the lenient accountKeysAnswer instead.
type accountKeysPlain struct {
	Account *struct {
		ID  flexString `json:"id"`
		API []struct {
			APIKey    string           `json:"api_key"`
			SecretKey cloudkeys.Secret `json:"secret_key"`
		} `json:"api"`
	} `json:"account"`
}

// accountKeys sends GET /v2/account, as [Client.GetAccount] does, and
// decodes the account id and API keys only.
//
// Its Check reads the answer in one pass (readAccountKeys) where it can;
// any other answer goes to checkAnswer and the decodes below, as before.
func (c *Client) accountKeys(ctx context.Context) (*accountKeysPart, error) {
	var fast *accountKeysPart
	k := transport.Call{Operation: "GetAccount", Class: transport.Read, Method: http.MethodGet, Path: "/account",
		Check: func(req *transport.Request, resp *transport.Response) error {
			fast = nil
			if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
				if fast = readAccountKeys(resp.Body); fast != nil {
					return nil
				}
			}
			return c.checkAnswer(req, resp)
		}}
	resp, err := c.tc.Call(ctx, k)
	if err != nil {
		return nil, err
	}
	if fast != nil {
		c.noteAccount(fast.ID)
		return fast, nil
	}
	k.Check = nil
	var plain accountKeysPlain
	if json.Unmarshal(resp.Body, &plain) == nil && plain.Account != nil {
		part := &accountKeysPart{ID: plain.Account.ID, API: make(oneOrMany[APIKeyPair], len(plain.Account.API))}
		for i, k := range plain.Account.API {
			part.API[i] = APIKeyPair{APIKey: k.APIKey, SecretKey: k.SecretKey}
		}
		c.noteAccount(part.ID)
		return part, nil
	}
	var out accountKeysAnswer
	k.Out, k.Need = &out, present("account", func() bool { return out.Account != nil })
	if err := c.tc.Decode(&k, resp); err != nil {
		return nil, err
	}
	c.noteAccount(out.Account.ID)
	return out.Account, nil
}

// noteAccount keeps the account id an answer showed, for the Owner of the
// keys CreateKey and RotateKey return.
func (c *Client) noteAccount(id flexString) {
	if id != "" {
		s := string(id)
		c.account.Store(&s)
	}
}

// ListKeys yields the API keys of the authenticated account, secrets
// included, from one GET /v2/account. opts.Owner must be "" or the account's
// id.
func (c *Client) ListKeys(ctx context.Context, opts cloudkeys.ListKeysOptions) iter.Seq2[*cloudkeys.Key, error] {
	return func(yield func(*cloudkeys.Key, error) bool) {
		acc, err := c.accountKeys(ctx)
		if err != nil {
			yield(nil, err)
			return
		}
		if opts.Owner != "" && opts.Owner != string(acc.ID) {
			yield(nil, cloudkeys.InvalidInput(Vendor, "Owner", "must be empty or the authenticated account's id"))
			return
		}
		for i := range acc.API {
			if !yield(toKey(&acc.API[i], string(acc.ID)), nil) {
				return
			}
		}
	}
}

// DeleteKey deletes the API key id with DELETE /v2/account/api; see
// [Client.DeleteAPIKey]. Deleting the key the client signs with locks the
// client out ([cloudkeys.IsOwnCredential] tells).
func (c *Client) DeleteKey(ctx context.Context, id string) error {
	return c.DeleteAPIKey(ctx, id)
}

// RotateKey gives the API key id a new secret in place with
// POST /v2/account/api-new-secret-key (same ID; the old secret stops working
// at once, not reversible). Prefer [cloudkeys.Rotate], which on e24cloud
// creates a new key and deletes the old one only after the new one is
// stored. An answer that cannot be read matches
// [cloudkeys.ErrOutcomeUnknown] (see [Client.RegenerateAPISecret]). Rotating
// the key the client signs with switches the client to the new secret.
//
// The returned Key is as complete as GetKey's, Owner included; the account
// id is read as for CreateKey (one GET /v2/account after the POST, once per
// Client; if it fails, Owner is "" and there is no error).
func (c *Client) RotateKey(ctx context.Context, id string) (*cloudkeys.Key, error) {
	pair, err := c.RegenerateAPISecret(ctx, id)
	if err != nil {
		return nil, err
	}
	return toKey(pair, c.ownerAfterWrite(ctx)), nil
}

// SetKeyEnabled is not supported: e24cloud keys cannot be disabled. It
// returns an error matching [cloudkeys.ErrUnsupported] without a request.
func (c *Client) SetKeyEnabled(context.Context, string, bool) error {
	return cloudkeys.Unsupported(Vendor, "SetKeyEnabled", "e24cloud keys cannot be disabled; delete the key instead")
}

func toKey(p *APIKeyPair, owner string) *cloudkeys.Key {
	return &cloudkeys.Key{
		Vendor: Vendor, ID: p.APIKey, AccessKey: p.APIKey, Secret: p.SecretKey,
		Owner: owner, Enabled: true,
	}
}
