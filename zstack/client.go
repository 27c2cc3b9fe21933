package zstack

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/redact"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// Vendor is the vendor name reported by [Client.Vendor] and in errors.
const Vendor = "zstack"

// contextPath is the servlet context every REST path lives under.
const contextPath = "/zstack"

var (
	_ cloudkeys.KeyManager        = (*Client)(nil)
	_ cloudkeys.CredentialRotator = (*Client)(nil)
)

// Client talks to a ZStack management node's REST API
// (<endpoint>/zstack/v1/...). It is safe for concurrent use. A Client
// prints, logs and marshals as "[REDACTED]": it holds credentials.
type Client struct {
	redact.Redacted

	tc       *transport.Client
	creds    Credentials
	loc      *time.Location
	pollMin  time.Duration
	pollMax  time.Duration
	loginMu  sync.Mutex // serialises logins
	mu       sync.RWMutex
	session  *Session // current login session (login credentials only)
	basePath string   // e.g. "/zstack/v1"

	ak atomic.Pointer[akState] // the AccessKey signing every attempt (AccessKey credentials only)
}

// akState is the AccessKey pair a client with AccessKey credentials signs
// with: the one it was built with until UseCredential switches it. uuid is
// the key's uuid once known (CredentialKeyID), else "".
type akState struct {
	id     string
	secret cloudkeys.Secret
	uuid   string
}

// New returns a client for the management node at endpoint, e.g.
// "http://mn:8080" (the client adds "/zstack/v1"; a trailing "/zstack" is
// accepted). Nothing is sent until the first call; login credentials log in
// then. [cloudkeys.WithServerLocation] sets the server's time zone, used for
// the Date header of AccessKey signatures and for parsing inventory dates
// (default: the local zone).
func New(endpoint string, creds Credentials, opts ...cloudkeys.Option) (*Client, error) {
	if err := creds.validate(); err != nil {
		return nil, err
	}
	base, err := transport.ParseEndpoint(Vendor, endpoint)
	if err != nil {
		return nil, err
	}
	p := strings.TrimRight(base.Path, "/")
	p = strings.TrimSuffix(p, "/v1")
	p = strings.TrimSuffix(p, contextPath)
	base.Path = p + contextPath + "/v1"
	base.RawPath = ""
	s, err := transport.Resolve(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Vendor, err)
	}
	c := &Client{creds: creds, loc: s.ServerLocation, basePath: base.Path}
	if creds.kind == credAccessKey {
		c.ak.Store(&akState{id: creds.akID, secret: creds.akSecret})
	}
	if c.loc == nil {
		c.loc = time.Local
	}
	c.pollMin, c.pollMax = pollWaits(s.Retry.MinWait, s.Retry.MaxWait)
	secrets := []string{creds.password.Reveal(), creds.session.Reveal(), creds.akSecret.Reveal()}
	if !creds.password.IsZero() {
		secrets = append(secrets, HashPassword(creds.password.Reveal()))
	}
	c.tc, err = transport.NewWithSettings(transport.Config{
		Vendor:   Vendor,
		BaseURL:  base.String(),
		Sign:     c.sign,
		Classify: classify,
		Check:    c.check,
		Secrets:  secrets,
	}, s)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// pollWaits derives the job polling interval from the retry policy: from
// MinWait (at least 1ms) growing to MaxWait, but never more than 2s.
func pollWaits(minW, maxW time.Duration) (time.Duration, time.Duration) {
	if minW < time.Millisecond {
		minW = time.Millisecond
	}
	if maxW > 2*time.Second {
		maxW = 2 * time.Second
	}
	if maxW < minW {
		maxW = minW
	}
	return minW, maxW
}

// contextPrefix is the base path before "/v1".
func (c *Client) contextPrefix() string { return strings.TrimSuffix(c.basePath, "/v1") }

// Vendor returns "zstack".
func (c *Client) Vendor() string { return Vendor }

// ServerLocation returns the time zone the client assumes for the server.
func (c *Client) ServerLocation() *time.Location { return c.loc }

// sign authenticates one attempt: an AccessKey signature, or the session.
func (c *Client) sign(ctx context.Context, o *transport.Outgoing) error {
	switch c.creds.kind {
	case credAccessKey:
		ak := c.ak.Load()
		return accessKeySigner(ak.id, ak.secret.Reveal(), c.loc, c.contextPrefix())(ctx, o)
	case credSession:
		o.Header.Set("Authorization", "OAuth "+c.creds.session.Reveal())
		return nil
	default:
		id := c.sessionUUID()
		if id == "" {
			return errors.New("not logged in")
		}
		o.Header.Set("Authorization", "OAuth "+id)
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
		date := FormatDate(o.Now, loc)
		uri := o.URL.Path
		if rest, ok := strings.CutPrefix(uri, prefix); ok && strings.HasPrefix(rest, "/v1/") {
			uri = rest
		} else {
			uri = SignURI(uri)
		}
		sig := Sign(secret, o.Method, date, uri)
		o.Header.Set("Date", date)
		o.Header.Set("Authorization", AuthorizationHeader(id, sig))
		return nil
	}
}

// apiCall is one logical REST call.
type apiCall struct {
	op     string
	method string
	path   string // escaped, below /zstack/v1, e.g. "/accesskeys"
	query  url.Values
	body   any
	async  bool            // answers 202 + job location; carries X-Job-UUID
	class  transport.Class // for synchronous calls
	noAuth bool
	// session marks a call whose answer is a session (a login, a renewal),
	// not a key: an unreadable one is reported as a read's, with no
	// outcome doubt and nothing kept.
	session bool
}

