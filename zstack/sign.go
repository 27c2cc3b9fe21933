package zstack

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/cloudkeys/cloudkeys/internal/transport"
	"github.com/cloudkeys/cloudkeys/internal/zstackwire"
)

// sign authenticates one attempt: an AccessKey signature, or the fixed
// session. Calls with login credentials carry their session's signer (see
// invoke); calls of the session APIs and job polls are sent unsigned.
func (c *Client) sign(ctx context.Context, o *transport.Outgoing) error {
	switch c.creds.kind {
	case credAccessKey:
		ak := c.ak.Load()
		return accessKeySigner(ak.id, ak.secret.Reveal(), c.loc, c.contextPrefix())(ctx, o)
	case credSession:
		o.Header.Set("Authorization", "OAuth "+c.creds.session.Reveal())
		return nil
	}
	return errors.New("not logged in")
}

// sessionSigner sends the session uuid as "Authorization: OAuth <uuid>".
func sessionSigner(s *Session) transport.Signer {
	return func(_ context.Context, o *transport.Outgoing) error {
		o.Header.Set("Authorization", "OAuth "+s.UUID.Reveal())
		return nil
	}
}

// accessKeySigner signs each attempt afresh: Date is the attempt's time as
// the server's wall clock in loc, the signature covers the decoded path
// from /v1/ on (no /zstack, no query).
//
// prefix is the endpoint's path before /v1 (e.g. "/zstack", or
// "/proxy/zstack"), which the server never sees in the URI it signs.
func accessKeySigner(id, secret string, loc *time.Location, prefix string) transport.Signer {
	return func(_ context.Context, o *transport.Outgoing) error {
		date := zstackwire.FormatDate(o.Now, loc)
		uri := o.URL.Path
		if rest, ok := strings.CutPrefix(uri, prefix); ok && strings.HasPrefix(rest, "/v1/") {
			uri = rest
		} else {
			uri = zstackwire.SignURI(uri)
		}
		sig := zstackwire.Sign(secret, o.Method, date, uri)
		o.Header.Set("Date", date)
		o.Header.Set("Authorization", zstackwire.AuthorizationHeader(id, sig))
		return nil
	}
}
