package zstack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/config"
	"github.com/cloudkeys/cloudkeys/internal/redact"
	"github.com/cloudkeys/cloudkeys/internal/transport"
	"github.com/cloudkeys/cloudkeys/internal/zstackwire"
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
	sessions *transport.Session[*Session] // the login session (AccountLogin and UserLogin only)
	basePath string                       // e.g. "/zstack/v1"

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
// then. [WithServerLocation] sets the server's time zone, used for the Date
// header of AccessKey signatures and for parsing inventory dates (default:
// the local zone); [WithPollInterval] the wait between polls of a job.
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
	c := &Client{creds: creds, loc: time.Local, basePath: base.Path}
	if loc, ok := config.VendorValue[*time.Location](&s, config.ServerLocation{}); ok {
		c.loc = loc
	}
	if creds.kind == credAccessKey {
		c.ak.Store(&akState{id: creds.akID, secret: creds.akSecret})
	}
	c.pollMin, c.pollMax = pollWaits(s.Retry.MinWait, s.Retry.MaxWait)
	if d, ok := config.VendorValue[time.Duration](&s, pollIntervalKey{}); ok {
		c.pollMin, c.pollMax = d, d
	}
	secrets := []string{creds.password.Reveal(), creds.session.Reveal(), creds.akSecret.Reveal()}
	if !creds.password.IsZero() {
		secrets = append(secrets, zstackwire.HashPassword(creds.password.Reveal()))
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
	if creds.canLogin() {
		c.sessions = &transport.Session[*Session]{
			Login: func(ctx context.Context) (*Session, time.Time, error) {
				s, err := c.logIn(ctx)
				return s, time.Time{}, err // sliding expiry: renewed by every call, so never by time
			},
			Expired: func(err error) bool { return errorCodeOf(err) == CodeInvalidSession },
			// Repeat policy: every class. ZStack evaluates the session
			// (AuthorizationManager.evaluateSession) before it handles an
			// API message: ID.1001 answers a synchronous call in its 503,
			// and an asynchronous one as its job's result, and either way
			// the message was refused, not run. The repeat of an
			// asynchronous write carries a new X-Job-UUID (the refused job
			// holds the first), so it stays exactly-once.
			Repeat: transport.RepeatAll,
			Now:    c.tc.Now,
		}
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

// answerCheck is implemented by the answer types that must carry something
// (a created key's id and secret, a session's uuid); check returns a
// *transport.BadAnswer when the decoded answer lacks it. invoke makes it the
// call's Need.
type answerCheck interface{ check() error }

// isAsync reports whether ZStack runs k as an asynchronous job (202 and a
// job location): every write except the session APIs (login, logout),
// which are the calls sent without Authorization.
func isAsync(k *transport.Call) bool {
	return k.Method != "" && k.Method != http.MethodGet && !k.NoSign
}

// invoke runs k (transport.Call: JSON body from In, the answer into Out,
// whose answerCheck is its Need). A call with login credentials carries the
// session of c.sessions, which logs in first where needed, and once more
// after an ID.1001 (expired session), then repeats the call once (see the
// repeat policy in New). An asynchronous write (isAsync) is sent as an
// IdempotentWrite with an X-Job-UUID and its job polled; Out receives the
// job's result.
func (c *Client) invoke(ctx context.Context, k transport.Call) error {
	_, err := c.invokeResp(ctx, k)
	return err
}

// invokeResp is invoke, returning the response of a synchronous call too
// (nil for an asynchronous write): a caller that leaves Out nil reads the
// answer itself.
func (c *Client) invokeResp(ctx context.Context, k transport.Call) (*transport.Response, error) {
	if ctx == nil {
		return nil, cloudkeys.InvalidInput(Vendor, "ctx", "nil context")
	}
	if a, ok := k.Out.(answerCheck); ok && k.Need == nil {
		k.Need = func(*transport.Response) error { return a.check() }
	}
	if isAsync(&k) {
		// One job uuid for every attempt: the server refuses a second
		// submission, so retrying the write can never run it twice.
		k.Class = transport.IdempotentWrite
	}
	if k.NoSign || c.sessions == nil {
		return c.invokeOnce(ctx, k)
	}
	var resp *transport.Response
	err := c.sessions.Do(ctx, k.Class, func(ctx context.Context, s *Session) error {
		k.Sign = sessionSigner(s)
		var err error
		resp, err = c.invokeOnce(ctx, k)
		return err
	})
	return resp, err
}

// invokeOnce sends k once (with the transport's retries) and returns the
// response of a synchronous call. An asynchronous write gets a new job
// uuid each time.
func (c *Client) invokeOnce(ctx context.Context, k transport.Call) (*transport.Response, error) {
	if k.In == nil && !isAsync(&k) {
		// Nothing to add to the header (the transport gives every attempt
		// a header map of its own): no copy of it.
		resp, err := c.tc.Call(ctx, k)
		c.scrubError(err)
		return resp, err
	}
	h := k.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if k.In != nil {
		h.Set("Content-Type", "application/json;charset=UTF-8")
	}
	k.Header = h
	if !isAsync(&k) {
		resp, err := c.tc.Call(ctx, k)
		c.scrubError(err)
		return resp, err
	}
	return nil, c.runJob(ctx, k, h)
}

// runJob sends k, an asynchronous write with header h, with a new job
// uuid, and waits for its job's result, which it decodes into k.Out.
func (c *Client) runJob(ctx context.Context, k transport.Call, h http.Header) error {
	// The job's result answers the write: an unreadable one is a write's
	// (it matches cloudkeys.ErrOutcomeUnknown and keeps the answer that
	// holds the result), unless the answer is a session.
	view := k
	view.Class = transport.Write
	k.Out, k.Need = nil, nil
	jobID := newJobUUID()
	h.Set("X-Job-UUID", jobID)
	resp, err := c.tc.Call(ctx, k)
	if err != nil {
		c.scrubError(err)
		if isDuplicateJob(err) {
			// An earlier attempt arrived: read its job, don't write again.
			return c.waitJob(ctx, &view, jobID)
		}
		var ae *cloudkeys.APIError
		if errors.As(err, &ae) {
			if notFromZStack(ae) {
				// A gateway's 5xx, or an answer too large to read, may
				// hide a job that ZStack accepted: ask the job itself.
				return c.reconcileJob(ctx, &view, jobID, err)
			}
			return err // ZStack's own refusal: nothing ran
		}
		if !neverSent(err) {
			return &JobOutcomeUnknownError{Operation: k.Operation, JobUUID: jobID, Err: err}
		}
		return err
	}
	if resp.StatusCode == http.StatusAccepted {
		id, err := jobIDFromLocation(resp.Body)
		if err != nil {
			return &JobOutcomeUnknownError{Operation: k.Operation, JobUUID: jobID,
				Err: c.tc.Unreadable(&view, resp, &transport.BadAnswer{Problem: err.Error()})}
		}
		return c.waitJob(ctx, &view, id)
	}
	return c.tc.Decode(&view, resp)
}

// scrubError removes registered secrets from the Path field of a transport
// error (session APIs carry the session uuid in the path): its Error()
// scrubs, but %#v prints the field raw.
func (c *Client) scrubError(err error) {
	if err == nil {
		return
	}
	var te *transport.Error
	if errors.As(err, &te) {
		te.Path = c.tc.Scrub(te.Path)
	}
}

// newJobUUID returns a random 32-hex job id, the form X-Job-UUID requires.
func newJobUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
