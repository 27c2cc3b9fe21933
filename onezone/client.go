package onezone

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

const vendor = "onezone"

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
	u, err := transport.ParseEndpoint(vendor, endpoint)
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
		Vendor:  vendor,
		BaseURL: u.String(),
		Sign:    c.sign,
		Check:   check,
		Secrets: creds.secrets(),
	}, opts)
	if err != nil {
		return nil, err
	}
	c.t = t
	return c, nil
}

// Vendor returns "onezone".
func (c *Client) Vendor() string { return vendor }

// call is one JSON request. in (if not nil) is marshalled as the body and
// sent with Content-Type: application/json; out (if not nil) receives the
// answer when its body is non-empty. scrub lists per-call secret values
// (tokens sent in a body) to remove from error messages. need, when set,
// checks the decoded answer for what the call cannot do without (a new
// token's id and secret) and returns a *transport.BadAnswer if it lacks it.
type call struct {
	op     string
	class  transport.Class
	method string
	path   string
	in     any
	out    any
	public bool // sent without credentials
	scrub  []string
	need   func(resp *transport.Response) error
}

func (c *Client) do(ctx context.Context, k call) (*transport.Response, error) {
	req := &transport.Request{Operation: k.op, Class: k.class, Method: k.method, Path: k.path, NoSign: k.public}
	if k.in != nil {
		b, err := json.Marshal(k.in)
		if err != nil {
			return nil, cloudkeys.InvalidInput(vendor, k.op, "cannot encode the request: "+scrubAll(err.Error(), k.scrub))
		}
		req.Body = b
		req.Header = http.Header{"Content-Type": {"application/json"}}
	}
	resp, err := c.t.Do(ctx, req)
	if err != nil {
		clean := func(s string) string { return c.t.Scrub(scrubAll(s, k.scrub)) }
		var ae *cloudkeys.APIError
		if errors.As(err, &ae) {
			ae.Message = clean(ae.Message)
		}
		var oe *Error
		if errors.As(err, &oe) && oe.Body != nil {
			// The parsed body is kept for callers: scrub and clean its
			// description like the message (Details stays raw JSON).
			oe.Body.Description = transport.CleanText(clean(oe.Body.Description))
			oe.Body.Details = json.RawMessage(clean(string(oe.Body.Details)))
		}
		return resp, err
	}
	// A success answer that cannot be read is never quoted; for a write it
	// matches ErrOutcomeUnknown and keeps the body (see
	// transport.Client.Undecodable).
	if k.out != nil && k.method == http.MethodGet && len(bytes.TrimSpace(resp.Body)) == 0 {
		// A read answered with nothing is not an empty result: without
		// this, a proxy's empty 200 would list no tokens at all.
		return resp, c.t.Undecodable(req, resp, &transport.BadAnswer{Problem: "empty answer"})
	}
	if k.out != nil && len(bytes.TrimSpace(resp.Body)) > 0 {
		if jerr := json.Unmarshal(resp.Body, k.out); jerr != nil {
			return resp, c.t.Undecodable(req, resp, jerr)
		}
	}
	if k.need != nil {
		if err := k.need(resp); err != nil {
			return resp, c.t.Undecodable(req, resp, err)
		}
	}
	return resp, nil
}

func scrubAll(s string, secrets []string) string {
	for _, v := range secrets {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "[REDACTED]")
		}
	}
	return s
}

// segment returns value escaped as one path segment. "", "." and ".." are
// refused before any request with an error naming field: a proxy or the
// server would normalise such a segment to another resource.
func segment(field, value string) (string, error) {
	return transport.PathSegment(vendor, field, value)
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
			return "", cloudkeys.InvalidInput(vendor, "Subject.ID", "must not be empty for User (use CurrentUser for the caller)")
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
	return "", cloudkeys.InvalidInput(vendor, "Subject.Type", `must be "", "user" or "provider"`)
}

func requireID(field, id string) error {
	if strings.TrimSpace(id) == "" {
		return cloudkeys.InvalidInput(vendor, field, "must not be empty")
	}
	return nil
}
