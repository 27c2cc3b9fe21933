package huaweibcs

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// Vendor is the name this package reports in errors and Key.Vendor.
const Vendor = "huaweibcs"

// DefaultEndpoint is the NES management endpoint New uses when endpoint is
// "" (NES is sold only in AP-Singapore; the host name is inferred from the
// BCS family, so make it configurable).
const DefaultEndpoint = "https://bcs.ap-southeast-3.myhuaweicloud.com"

// Client talks to the NES "node-provider" API-keys endpoints
// (/v1/{project_id}/node-provider/credentials). It is safe for concurrent
// use by many goroutines.
type Client struct {
	t         *transport.Client
	projectID string
	creds     Credentials
	tokens    *transport.Session[cloudkeys.Secret] // Password credentials only
	basePath  string                               // /v1/{project_id}/node-provider/credentials
}

var (
	_ cloudkeys.KeyManager  = (*Client)(nil)
	_ cloudkeys.KeyReplacer = (*Client)(nil)
)

// New returns a client for endpoint ("" means DefaultEndpoint) and the
// 32-character project id (one per account and region). creds come from
// [Token], [AKSK], [TemporaryAKSK] or [Password]. Nothing is sent until the
// first call; bad input (including credentials holding control characters,
// such as a trailing newline) is reported here as an error matching
// cloudkeys.ErrInvalidRequest that names the field, never its value.
func New(endpoint, projectID string, creds Credentials, opts ...cloudkeys.Option) (*Client, error) {
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	if err := validateProjectID(projectID); err != nil {
		return nil, err
	}
	projectSeg, err := transport.PathSegment(Vendor, "projectID", projectID)
	if err != nil {
		return nil, err
	}
	if err := creds.validate(); err != nil {
		return nil, err
	}
	c := &Client{
		projectID: projectID,
		creds:     creds,
		basePath:  "/v1/" + projectSeg + "/node-provider/credentials",
	}
	cfg := transport.Config{
		Vendor:          Vendor,
		BaseURL:         endpoint,
		Classify:        classify,
		Check:           c.check,
		RequestIDHeader: RequestIDHeader,
		Secrets:         creds.secrets(),
	}
	switch creds.kind {
	case kindToken:
		tok := creds.token
		cfg.Sign = func(_ context.Context, o *transport.Outgoing) error {
			o.Header.Set(HeaderAuthToken, tok.Reveal())
			return nil
		}
	case kindAKSK:
		cfg.Sign = c.signAKSK
	}
	t, err := transport.New(cfg, opts)
	if err != nil {
		return nil, err
	}
	c.t = t
	if creds.kind == kindPassword {
		ts, err := newTokenSource(t, creds, projectID)
		if err != nil {
			return nil, err
		}
		c.tokens = ts
	}
	return c, nil
}

// ProjectID returns the project id the client works in.
func (c *Client) ProjectID() string { return c.projectID }

// call sends k (transport.Call). With Password credentials it carries the
// IAM token of the client's session source (newTokenSource), which logs in
// once for all concurrent callers, renews the token before it expires and,
// when an answer is 401, logs in again once and repeats the call — for
// every class (see newTokenSource for why that is safe).
func (c *Client) call(ctx context.Context, k transport.Call) (*transport.Response, error) {
	if c.tokens == nil {
		return c.t.Call(ctx, k)
	}
	var resp *transport.Response
	err := c.tokens.Do(ctx, k.Class, func(ctx context.Context, tok cloudkeys.Secret) error {
		k.Sign = tokenSigner(tok.Reveal())
		var err error
		resp, err = c.t.Call(ctx, k)
		return err
	})
	return resp, err
}

func tokenSigner(tok string) transport.Signer {
	return func(_ context.Context, o *transport.Outgoing) error {
		o.Header.Set(HeaderAuthToken, tok)
		return nil
	}
}

// credentialPath returns the escaped path of one credential; "", "." and
// ".." are refused as field before any request.
func (c *Client) credentialPath(field, id string) (string, error) {
	seg, err := transport.PathSegment(Vendor, field, id)
	if err != nil {
		return "", err
	}
	return c.basePath + "/" + seg, nil
}

// String returns "huaweibcs.Client(project <id>)". A client holds
// credentials; none of its fields is ever printed.
func (c *Client) String() string {
	if c == nil {
		return "huaweibcs.Client(nil)"
	}
	return "huaweibcs.Client(project " + c.projectID + ")"
}

// GoString is String, for %#v.
func (c *Client) GoString() string { return c.String() }

// Format writes String for every verb, so that fmt's error paths (which
// print nested fields without calling their methods) never reach the
// credentials inside.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue makes log/slog log String.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }
