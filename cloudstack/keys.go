package cloudstack

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// Capabilities reads the server version once (listCapabilities, cached) and
// reports: up to 4.22 one pair per user, rotated in place by
// registerUserKeys; from 4.23 many pairs per user, deletable, with an
// enddate.
func (c *Client) Capabilities(ctx context.Context) (cloudkeys.Capabilities, error) {
	kp, err := c.keyPairs(ctx)
	if err != nil {
		return cloudkeys.Capabilities{}, err
	}
	return capabilities(kp), nil
}

// capabilities are those of a server with key pairs (4.23+) or without.
func capabilities(keyPairs bool) cloudkeys.Capabilities {
	if keyPairs {
		return cloudkeys.Capabilities{MultipleKeys: true, Delete: true, Expiry: true}
	}
	return cloudkeys.Capabilities{Rotate: true}
}

// owner resolves an empty Owner to the caller's own user id.
func (c *Client) owner(ctx context.Context, owner string) (string, error) {
	if owner != "" {
		return owner, nil
	}
	switch c.creds.kind {
	case credAPIKey:
		u, err := c.GetUserByAPIKey(ctx, c.apiKeyPair().apiKey)
		if err != nil {
			return "", fmt.Errorf("cloudstack: finding the caller's user id: %w", err)
		}
		return u.ID, nil
	case credLogin:
		s, err := c.sessions.Get(ctx)
		if err != nil {
			return "", err
		}
		if s.userID != "" {
			return s.userID, nil
		}
	}
	return "", cloudkeys.InvalidInput(Vendor, "Owner", "must be a user id with these credentials")
}

// CreateKey creates an API key pair for the user req.Owner (a user UUID; ""
// = the caller).
//
// Up to 4.22 a user has one pair and registerUserKeys replaces it, so
// CreateKey first checks whether the user already has keys and refuses with
// an error matching cloudkeys.ErrConflict if so (use RotateKey to replace
// them); Name, Description and ExpiresAt cannot be kept
// (ExpiresAt → cloudkeys.ErrUnsupported). The check reads getUserKeys; on
// the integration port, where getUserKeys fails from 4.22 on (530, a
// server NullPointerException), and after a 530 from getUserKeys anywhere,
// it reads the apikey field of listUsers id=<owner> instead. The check and
// the registration are two calls: a registration by someone else in
// between is not detected. The Key's ID is the API key.
//
// From 4.23 it adds a pair (name, description, ExpiresAt as enddate); the
// Key's ID is the key-pair id (see the package doc for where it is read).
// If no answer names the new pair, CreateKey fails with an error matching
// cloudkeys.ErrOutcomeUnknown: the pair exists, find it with listUserKeys.
//
// A lost answer is an error matching cloudkeys.ErrOutcomeUnknown; the
// command is never sent twice. So is an answer that cannot be read (see
// RegisterUserKeys): its *cloudkeys.UndecodableAnswerError keeps the raw
// answer that holds the new pair.
//
// The returned Key is as complete as GetKey's, from the answer and the
// request alone: up to 4.22 ID and AccessKey (the API key), Secret, Owner
// (the given user, or the caller's id) and Enabled (false where the
// answer's apikeyaccess, 4.20+, is false); GetKey knows no name, dates or
// more there. From 4.23 the answer's pair carries everything GetKey reads
// (name, description, userid, state, created, enddate). No request is made
// for completeness: the requests are listCapabilities (once per Client),
// for Owner "" the caller's user id (getUser userapikey=… with API keys;
// none with a session, whose login answer named the user), up to 4.22 the
// getUserKeys (or listUsers) check, registerUserKeys (from 4.23 with its
// job polls), and listUserKeys only when no answer names the new pair.
func (c *Client) CreateKey(ctx context.Context, req cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
	kp, err := c.keyPairs(ctx)
	if err != nil {
		return nil, err
	}
	if err := transport.CheckExpiry(Vendor, capabilities(kp), req.ExpiresAt); err != nil {
		return nil, err
	}
	owner, err := c.owner(ctx, req.Owner)
	if err != nil {
		return nil, err
	}
	p := RegisterUserKeysRequest{ID: owner}
	if kp {
		p.Name, p.Description, p.EndDate = req.Name, req.Description, req.ExpiresAt
	} else {
		have, err := c.ownerKey(ctx, owner)
		if err != nil {
			return nil, err
		}
		if have != nil {
			return nil, c.tc.APIError("registerUserKeys", 0, "",
				"the user already has an API key pair and this server (before 4.23) would replace it; use RotateKey", cloudkeys.ErrConflict)
		}
	}
	pair, err := c.RegisterUserKeys(ctx, p)
	if err != nil {
		return nil, err
	}
	if kp && pair.ID == "" {
		id, err := c.findPairID(ctx, owner, pair.APIKey)
		if err != nil {
			return nil, err
		}
		pair.ID = id
	}
	return c.toKey("registerUserKeys", pair, owner, kp)
}

