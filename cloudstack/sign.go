package cloudstack

import (
	"context"
	"net/url"

	"github.com/cloudkeys/cloudkeys/internal/cloudstackwire"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// signedCall is an API-key call whose signer sets apikey,
// signatureversion=3, a fresh expires and the signature on every attempt,
// with the pair the client holds at that attempt (see UseCredential).
func (c *Client) signedCall(cl call, full url.Values) transport.Call {
	return transport.Call{
		Operation: cl.command, Class: cl.class, Method: cl.method(),
		Sign: func(_ context.Context, o *transport.Outgoing) error {
			k := c.apiKeyPair()
			apiKey, secret := k.apiKey, k.secret.Reveal()
			p := cloneValues(full)
			p.Set("apikey", apiKey)
			p.Set("signatureversion", "3")
			p.Set("expires", cloudstackwire.FormatExpires(o.Now.Add(expiresAhead)))
			enc := cloudstackwire.EncodeForm(p)
			place(o, cl.post, enc+"&signature="+cloudstackwire.EncodeValue(cloudstackwire.SignEncoded(p, enc, secret)))
			return nil
		},
	}
}

// place puts an encoded parameter string in the query (GET) or a form body
// (POST).
func place(o *transport.Outgoing, post bool, enc string) {
	if post {
		o.URL.RawQuery = ""
		o.Body = []byte(enc)
		o.Header.Set("Content-Type", formType)
		return
	}
	o.URL.RawQuery = enc
	o.Body = nil
	o.Header.Del("Content-Type")
}
