package zstack

import (
	"context"

	"github.com/cloudkeys/cloudkeys"
)

// CredentialKeyID implements [cloudkeys.CredentialRotator]: with
// [AccessKey] credentials it returns the uuid of the AccessKey the client
// signs with — the id the KeyManager methods take — found once with
// QueryAccessKey AccessKeyID=<id> (GET /zstack/v1/accesskeys?q=AccessKeyID=…)
// and remembered; after [Client.UseCredential] it is the new key's ID,
// without a request. With login or session credentials the client's
// credential is not a key: "" without a request.
//
// A key the query does not show (a key the signing account may not see)
// is an error matching [cloudkeys.ErrNotFound].
func (c *Client) CredentialKeyID(ctx context.Context) (string, error) {
	if c.creds.kind != credAccessKey {
		return "", nil
	}
	ak := c.ak.Load()
	if ak.uuid != "" {
		return ak.uuid, nil
	}
	for inv, err := range c.QueryAccessKeys(ctx, Query{Conditions: []Condition{Eq("AccessKeyID", ak.id)}}) {
		if err != nil {
			return "", err
		}
		if inv.AccessKeyID == ak.id && inv.UUID != "" {
			known := *ak
			known.uuid = inv.UUID
			c.ak.CompareAndSwap(ak, &known) // unless UseCredential switched meanwhile
			return inv.UUID, nil
		}
	}
	return "", c.tc.APIError("QueryAccessKey", 0, "", "the AccessKey the client signs with is not among the keys it can query", cloudkeys.ErrNotFound)
}

// UseCredential implements [cloudkeys.CredentialRotator]: a client with
// [AccessKey] credentials signs every later attempt with k.AccessKey (the
// AccessKeyID) and k.Secret (the AccessKeySecret), which is first pinned in
// the client's scrub list; k.ID (the uuid) becomes what CredentialKeyID
// returns. A request already signed keeps its signature; a job already
// submitted is polled with the new key. It sends nothing and does not check
// that the key works or is enabled.
//
// A key without an AccessKeyID (or with ':' or spaces in it) or without a
// secret is refused with an error matching [cloudkeys.ErrInvalidRequest];
// a client with login or session credentials cannot be switched to a key:
// [cloudkeys.ErrUnsupported]. Either way nothing changes.
func (c *Client) UseCredential(k *cloudkeys.Key) error {
	if c.creds.kind != credAccessKey {
		return cloudkeys.Unsupported(Vendor, "UseCredential", "the client logs in or uses a session, not an AccessKey")
	}
	if k == nil {
		return cloudkeys.InvalidInput(Vendor, "k", "nil key")
	}
	next := Credentials{kind: credAccessKey, akID: k.AccessKey, akSecret: k.Secret}
	if err := next.validate(); err != nil {
		return err
	}
	c.tc.PinSecret(k.Secret.Reveal())
	c.ak.Store(&akState{id: k.AccessKey, secret: k.Secret, uuid: k.ID})
	return nil
}
