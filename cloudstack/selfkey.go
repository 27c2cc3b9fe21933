package cloudstack

import (
	"context"

	"github.com/cloudkeys/cloudkeys"
)

// CredentialKeyID implements [cloudkeys.CredentialRotator]: the id, as the
// KeyManager methods take it, of the API key pair an [APIKey] client signs
// with.
//
// Up to 4.22 that is the API key itself (no request beyond the cached
// listCapabilities). From 4.23 it is the key-pair id: the client lists its
// own pairs (listUserKeys without userid) and takes the one whose apikey is
// the client's; if none matches, it finds its user (getUser userapikey=…)
// and lists that user's pairs (listUserKeys userid=…). The answer is
// remembered until the client switches keys; after [Client.UseCredential]
// with a 4.23 Key it is that Key's ID, without a request. A pair it cannot
// find is an error matching [cloudkeys.ErrNotFound].
//
// With [Login] or [IntegrationPort] credentials the client's credential is
// not a key: "" without a request.
func (c *Client) CredentialKeyID(ctx context.Context) (string, error) {
	if c.creds.kind != credAPIKey {
		return "", nil
	}
	k := c.apiKeyPair()
	kp, err := c.keyPairs(ctx)
	if err != nil {
		return "", err
	}
	if !kp {
		return k.apiKey, nil
	}
	if k.pairID != "" {
		return k.pairID, nil
	}
	id, err := c.pairIDOf(ctx, k.apiKey)
	if err != nil {
		return "", err
	}
	known := *k
	known.pairID = id
	c.key.CompareAndSwap(k, &known) // unless the client switched meanwhile
	return id, nil
}

// pairIDOf finds the 4.23 key-pair id of the client's API key.
func (c *Client) pairIDOf(ctx context.Context, apiKey string) (string, error) {
	find := func(p ListUserKeysOptions) (string, error) {
		for pair, err := range c.ListUserKeys(ctx, p) {
			if err != nil {
				return "", err
			}
			if pair.APIKey == apiKey && pair.ID != "" {
				return pair.ID, nil
			}
		}
		return "", nil
	}
	if id, err := find(ListUserKeysOptions{}); id != "" || err != nil {
		return id, err
	}
	u, err := c.GetUserByAPIKey(ctx, apiKey)
	if err != nil {
		return "", err
	}
	if id, err := find(ListUserKeysOptions{UserID: u.ID}); id != "" || err != nil {
		return id, err
	}
	return "", c.notFound("listUserKeys", "key pair of the client's API key")
}

// UseCredential implements [cloudkeys.CredentialRotator]: an [APIKey]
// client signs every later attempt with k.AccessKey (the API key) and
// k.Secret (the secret key), both first pinned in the client's scrub list.
// A request already signed keeps its signature; a job already submitted is
// polled with the new pair. From 4.23, k.ID (the key-pair id, when it
// differs from the API key) becomes what CredentialKeyID returns. It sends
// nothing and does not check that the pair works.
//
// A Key without an AccessKey or a Secret is refused with an error matching
// [cloudkeys.ErrInvalidRequest]; a [Login] or [IntegrationPort] client
// cannot be switched to a key: [cloudkeys.ErrUnsupported]. Either way
// nothing changes.
func (c *Client) UseCredential(k *cloudkeys.Key) error {
	if c.creds.kind != credAPIKey {
		return cloudkeys.Unsupported(Vendor, "UseCredential", "the client logs in or uses the integration port, not an API key")
	}
	switch {
	case k == nil:
		return cloudkeys.InvalidInput(Vendor, "k", "nil key")
	case k.AccessKey == "":
		return cloudkeys.InvalidInput(Vendor, "k.AccessKey", "must be the API key")
	case k.Secret.IsZero():
		return cloudkeys.InvalidInput(Vendor, "k.Secret", "must not be empty")
	}
	pairID := ""
	if k.ID != k.AccessKey {
		pairID = k.ID
	}
	c.useKey(k.AccessKey, k.Secret, pairID)
	return nil
}

// useKey pins the pair in the scrub list, then makes it the one every
// later attempt signs with.
func (c *Client) useKey(apiKey string, secret cloudkeys.Secret, pairID string) {
	c.tc.PinSecret(apiKey)
	c.tc.PinSecret(secret.Reveal())
	c.key.Store(&keyState{apiKey: apiKey, secret: secret, pairID: pairID})
}
