package huaweibcs

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

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
	tokens    *tokenSource // Password credentials only
	basePath  string       // /v1/{project_id}/node-provider/credentials
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
		Check:           check,
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

// signAKSK signs one attempt: X-Project-Id (and X-Security-Token for
// temporary credentials) and a fresh X-Sdk-Date from the client's clock are
// set, then signed together with host.
func (c *Client) signAKSK(_ context.Context, o *transport.Outgoing) error {
	o.Header.Set(HeaderProjectID, c.projectID)
	o.Header.Set(HeaderSdkDate, o.Now.UTC().Format(DateFormat))
	signed := DefaultSignedHeaders
	if !c.creds.securityToken.IsZero() {
		o.Header.Set(HeaderSecurityToken, c.creds.securityToken.Reveal())
		signed = "host;x-project-id;x-sdk-date;x-security-token"
	}
	auth, err := SignAKSK(c.creds.ak, c.creds.sk.Reveal(), o.Method, o.URL, o.Header, signed, o.Body)
	if err != nil {
		return err
	}
	o.Header.Set("Authorization", auth)
	return nil
}

// do sends req. With Password credentials it adds a cached token and, when
// the answer is 401, logs in again once and repeats the call, once, with the
// new token. This holds for every class, a create (transport.Write)
// included, and is safe because:
//
//   - the 401 is a complete answer to the only request that reached the
//     server: the transport never re-sends a Write that may have left (a
//     lost answer is cloudkeys.ErrOutcomeUnknown, returned without a
//     response, and is never repeated here);
//   - a 401 means the request was not carried out: RFC 9110 §15.5.2 ("the
//     request has not been applied because it lacks valid authentication
//     credentials"); Huawei's API gateway authenticates before it forwards
//     (APIGW.0301/0303 are raised before NES sees the request), and NES's
//     own BCS.03401001 ("Authorization failed", "The token must be
//     updated") refuses the call;
//   - so the repeat is the first create that is carried out, and the
//     second 401, if any, is returned as is.
//
// A token expires (24 h), or is invalidated by a password or permission
// change, while cached; without the repeat such a create would fail
// although a fresh login would succeed. AK/SK and Token credentials are
// never repeated (a bad AK/SK would only count towards the AK lockout; a
// fixed token cannot be renewed).
func (c *Client) do(ctx context.Context, req *transport.Request) (*transport.Response, error) {
	if c.tokens == nil {
		return c.t.Do(ctx, req)
	}
	tok, err := c.tokens.get(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: login: %w", Vendor, req.Operation, err)
	}
	r := *req
	r.Sign = tokenSigner(tok)
	resp, err := c.t.Do(ctx, &r)
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	c.tokens.invalidate(tok)
	tok2, lerr := c.tokens.get(ctx)
	if lerr != nil {
		return resp, err
	}
	r2 := *req
	r2.Sign = tokenSigner(tok2)
	return c.t.Do(ctx, &r2)
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