// answerCheck is implemented by the answer types that must carry something
// (a created key's id and secret, a session's uuid); check returns a
// *transport.BadAnswer when the decoded answer lacks it.
type answerCheck interface{ check() error }

// view is the request an unreadable answer to call is reported against
// (transport.Client.Undecodable): an asynchronous call is a write whatever
// its retry class, so its unreadable result matches
// cloudkeys.ErrOutcomeUnknown and keeps the answer that holds the result
// (the job's); a session's answer is reported as a read's.
func (call apiCall) view(req *transport.Request) *transport.Request {
	switch {
	case call.session:
		return &transport.Request{Operation: call.op, Class: transport.Read}
	case call.async:
		return &transport.Request{Operation: call.op, Class: transport.Write}
	}
	return req
}

// invoke runs call, logging in first where needed, and once more after an
// ID.1001 (expired session) when the client holds login credentials. The
// repeat carries a new job uuid: the first job failed, so nothing ran.
func (c *Client) invoke(ctx context.Context, call apiCall, out any) error {
	if ctx == nil {
		return cloudkeys.InvalidInput(Vendor, "ctx", "nil context")
	}
	var used string
	if !call.noAuth {
		var err error
		if used, err = c.ensureSession(ctx); err != nil {
			return err
		}
	}
	err := c.invokeOnce(ctx, call, out)
	if err != nil && !call.noAuth && c.creds.canLogin() && errorCodeOf(err) == CodeInvalidSession {
		if _, lerr := c.relogin(ctx, used); lerr != nil {
			return fmt.Errorf("%s: %s: session expired and logging in again failed: %w", Vendor, call.op, lerr)
		}
		err = c.invokeOnce(ctx, call, out)
	}
	return err
}

func (c *Client) invokeOnce(ctx context.Context, call apiCall, out any) error {
	h := http.Header{}
	var body []byte
	if call.body != nil {
		b, err := json.Marshal(call.body)
		if err != nil {
			return fmt.Errorf("%s: %s: encoding the request: %w", Vendor, call.op, err)
		}
		body = b
		h.Set("Content-Type", "application/json;charset=UTF-8")
	}
	req := &transport.Request{
		Operation: call.op, Class: call.class, Method: call.method, Path: call.path,
		Query: call.query, Header: h, Body: body, NoSign: call.noAuth,
	}
	var jobID string
	if call.async {
		jobID = NewJobUUID()
		h.Set("X-Job-UUID", jobID)
		// One job uuid for every attempt: the server refuses a second
		// submission, so retrying the write can never run it twice.
		req.Class = transport.IdempotentWrite
	}
	resp, err := c.tc.Do(ctx, req)
	if err != nil {
		c.scrubError(err)
		if call.async {
			if isDuplicateJob(err) {
				// An earlier attempt arrived: read its job, don't write again.
				return c.waitJob(ctx, call.view(req), jobID, out)
			}
			var ae *cloudkeys.APIError
			if errors.As(err, &ae) {
				if notFromZStack(ae) {
					// A gateway's 5xx, or an answer too large to read, may
					// hide a job that ZStack accepted: ask the job itself.
					return c.reconcileJob(ctx, call.view(req), jobID, out, err)
				}
				return err // ZStack's own refusal: nothing ran
			}
			if !neverSent(err) {
				return &JobOutcomeUnknownError{Operation: call.op, JobUUID: jobID, Err: err}
			}
		}
		return err
	}
	if call.async && resp.StatusCode == http.StatusAccepted {
		id, err := jobIDFromLocation(resp.Body)
		if err != nil {
			return &JobOutcomeUnknownError{Operation: call.op, JobUUID: jobID,
				Err: c.tc.Undecodable(call.view(req), resp, &transport.BadAnswer{Problem: err.Error()})}
		}
		return c.waitJob(ctx, call.view(req), id, out)
	}
	if out != nil && call.method == http.MethodGet && len(bytes.TrimSpace(resp.Body)) == 0 {
		// A read answered with nothing is not an empty result: without
		// this, a proxy's empty 200 would list no keys at all.
		return c.tc.Undecodable(req, resp, &transport.BadAnswer{Problem: "empty answer"})
	}
	return c.decodeResult(call.view(req), resp, out)
}

// scrubError removes registered secrets from the Path field of a transport
// error (session APIs carry the session uuid in the path): its Error()
// scrubs, but %#v prints the field raw.
func (c *Client) scrubError(err error) {
	var te *transport.Error
	if errors.As(err, &te) {
		te.Path = c.tc.Scrub(te.Path)
	}
}

// decodeResult decodes a success answer (a synchronous call's, or a job's
// result) into out. An answer that cannot be decoded, or that lacks what
// out must carry (answerCheck), is a *cloudkeys.UndecodableAnswerError
// reported against view: never quoted; for a write it matches
// cloudkeys.ErrOutcomeUnknown and keeps the body.
func (c *Client) decodeResult(view *transport.Request, resp *transport.Response, out any) error {
	if out == nil {
		return nil
	}
	if len(bytes.TrimSpace(resp.Body)) > 0 {
		if err := json.Unmarshal(resp.Body, out); err != nil {
			return c.tc.Undecodable(view, resp, err)
		}
	}
	if a, ok := out.(answerCheck); ok {
		if err := a.check(); err != nil {
			return c.tc.Undecodable(view, resp, err)
		}
	}
	return nil
}

// NewJobUUID returns a random 32-hex job id, the form X-Job-UUID requires.
func NewJobUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
