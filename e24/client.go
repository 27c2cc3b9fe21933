package e24

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// Vendor is the vendor name reported by [Client.Vendor] and in errors.
const Vendor = "e24"

// DefaultRegion is the region [RegionEndpoint] uses for "".
const DefaultRegion = "eu-poland-1poznan"

// RegionEndpoint returns the API endpoint of an e24cloud region:
// "https://<region>.api.e24cloud.com". Known regions are "eu-poland-1poznan"
// (Poznań DC1, the default for "") and "eu-poland-1poznan2" (Poznań DC2);
// "eu-poland-1warszawa" is legacy. Any other string is accepted as is. The
// account API is assumed to be global, so any region's host serves it.
func RegionEndpoint(region string) string {
	region = strings.TrimSpace(region)
	if region == "" {
		region = DefaultRegion
	}
	return "https://" + region + ".api.e24cloud.com"
}

// Client calls the e24cloud REST API v2. It is safe for concurrent use.
type Client struct {
	tc    *transport.Client
	creds atomic.Pointer[credState]
	// account is the id of the account the API key belongs to (the Owner
	// of its keys), once an answer of GET /v2/account has shown it.
	account atomic.Pointer[string]
}

// credState is the key pair the client signs with. It changes when
// RegenerateAPISecret renews the client's own key and on UseCredential.
type credState struct {
	apiKey string
	secret string
}

var (
	_ cloudkeys.KeyManager        = (*Client)(nil)
	_ cloudkeys.CredentialRotator = (*Client)(nil)
)

// New returns a client for endpoint, e.g. "https://eu-poland-1poznan.api.e24cloud.com"
// (see [RegionEndpoint]); the client adds "/v2" (a trailing "/v2" on endpoint is
// accepted). The host is signed without its port, as the vendor's reference
// code does, so use an endpoint without an explicit port against the real
// service.
//
// creds must carry a non-empty API key and secret; otherwise New returns an
// error matching [cloudkeys.ErrInvalidRequest].
func New(endpoint string, creds Credentials, opts ...cloudkeys.Option) (*Client, error) {
	if creds.apiKey == "" {
		return nil, cloudkeys.InvalidInput(Vendor, "creds", "API key must not be empty")
	}
	if creds.secret.IsZero() {
		return nil, cloudkeys.InvalidInput(Vendor, "creds", "API secret must not be empty")
	}
	if strings.ContainsAny(creds.apiKey, ":\r\n") {
		return nil, cloudkeys.InvalidInput(Vendor, "creds", "API key must not contain ':' or line breaks")
	}
	base := strings.TrimRight(strings.TrimSpace(endpoint), "/")
	base = strings.TrimSuffix(base, "/v2")
	c := &Client{}
	c.creds.Store(&credState{apiKey: creds.apiKey, secret: creds.secret.Reveal()})
	tc, err := transport.New(transport.Config{
		Vendor:  Vendor,
		BaseURL: base + "/v2",
		Sign:    c.sign,
		Check:   c.checkAnswer,
		Secrets: []string{creds.secret.Reveal()},
	}, opts)
	if err != nil {
		return nil, err
	}
	c.tc = tc
	return c, nil
}

// Vendor returns "e24".
func (c *Client) Vendor() string { return Vendor }

// APIKeyID returns the API key the client signs with (its public half).
func (c *Client) APIKeyID() string { return c.creds.Load().apiKey }

func (c *Client) sign(_ context.Context, o *transport.Outgoing) error {
	cs := c.creds.Load()
	signOutgoing(cs.apiKey, cs.secret, o)
	return nil
}

// setOwnSecret switches the client to a renewed secret of its own key, or
// to another key: the secret is pinned in the scrub list first, then every
// later attempt signs with the pair.
func (c *Client) setOwnSecret(apiKey string, secret cloudkeys.Secret) {
	if secret.IsZero() {
		return
	}
	c.tc.PinSecret(secret.Reveal())
	c.creds.Store(&credState{apiKey: apiKey, secret: secret.Reveal()})
}

// CredentialKeyID implements [cloudkeys.CredentialRotator]: an e24cloud
// client always authenticates with one of its account's API keys, and a
// key's id is its api_key, so this is [Client.APIKeyID]. It sends nothing.
func (c *Client) CredentialKeyID(context.Context) (string, error) {
	return c.APIKeyID(), nil
}

// UseCredential implements [cloudkeys.CredentialRotator]: from its next
// request attempt on, the client signs with k.AccessKey (k.ID when that is
// empty; both are the api_key) and k.Secret, which is first pinned in the
// client's scrub list. A request already signed keeps its signature. It
// sends nothing and does not check that the key works; a key without an id
// or a secret, or with ':' or a line break in its id, is refused with an
// error matching [cloudkeys.ErrInvalidRequest] and changes nothing.
func (c *Client) UseCredential(k *cloudkeys.Key) error {
	if k == nil {
		return cloudkeys.InvalidInput(Vendor, "k", "nil key")
	}
	apiKey := k.AccessKey
	if apiKey == "" {
		apiKey = k.ID
	}
	switch {
	case apiKey == "":
		return cloudkeys.InvalidInput(Vendor, "k.AccessKey", "must not be empty")
	case strings.ContainsAny(apiKey, ":\r\n"):
		return cloudkeys.InvalidInput(Vendor, "k.AccessKey", "must not contain ':' or line breaks")
	case k.Secret.IsZero():
		return cloudkeys.InvalidInput(Vendor, "k.Secret", "must not be empty")
	}
	c.setOwnSecret(apiKey, k.Secret)
	return nil
}

// String describes the client by its endpoint only.
func (c *Client) String() string {
	if c == nil || c.tc == nil {
		return "e24.Client(nil)"
	}
	return "e24.Client(" + c.tc.BaseURL().Redacted() + ")"
}

// GoString is String, so %#v never reaches the credentials.
func (c *Client) GoString() string { return c.String() }

// Format writes String for every verb: fmt's error paths would otherwise
// print the unexported fields, credentials included.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue logs the endpoint only.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }
