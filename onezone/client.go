package onezone

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// Vendor is the vendor name reported by [Client.Vendor], in errors and in
// Key.Vendor.
const Vendor = "onezone"

// BasePath is the REST prefix every Onezone path lives under.
const BasePath = "/api/v3/onezone"

// Client talks to one Onezone over its REST API. It is safe for concurrent
// use. It implements [cloudkeys.KeyManager] (keys are named access tokens)
// and exposes the token API under Onezone's own names.
type Client struct {
	t    *transport.Client
	cred atomic.Pointer[credState] // what every attempt is signed with (see UseCredential)

	cfgMu sync.Mutex
	cfg   *Configuration // cached GET /configuration, for version gating
}

var (
	_ cloudkeys.KeyManager        = (*Client)(nil)
	_ cloudkeys.KeyReplacer       = (*Client)(nil)
	_ cloudkeys.CredentialRotator = (*Client)(nil)
)

// New returns a client for the Onezone at endpoint, e.g.
// "https://zone.example.com"; the client appends /api/v3/onezone (an
// endpoint already ending in it is accepted). creds come from [Token] or
// [Basic].
func New(endpoint string, creds Credentials, opts ...cloudkeys.Option) (*Client, error) {
	if err := creds.validate(); err != nil {
		return nil, err
	}
	u, err := transport.ParseEndpoint(Vendor, endpoint)
	if err != nil {
		return nil, err
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, BasePath)
	u.Path = p + BasePath
	u.RawPath = ""
	c := &Client{}
	c.cred.Store(&credState{creds: creds, caveats: -1})
	t, err := transport.New(transport.Config{
		Vendor:  Vendor,
		BaseURL: u.String(),
		Sign:    c.sign,
		Check:   c.check,
		Secrets: creds.secrets(),
	}, opts)
	if err != nil {
		return nil, err
	}
	c.t = t
	return c, nil
}

// Vendor returns "onezone".
func (c *Client) Vendor() string { return Vendor }

// do sends k (transport.Call: a JSON body from In, the answer into Out,
// checked with Need; k.Secrets, tokens sent in the body, scrubbed from its
// errors). An Onezone error keeps its parsed body for callers: its
// description and details are scrubbed here like the message.
func (c *Client) do(ctx context.Context, k transport.Call) (*transport.Response, error) {
	resp, err := c.t.Call(ctx, k)
	var oe *Error
	if errors.As(err, &oe) && oe.Body != nil {
		oe.Body.Description = transport.CleanText(c.t.Scrub(oe.Body.Description, k.Secrets...))
		oe.Body.Details = json.RawMessage(c.t.Scrub(string(oe.Body.Details), k.Secrets...))
	}
	return resp, err
}

// segment returns value escaped as one path segment. "", "." and ".." are
// refused before any request with an error naming field: a proxy or the
// server would normalise such a segment to another resource.
func segment(field, value string) (string, error) {
	return transport.PathSegment(Vendor, field, value)
}

// idSegment is segment for a required id, refusing one made only of spaces
// too (requireID).
func idSegment(field, id string) (string, error) {
	if err := requireID(field, id); err != nil {
		return "", err
	}
	return segment(field, id)
}

// prefix returns the path of a subject: /user, /users/{id}, /provider or
// /providers/{id}.
func (s Subject) prefix() (string, error) {
	switch s.Type {
	case "", SubjectUser:
		if s.ID == "" && s.Type == SubjectUser {
			// User("") is most likely an id variable left empty: never
			// widen it to the caller (DeleteAllNamedTokens would delete
			// the caller's tokens). The caller is CurrentUser().
			return "", cloudkeys.InvalidInput(Vendor, "Subject.ID", "must not be empty for User (use CurrentUser for the caller)")
		}
		if s.ID == "" {
			return "/user", nil
		}
		id, err := segment("Subject.ID", s.ID)
		if err != nil {
			return "", err
		}
		return "/users/" + id, nil
	case SubjectProvider:
		if s.ID == "" {
			return "/provider", nil
		}
		id, err := segment("Subject.ID", s.ID)
		if err != nil {
			return "", err
		}
		return "/providers/" + id, nil
	}
	return "", cloudkeys.InvalidInput(Vendor, "Subject.Type", `must be "", "user" or "provider"`)
}

func requireID(field, id string) error {
	if strings.TrimSpace(id) == "" {
		return cloudkeys.InvalidInput(Vendor, field, "must not be empty")
	}
	return nil
}