// findPairID looks up the id of a 4.23 pair whose registerUserKeys answer
// named none (neither uuid nor id): listUserKeys of the owner, matched by API
// key. If that fails too, the pair exists but has no handle: an error
// matching cloudkeys.ErrOutcomeUnknown (reconcile with listUserKeys).
func (c *Client) findPairID(ctx context.Context, owner, apiKey string) (string, error) {
	var lerr error
	for p, err := range c.ListUserKeys(ctx, ListUserKeysOptions{UserID: owner}) {
		if err != nil {
			lerr = err
			break
		}
		if p.APIKey == apiKey && p.ID != "" {
			return p.ID, nil
		}
	}
	msg := "the key pair was created, but neither the answer nor listUserKeys gives its id (uuid); find it with listUserKeys"
	if lerr != nil {
		msg += " (listUserKeys failed: " + lerr.Error() + ")"
	}
	return "", c.tc.APIError("registerUserKeys", http.StatusOK, "", msg, cloudkeys.ErrOutcomeUnknown)
}

// ownerKey returns the key pair of a user before 4.23, or nil when the user
// has none. It reads getUserKeys (with the secret) — except on the
// integration port, where getUserKeys fails from 4.22 on with a 530 (a
// NullPointerException on "accessingKeyPair", apache/cloudstack PR
// #14104), and after a 530 from getUserKeys in any mode: then it reads the
// apikey field of listUsers id=<owner>, which carries no secret.
func (c *Client) ownerKey(ctx context.Context, owner string) (*cloudkeys.Key, error) {
	if c.creds.kind != credIntegration {
		uk, err := c.GetUserKeys(ctx, owner)
		if err == nil {
			if uk.APIKey == "" {
				return nil, nil
			}
			return &cloudkeys.Key{Vendor: Vendor, ID: uk.APIKey, AccessKey: uk.APIKey, Secret: uk.SecretKey,
				Owner: owner, Enabled: !strings.EqualFold(uk.APIKeyAccess, "false")}, nil
		}
		if !isInternalError(err) {
			return nil, err
		}
	}
	t := true
	for u, err := range c.ListUsers(ctx, ListUsersOptions{ID: owner, ListAll: &t}) {
		if err != nil {
			return nil, err
		}
		if u.ID != owner {
			continue
		}
		if u.APIKey == "" {
			return nil, nil
		}
		return userKey(u), nil
	}
	return nil, nil
}

