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
			p := withValues(full, "apikey", apiKey, "signatureversion", "3", "expires", cloudstackwire.FormatExpires(o.Now.Add(expiresAhead)))
			enc := cloudstackwire.EncodeForm(p)
			place(o, cl.post, enc+"&signature="+cloudstackwire.EncodeValue(cloudstackwire.SignEncoded(p, enc, secret)))
			return nil
		},
	}
}

// withValues is a copy of v (first values only: the signer and EncodeForm
// read no other)
// with the pairs of kv set: its values in one backing array, two
// allocations in all where a copy and Set made one per value.
func withValues(v url.Values, kv ...string) url.Values {
	out := make(url.Values, len(v)+len(kv)/2)
	vals := make([]string, 0, len(v)+len(kv)/2)
	set := func(k, val string) {
		vals = append(vals, val)
		out[k] = vals[len(vals)-1 : len(vals) : len(vals)]
	}
	for k, vs := range v {
		if len(vs) == 0 {
			out[k] = vs // sent as "k=", as before
			continue
		}
		set(k, vs[0])
	}
	for i := 0; i+1 < len(kv); i += 2 {
		set(kv[i], kv[i+1])
	}
	return out
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
