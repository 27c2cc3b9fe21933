package onezone

import (
	"context"
	"fmt"
	"strings"

	"github.com/cloudkeys/cloudkeys"
)

// credState is what the client authenticates with, and what it learnt
// about it: the named token id (idKnown: asked, or set by UseCredential;
// "" for a token that is not named) and how many caveats the token itself
// carries (-1: not examined yet).
type credState struct {
	creds   Credentials
	id      string
	idKnown bool
	caveats int
}

// CredentialKeyID implements [cloudkeys.CredentialRotator]: with [Token]
// credentials it returns the id of the named token the client's token is —
// or is a confined copy of, which dies with it — found with
// POST /tokens/examine {"token"} (public: sent without credentials, to this
// Onezone only) and remembered; after [Client.UseCredential] it is the
// Key's ID, without a request. A temporary token (persistence "temporary")
// is not a key: "". With [Basic] credentials: "" without a request.
func (c *Client) CredentialKeyID(ctx context.Context) (string, error) {
	st := c.cred.Load()
	if st.creds.basic {
		return "", nil
	}
	if st.idKnown {
		return st.id, nil
	}
	st, err := c.examineOwn(ctx, st)
	if err != nil {
		return "", err
	}
	return st.id, nil
}

// examineOwn examines the client's token and remembers what it says.
func (c *Client) examineOwn(ctx context.Context, st *credState) (*credState, error) {
	ex, err := c.ExamineToken(ctx, st.creds.token)
	if err != nil {
		return nil, fmt.Errorf("onezone: examining the client's own token: %w", err)
	}
	next := *st
	next.id, next.idKnown, next.caveats = "", true, len(ex.Caveats)
	if ex.Persistence == "named" {
		next.id = ex.ID
	}
	c.cred.CompareAndSwap(st, &next) // kept unless the client switched meanwhile
	return &next, nil
}

// UseCredential implements [cloudkeys.CredentialRotator]: a [Token] client
// sends k.Secret (the serialized token) as X-Auth-Token on every later
// attempt; the token is first pinned in the client's scrub list. k.ID, the
// named token's id, becomes what CredentialKeyID returns (when empty, it is
// examined on the next CredentialKeyID). A request already sent keeps its
// token. It sends nothing and does not check that the token works.
//
// A Key without a Secret, or with a line break in it, is refused with an
// error matching [cloudkeys.ErrInvalidRequest]; a [Basic] client cannot be
// switched to a token: [cloudkeys.ErrUnsupported]. Either way nothing
// changes.
func (c *Client) UseCredential(k *cloudkeys.Key) error {
	if c.cred.Load().creds.basic {
		return cloudkeys.Unsupported(Vendor, "UseCredential", "the client uses basic auth, not a token")
	}
	if k == nil {
		return cloudkeys.InvalidInput(Vendor, "k", "nil key")
	}
	next := Token(k.Secret.Reveal())
	if err := next.validate(); err != nil {
		return cloudkeys.InvalidInput(Vendor, "k.Secret", "must be a token without line breaks")
	}
	c.t.PinSecret(next.token.Reveal())
	c.cred.Store(&credState{creds: next, id: k.ID, idKnown: strings.TrimSpace(k.ID) != "", caveats: -1})
	return nil
}

// checkOwnReplacement refuses to replace nt when it is the named token the
// client authenticates with a confined copy of: cloudkeys.Rotate would
// switch the client to the replacement, a full named token, and so widen
// what the client may do. It asks nothing when the client's token is nt's
// own serialization or another named token, and examines the client's
// token at most once otherwise.
func (c *Client) checkOwnReplacement(ctx context.Context, nt *NamedToken) error {
	st := c.cred.Load()
	if st.creds.basic || (!nt.Token.IsZero() && nt.Token.Reveal() == st.creds.token.Reveal()) {
		return nil
	}
	if !st.idKnown || st.caveats < 0 {
		if st.idKnown && st.id != nt.ID {
			return nil
		}
		var err error
		if st, err = c.examineOwn(ctx, st); err != nil {
			return err
		}
	}
	if st.id != nt.ID || st.caveats <= len(nt.Caveats) {
		return nil
	}
	return cloudkeys.Unsupported(Vendor, "ReplaceKey", fmt.Sprintf("token %s cannot be replaced safely: the client authenticates with a confined copy of it (%d caveats, the named token has %d), and cloudkeys.Rotate would switch the client to the unconfined replacement; replace it from another client and confine the new token yourself",
		nt.ID, st.caveats, len(nt.Caveats)))
}
