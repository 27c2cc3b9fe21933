package cloudstack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/cloudstackwire"
	"github.com/cloudkeys/cloudkeys/internal/config"
	"github.com/cloudkeys/cloudkeys/internal/jsonscan"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// Vendor is the vendor name reported by [Client.Vendor], in errors and in
// Key.Vendor.
const Vendor = "cloudstack"

// expiresAhead is how far in the future the expires parameter of a signed
// request lies. The server rejects an expires in the past and, when it
// enforces timestamps, one more than 15 minutes ahead.
const expiresAhead = 5 * time.Minute

const formType = "application/x-www-form-urlencoded"

// The bounds of the wait between queryAsyncJobResult polls without
// [WithPollInterval].
const (
	DefaultPollMin = time.Second
	DefaultPollMax = 15 * time.Second
)

// Client talks to one CloudStack management server API endpoint. It is safe
// for concurrent use.
type Client struct {
	tc    *transport.Client
	creds Credentials
	key   atomic.Pointer[keyState] // the pair API-key credentials sign with (see apiKeyPair)

	pollMin, pollMax atomic.Int64

	verMu   sync.Mutex
	version string // cached listCapabilities cloudstackversion

	sessions *transport.Session[*session] // Login credentials only (see newSessions)
}

var (
	_ cloudkeys.KeyManager        = (*Client)(nil)
	_ cloudkeys.CredentialRotator = (*Client)(nil)
)

// keyState is the API key pair an APIKey client signs with: the one it was
// built with until UseCredential (or RotateKey of the client's own key)
// switches it. pairID is the 4.23 key-pair id of the pair once known, else
// "".
type keyState struct {
	apiKey string
	secret cloudkeys.Secret
	pairID string
}

// apiKeyPair returns the pair the client signs with now.
func (c *Client) apiKeyPair() *keyState {
	if k := c.key.Load(); k != nil {
		return k
	}
	return &keyState{apiKey: c.creds.apiKey.Reveal(), secret: c.creds.secretKey}
}

// New returns a client for endpoint, the API URL such as
// https://cs.example.com/client/api (or http://host:8096/client/api for the
// integration port). creds come from [APIKey], [Login] or [IntegrationPort].
// Bad input is an error matching cloudkeys.ErrInvalidRequest; nothing is
// sent until the first call.
func New(endpoint string, creds Credentials, opts ...cloudkeys.Option) (*Client, error) {
	var secrets []string
	switch creds.kind {
	case credAPIKey:
		if creds.apiKey.IsZero() {
			return nil, cloudkeys.InvalidInput(Vendor, "apiKey", "must not be empty")
		}
		if creds.secretKey.IsZero() {
			return nil, cloudkeys.InvalidInput(Vendor, "secretKey", "must not be empty")
		}
		secrets = []string{creds.apiKey.Reveal(), creds.secretKey.Reveal()}
	case credLogin:
		if creds.username == "" {
			return nil, cloudkeys.InvalidInput(Vendor, "username", "must not be empty")
		}
		if creds.password.IsZero() {
			return nil, cloudkeys.InvalidInput(Vendor, "password", "must not be empty")
		}
		secrets = []string{creds.password.Reveal()}
	case credIntegration:
	default:
		return nil, cloudkeys.InvalidInput(Vendor, "creds", "use APIKey, Login or IntegrationPort")
	}
	settings, err := transport.Resolve(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Vendor, err)
	}
	c := &Client{creds: creds}
	tc, err := transport.NewWithSettings(transport.Config{
		Vendor: Vendor, BaseURL: endpoint, Classify: classify, Check: c.check, Secrets: secrets,
	}, settings)
	if err != nil {
		return nil, err
	}
	c.tc = tc
	if creds.kind == credLogin {
		c.sessions = c.newSessions()
	}
	if creds.kind == credAPIKey {
		c.key.Store(&keyState{apiKey: creds.apiKey.Reveal(), secret: creds.secretKey})
	}
	c.pollMin.Store(int64(DefaultPollMin))
	c.pollMax.Store(int64(DefaultPollMax))
	if d, ok := config.VendorValue[time.Duration](&settings, pollIntervalKey{}); ok {
		c.pollMin.Store(int64(d))
		c.pollMax.Store(int64(d))
	}
	return c, nil
}

// String describes the client by its endpoint only.
func (c *Client) String() string {
	if c == nil || c.tc == nil {
		return "cloudstack.Client(nil)"
	}
	return "cloudstack.Client(" + c.tc.BaseURL().Redacted() + ")"
}

// GoString is String, so %#v never reaches the credentials.
func (c *Client) GoString() string { return c.String() }

// Format writes String for every verb: fmt's error paths would otherwise
// print the unexported fields, credentials and session included.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue logs the endpoint only.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Vendor returns "cloudstack".
func (c *Client) Vendor() string { return Vendor }

// SetPollInterval sets the bounds of the jittered exponential wait between
// queryAsyncJobResult polls of an asynchronous command (default 1 s to 15 s).
// Polling ends when the job ends or the context is done.
//
// Deprecated: pass [WithPollInterval] to New instead; a client is then
// configured once, before it is shared.
func (c *Client) SetPollInterval(min, max time.Duration) {
	if min <= 0 {
		min = time.Millisecond
	}
	if max < min {
		max = min
	}
	c.pollMin.Store(int64(min))
	c.pollMax.Store(int64(max))
}

