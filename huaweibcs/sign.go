package huaweibcs

import (
	"context"

	"github.com/cloudkeys/cloudkeys/internal/huaweiwire"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// Headers of Huawei's API gateway that the client sends.
const (
	// HeaderProjectID carries the project id of an AK/SK request; it is signed.
	HeaderProjectID = "X-Project-Id"
	// HeaderAuthToken carries an IAM token (Token and Password credentials).
	HeaderAuthToken = "X-Auth-Token"
)

// signAKSK signs one attempt: X-Project-Id (and X-Security-Token for
// temporary credentials) and a fresh X-Sdk-Date from the client's clock are
// set, then signed together with host.
func (c *Client) signAKSK(_ context.Context, o *transport.Outgoing) error {
	o.Header.Set(HeaderProjectID, c.projectID)
	o.Header.Set(huaweiwire.HeaderSdkDate, o.Now.UTC().Format(huaweiwire.DateFormat))
	signed := huaweiwire.DefaultSignedHeaders
	if !c.creds.securityToken.IsZero() {
		o.Header.Set(huaweiwire.HeaderSecurityToken, c.creds.securityToken.Reveal())
		signed = "host;x-project-id;x-sdk-date;x-security-token"
	}
	auth, err := huaweiwire.SignAKSK(c.creds.ak, c.creds.sk.Reveal(), o.Method, o.URL, o.Header, signed, o.Body)
	if err != nil {
		return err
	}
	o.Header.Set("Authorization", auth)
	return nil
}