// toKey turns a pair into a Key. A 4.23 pair without an id is an error
// answered by op: a Key's ID is never empty.
func (c *Client) toKey(op string, p *KeyPair, owner string, kp bool) (*cloudkeys.Key, error) {
	if kp && p.ID == "" {
		return nil, c.tc.APIError(op, http.StatusOK, "", "a key pair in the answer has no id (neither uuid nor id)", cloudkeys.ErrServer)
	}
	k := &cloudkeys.Key{
		Vendor: Vendor, ID: p.APIKey, AccessKey: p.APIKey, Secret: p.SecretKey, Owner: owner,
		Name: p.Name, Description: p.Description, Enabled: true,
		CreatedAt: p.Created, ExpiresAt: p.EndDate,
	}
	if p.UserID != "" {
		k.Owner = p.UserID
	}
	if !kp && strings.EqualFold(p.APIKeyAccess, "false") {
		// 4.20+: the answer of registerUserKeys (and getUserKeys) says
		// whether the user may sign with API keys at all.
		k.Enabled = false
	}
	if kp {
		k.ID = p.ID
		if p.State != "" && !strings.EqualFold(p.State, "enabled") && !strings.EqualFold(p.State, "active") {
			k.Enabled = false
		}
	}
	return k, nil
}

func userKey(u *User) *cloudkeys.Key {
	return &cloudkeys.Key{
		Vendor: Vendor, ID: u.APIKey, AccessKey: u.APIKey, Owner: u.ID,
		Enabled: strings.EqualFold(u.State, "enabled") && !strings.EqualFold(u.APIKeyAccess, "disabled"),
	}
}

// GetKey returns a key by ID: up to 4.22 the API key (getUser userapikey,
// no secret); from 4.23 the key-pair id (listUserKeys keypairid). An unknown
// ID is an error matching cloudkeys.ErrNotFound.
func (c *Client) GetKey(ctx context.Context, id string) (*cloudkeys.Key, error) {
	if id == "" {
		return nil, cloudkeys.InvalidInput(Vendor, "id", "must not be empty")
	}
	kp, err := c.keyPairs(ctx)
	if err != nil {
		return nil, err
	}
	if !kp {
		u, err := c.keyUserByAPIKey(ctx, id)
		if err != nil {
			return nil, err
		}
		return userKey(u), nil
	}
	t := true
	for p, err := range c.ListUserKeys(ctx, ListUserKeysOptions{KeyPairID: id, ListAll: &t}) {
		if err != nil {
			if isParamError(err) {
				return nil, c.notFound("listUserKeys", "key pair")
			}
			return nil, err
		}
		if p.ID == id {
			return c.toKey("listUserKeys", p, "", true)
		}
	}
	return nil, c.notFound("listUserKeys", "key pair")
}

// ListKeys lists keys. Up to 4.22: with an Owner, getUserKeys (one key, with
// its secret); without, a walk over listUsers yielding every user that has
// an API key (no secrets). On the integration port, where getUserKeys fails
// from 4.22 on (530), and after a 530 from getUserKeys in any mode, the
// owner's key comes from listUsers id=<owner> instead, WITHOUT its secret:
// the secret cannot be listed there. From 4.23: listUserKeys for the owner,
// or with listall=true.
func (c *Client) ListKeys(ctx context.Context, opts cloudkeys.ListKeysOptions) iter.Seq2[*cloudkeys.Key, error] {
	return func(yield func(*cloudkeys.Key, error) bool) {
		kp, err := c.keyPairs(ctx)
		if err != nil {
			yield(nil, err)
			return
		}
		if kp {
			p := ListUserKeysOptions{UserID: opts.Owner}
			if opts.Owner == "" {
				t := true
				p.ListAll = &t
			}
			for pair, err := range c.ListUserKeys(ctx, p) {
				if err != nil {
					yield(nil, err)
					return
				}
				k, err := c.toKey("listUserKeys", pair, opts.Owner, true)
				if !yield(k, err) || err != nil {
					return
				}
			}
			return
		}
		if opts.Owner != "" {
			k, err := c.ownerKey(ctx, opts.Owner)
			if err != nil {
				yield(nil, err)
				return
			}
			if k != nil {
				yield(k, nil)
			}
			return
		}
		t := true
		for u, err := range c.listKeyUsers(ctx, ListUsersOptions{ListAll: &t}) {
			if err != nil {
				yield(nil, err)
				return
			}
			if u.APIKey == "" {
				continue
			}
			if !yield(userKey(u), nil) {
				return
			}
		}
	}
}