// call is one API command.
type call struct {
	command string
	params  url.Values // without command and response
	class   transport.Class
	post    bool // state-changing: POST with a signed form body

	// fast, when set, reads the inside of a success answer in the pass
	// that looks for an error in it (see readAnswer); the reply then says
	// fast, and the caller takes what fast read instead of decoding inner.
	fast func(s *jsonscan.Scanner)
}

// reply is a command's answer: the inside of its {"<command>response":…}
// envelope, and what an unreadable one is reported with
// (transport.Client.Unreadable): the command's call (Operation, Class,
// Session), and the response that holds it — for an asynchronous command,
// the job's.
type reply struct {
	inner json.RawMessage
	call  *transport.Call
	resp  *transport.Response
	fast  bool // call.fast read the answer; inner is nil
}

// unreadable is the error for a success answer that cannot be read or
// lacks what the command needs: a *cloudkeys.UndecodableAnswerError, never
// quoting the answer; for a write it matches cloudkeys.ErrOutcomeUnknown and
// keeps the answer.
func (c *Client) unreadable(r *reply, cause error) error {
	return c.tc.Unreadable(r.call, r.resp, cause)
}

// decode unmarshals the inside of an answer into v; a value it cannot take
// makes the answer unreadable.
func (c *Client) decode(r *reply, v any) error {
	if err := json.Unmarshal(r.inner, v); err != nil {
		return c.unreadable(r, err)
	}
	return nil
}

// answerProblem describes an unwrap error without answer text.
func answerProblem(err error) *transport.BadAnswer {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return transport.NewBadAnswer(err)
	}
	return &transport.BadAnswer{Problem: err.Error()} // unwrap's own words
}

// do sends a command and returns the inside of its {"<command>response":…}
// object. Reads go as GET with a signed query; state-changing commands as
// POST with a signed form body. In login mode the command carries the
// session of c.sessions, which logs in again once after a 401 and repeats
// the command (see newSessions). A 200 that is not a CloudStack answer (a
// PHP notice or a proxy banner around it) is an error from c.unreadable,
// returned with the reply (for its response).
func (c *Client) do(ctx context.Context, cl call) (*reply, error) {
	if ctx == nil {
		return nil, cloudkeys.InvalidInput(Vendor, "ctx", "nil context")
	}
	full := url.Values{}
	for k, v := range cl.params {
		if len(v) > 0 {
			full.Set(k, v[0])
		}
	}
	full.Set("command", cl.command)
	full.Set("response", "json")

	// With cl.fast the call's Check reads a 200 in one pass (readAnswer);
	// an answer that pass does not take (an error envelope, another shape)
	// goes to the client's check and below to unwrap and decode, as
	// without it.
	var fast bool
	var check func(*transport.Request, *transport.Response) error
	if cl.fast != nil {
		check = func(req *transport.Request, resp *transport.Response) error {
			fast = resp.StatusCode == http.StatusOK && readAnswer(resp.Body, cl.fast)
			if fast {
				return nil
			}
			return c.check(req, resp)
		}
	}
	var resp *transport.Response
	var err error
	switch c.creds.kind {
	case credIntegration:
		// A write sent as a GET is never replayed by net/http: the
		// transport marks every Write non-replayable.
		resp, err = c.tc.Call(ctx, transport.Call{
			Operation: cl.command, Class: cl.class, Method: http.MethodGet,
			RawQuery: cloudstackwire.EncodeForm(full), NoSign: true, Check: check,
		})
	case credLogin:
		err = c.sessions.Do(ctx, cl.class, func(ctx context.Context, s *session) error {
			var err error
			k := sessionCall(cl, full, s)
			k.Check = check
			resp, err = c.tc.Call(ctx, k)
			return err
		})
	default:
		k := c.signedCall(cl, full)
		k.Check = check
		resp, err = c.tc.Call(ctx, k)
	}
	if err != nil {
		return nil, err
	}
	r := &reply{call: &transport.Call{Operation: cl.command, Class: cl.class}, resp: resp}
	if fast {
		r.fast = true
		return r, nil
	}
	_, inner, err := unwrap(resp.Body)
	if err != nil {
		return r, c.unreadable(r, answerProblem(err))
	}
	r.inner = inner
	return r, nil
}

// method is GET for a read, POST for a state-changing command.
func (cl call) method() string {
	if cl.post {
		return http.MethodPost
	}
	return http.MethodGet
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v)+4)
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// flexString decodes a JSON string, number or boolean into its text;
// CloudStack sends some numbers as strings and vice versa across versions.
type flexString string

// UnmarshalJSON accepts a string, number, boolean or null.
func (f *flexString) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		*f = ""
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*f = flexString(v)
		return nil
	}
	*f = flexString(s)
	return nil
}

func (f flexString) int() int {
	n, _ := strconv.Atoi(string(f))
	return n
}

func (f flexString) bool() bool { return strings.EqualFold(string(f), "true") }