// DeleteKey deletes a 4.23 key pair by id (deleteUserKeys). A repeat that
// finds the pair gone after a lost answer counts as deleted. Before 4.23 keys
// cannot be deleted: cloudkeys.ErrUnsupported. Deleting the pair the client
// signs with is allowed and locks the client out: later calls fail with
// cloudkeys.ErrUnauthorized, and so does the poll of the delete's own job,
// which makes the delete itself end in an error matching
// cloudkeys.ErrOutcomeUnknown ([cloudkeys.IsOwnCredential] tells;
// cloudkeys.Rotate replaces the pair safely).
func (c *Client) DeleteKey(ctx context.Context, id string) error {
	if id == "" {
		return cloudkeys.InvalidInput(Vendor, "id", "must not be empty")
	}
	kp, err := c.keyPairs(ctx)
	if err != nil {
		return err
	}
	if !kp {
		return cloudkeys.Unsupported(Vendor, "DeleteKey", "deleting keys needs CloudStack 4.23; before it a user's only key pair is replaced with RotateKey")
	}
	again, err := c.deleteUserKeys(ctx, id)
	if err == nil || !isParamError(err) {
		return err
	}
	// 431: is the pair gone?
	if _, gerr := c.GetKey(ctx, id); errors.Is(gerr, cloudkeys.ErrNotFound) {
		if again {
			return nil
		}
		return c.notFound("deleteUserKeys", "key pair")
	}
	return err
}

// RotateKey replaces a user's key pair in place (before 4.23): it finds the
// owner of the API key id (getUser) and calls registerUserKeys, which
// invalidates the old pair at once. Not reversible; the new Key has a new ID
// (the new API key). From 4.23 use cloudkeys.Rotate (create, store, delete):
// cloudkeys.ErrUnsupported.
//
// The returned Key is as complete as GetKey's, with no extra request:
// Owner is the user getUser found, and Enabled follows that user's state
// and API-key access as GetKey reads them (and the answer's apikeyaccess).
//
// When id is the API key the client signs with, the client switches to the
// new pair as soon as the answer arrives (see [Client.UseCredential]). If
// that answer is lost, the new pair is lost with it and the client can no
// longer authenticate: rotate the client's own key from another credential
// where that matters.
func (c *Client) RotateKey(ctx context.Context, id string) (*cloudkeys.Key, error) {
	if id == "" {
		return nil, cloudkeys.InvalidInput(Vendor, "id", "must not be empty")
	}
	kp, err := c.keyPairs(ctx)
	if err != nil {
		return nil, err
	}
	if kp {
		return nil, cloudkeys.Unsupported(Vendor, "RotateKey", "CloudStack 4.23 adds key pairs instead of rotating one in place; use cloudkeys.Rotate, which creates a new pair and deletes the old one")
	}
	own := c.creds.kind == credAPIKey && c.apiKeyPair().apiKey == id
	u, err := c.GetUserByAPIKey(ctx, id)
	if err != nil {
		return nil, err
	}
	pair, err := c.RegisterUserKeys(ctx, RegisterUserKeysRequest{ID: u.ID})
	if err != nil {
		return nil, err
	}
	if own {
		c.useKey(pair.APIKey, pair.SecretKey, "")
	}
	k, err := c.toKey("registerUserKeys", pair, u.ID, false)
	if err != nil {
		return nil, err
	}
	if !userKey(u).Enabled {
		// The user's state and API-key access, as GetKey reads them.
		k.Enabled = false
	}
	return k, nil
}

// SetKeyEnabled is not offered by CloudStack for a single key:
// cloudkeys.ErrUnsupported. (The 4.20 apikeyaccess switch applies to a whole
// user or account.)
func (c *Client) SetKeyEnabled(context.Context, string, bool) error {
	return cloudkeys.Unsupported(Vendor, "SetKeyEnabled", "CloudStack cannot enable or disable a single key (the 4.20 apikeyaccess switch applies to a whole user or account)")
}
