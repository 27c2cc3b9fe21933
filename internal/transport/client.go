package transport

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/config"
)

// Verdict is a vendor's classification of a response for retrying.
type Verdict int

const (
	// Default leaves the decision to the status code: 429, 502, 503 and 504
	// are transient for reads and idempotent writes.
	Default Verdict = iota
	// Transient marks a response worth retrying for reads and idempotent
	// writes whatever its status.
	Transient
	// Final marks a response never worth retrying (an application error).
	Final
)

// Config is what a vendor package supplies to build its transport.
type Config struct {
	Vendor  string // "cloudstack", ...
	BaseURL string // absolute; Request.Path is appended to its path

	// Sign authenticates every attempt; nil sends requests unsigned.
	Sign Signer
	// Classify may mark a response transient or final before the status
	// rules apply. It sees the whole (size-limited) body.
	Classify func(resp *Response) Verdict
	// Check turns an answer into an error, or nil for success. It runs on
	// every final response, 2xx included (CloudStack and e24 report errors
	// inside a 200). Nil means DefaultCheck. An *cloudkeys.APIError it
	// returns gets Vendor, Operation and Attempts filled in and its Message
	// scrubbed.
	Check func(req *Request, resp *Response) error
	// RequestIDHeader names the header carrying the vendor's request id.
	RequestIDHeader string
	// Secrets are credential values scrubbed from every error message.
	Secrets []string
}

// Client is a vendor's transport. It is safe for concurrent use.
type Client struct {
	cfg       Config
	base      *url.URL
	basePath  string // base's escaped path without a trailing "/"
	settings  config.Settings
	rc        *retryablehttp.Client
	inner     *http.Client
	log       *slog.Logger
	userAgent string
	// userAgentValue is the User-Agent header value every attempt shares
	// (capacity 1: Add copies it); nothing writes into it.
	userAgentValue []string

	// Per-attempt waiting bounds (0: none) and the retry budget (nil: none).
	headerTimeout time.Duration
	bodyTimeout   time.Duration
	budget        *budget

	// The scrub list. Values are cloudkeys.Secret (func-backed), so neither
	// fmt's raw paths nor reflection-walking printers reach them.
	mu     sync.RWMutex
	pinned []cloudkeys.Secret // credentials: kept for the client's life
	recent []cloudkeys.Secret // tokens, session ids, created secrets: the newest maxRecentSecrets
}

// maxRecentSecrets bounds the values AddSecret keeps, so a long-running
// client that creates keys or renews tokens all day neither grows without
// bound nor slows its error path. A value leaves only after this many newer
// ones were registered; the values that matter longest (credentials) are
// pinned.
const maxRecentSecrets = 256

// defaultRetry is the policy without cloudkeys.WithRetry.
var defaultRetry = config.Retry{MaxAttempts: 4, MinWait: 250 * time.Millisecond, MaxWait: 10 * time.Second}

// Option returns a cloudkeys.Option that applies fn: how a vendor package
// defines an option of its own. fn records the value with
// Settings.SetVendor under a key type the vendor declares, or appends an
// error naming the option (cloudkeys.InvalidInput with the vendor "" and
// the field "<vendor>.With…": New prefixes the vendor) to Settings.Errs.
func Option(fn func(*config.Settings)) cloudkeys.Option {
	return config.NewOption(fn).(cloudkeys.Option)
}

// PositiveDuration is a vendor option that keeps d under key in the
// settings (config.Settings.SetVendor); a d that is not positive makes New
// fail with an error matching cloudkeys.ErrInvalidRequest that names the
// option (name, e.g. "zstack.WithPollInterval").
func PositiveDuration(name string, key any, d time.Duration) cloudkeys.Option {
	return Option(func(s *config.Settings) {
		if d <= 0 {
			s.Errs = append(s.Errs, cloudkeys.InvalidInput("", name, "must be positive"))
			return
		}
		s.SetVendor(key, d)
	})
}

// Apply applies opts to s in order; nil options are ignored.
func Apply(s *config.Settings, opts []cloudkeys.Option) {
	for _, o := range opts {
		if o != nil {
			config.ApplyOption(o, s)
		}
	}
}

// Resolve applies the options over their defaults.
func Resolve(opts []cloudkeys.Option) (config.Settings, error) {
	s := config.Settings{
		Logger:           slog.New(slog.DiscardHandler),
		Retry:            defaultRetry,
		Clock:            time.Now,
		MaxResponseBytes: cloudkeys.DefaultMaxResponseBytes,
	}
	Apply(&s, opts)
	if s.TLSConfig != nil && s.HTTPClient != nil {
		s.Errs = append(s.Errs, cloudkeys.InvalidInput("", "WithTLSConfig", "cannot be combined with WithHTTPClient: set the TLS config on that client's transport"))
	}
	if len(s.Errs) > 0 {
		return s, s.Errs[0]
	}
	return s, nil
}

// New builds a transport from the vendor's config and the user's options.
func New(cfg Config, opts []cloudkeys.Option) (*Client, error) {
	s, err := Resolve(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Vendor, err)
	}
	return NewWithSettings(cfg, s)
}

// NewWithSettings builds a transport from already resolved settings.
func NewWithSettings(cfg Config, s config.Settings) (*Client, error) {
	base, err := ParseEndpoint(cfg.Vendor, cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, base: base, basePath: strings.TrimRight(base.EscapedPath(), "/"), settings: s, log: s.Logger}
	c.userAgent = "cloudkeys-go/" + cloudkeys.Version
	if ua := strings.TrimSpace(s.UserAgent); ua != "" {
		c.userAgent += " " + ua
	}
	c.userAgentValue = []string{c.userAgent}
	for _, sec := range cfg.Secrets {
		c.PinSecret(sec)
	}
	c.cfg.Secrets = nil // kept only as cloudkeys.Secret values

	var baseRT http.RoundTripper = newPooledTransport(s)
	var timeout time.Duration
	if s.HTTPClient != nil {
		if s.HTTPClient.Transport != nil {
			baseRT = s.HTTPClient.Transport
		} else {
			baseRT = http.DefaultTransport
		}
		timeout = s.HTTPClient.Timeout
	}
	c.headerTimeout, c.bodyTimeout = waitBounds(s)
	retries := cloudkeys.DefaultRetryBudget
	if s.RetryBudget != nil {
		retries = *s.RetryBudget
	}
	c.budget = newBudget(retries)
	c.inner = &http.Client{
		Transport:     &roundTripper{c: c, base: baseRT},
		CheckRedirect: checkRedirect,
		Timeout:       timeout,
	}
	c.rc = &retryablehttp.Client{
		HTTPClient:   c.inner,
		Logger:       nil, // never: it logs full URLs
		RetryWaitMin: s.Retry.MinWait,
		RetryWaitMax: s.Retry.MaxWait,
		RetryMax:     s.Retry.MaxAttempts - 1,
		CheckRetry:   c.checkRetry,
		Backoff:      c.backoff,
		// Keep the last response and the raw error; Do builds sanitized errors.
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) { return resp, err },
	}
	return c, nil
}

// waitBounds returns the per-attempt bounds on waiting for headers and on
// a stalled body: the options' values, else the defaults — which apply only
// to the client's own pooled transport, not to a caller's http.Client.
func waitBounds(s config.Settings) (header, body time.Duration) {
	if s.HTTPClient == nil {
		header, body = cloudkeys.DefaultResponseHeaderTimeout, cloudkeys.DefaultBodyReadTimeout
	}
	if s.ResponseHeaderTimeout != nil {
		header = *s.ResponseHeaderTimeout
	}
	if s.BodyReadTimeout != nil {
		body = *s.BodyReadTimeout
	}
	return header, body
}

// newPooledTransport is one connection pool per client, sized for many
// goroutines sharing it (Go's default keeps only 2 idle connections per host).
func newPooledTransport(s config.Settings) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if s.TLSConfig != nil {
		t.TLSClientConfig = s.TLSConfig.Clone()
	}
	t.MaxIdleConns = 512
	t.MaxIdleConnsPerHost = 128
	t.IdleConnTimeout = 90 * time.Second
	t.ForceAttemptHTTP2 = true
	return t
}

// ParseEndpoint checks that raw is an absolute http(s) URL with a host, with
// no query, fragment or user info.
func ParseEndpoint(vendor, raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, cloudkeys.InvalidInput(vendor, "endpoint", "must not be empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, cloudkeys.InvalidInput(vendor, "endpoint", "not a URL")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, cloudkeys.InvalidInput(vendor, "endpoint", "scheme must be http or https")
	case u.Host == "":
		return nil, cloudkeys.InvalidInput(vendor, "endpoint", "missing host")
	case u.User != nil:
		return nil, cloudkeys.InvalidInput(vendor, "endpoint", "must not carry user info")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, cloudkeys.InvalidInput(vendor, "endpoint", "must not carry a query or fragment")
	}
	return u, nil
}

// Vendor returns the vendor name.
func (c *Client) Vendor() string { return c.cfg.Vendor }

// BaseURL returns a copy of the base URL.
func (c *Client) BaseURL() *url.URL { u := *c.base; return &u }

// Settings returns the resolved options.
func (c *Client) Settings() config.Settings { return c.settings }

// Logger returns the client's logger (discarding by default).
func (c *Client) Logger() *slog.Logger { return c.log }

// Now reads the client's clock.
func (c *Client) Now() time.Time { return c.settings.Clock() }

// HTTPClient returns the inner client (signing, logging, redirect policy,
// no retries). For vendors that must stream or use a cookie jar.
func (c *Client) HTTPClient() *http.Client { return c.inner }

// AddSecret registers a short-lived value (a session id, a token, a created
// key's secret) to be scrubbed from every error message and log line this
// client produces. The newest maxRecentSecrets such values are kept; adding
// one again makes it the newest. Values shorter than 4 bytes are ignored.
func (c *Client) AddSecret(s string) { c.register(s, false) }

// PinSecret registers a credential (a password, its hash, an access key
// secret) to be scrubbed for the client's whole life. Values shorter than 4
// bytes are ignored.
func (c *Client) PinSecret(s string) { c.register(s, true) }

// register adds s to the pinned or the recent list (taking it out of the
// recent one: a value is in one list at most).
func (c *Client) register(s string, pin bool) {
	if len(s) < 4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if indexOf(c.pinned, s) >= 0 {
		return
	}
	sec := cloudkeys.NewSecret(s)
	if i := indexOf(c.recent, s); i >= 0 {
		sec = c.recent[i]
		c.recent = append(c.recent[:i], c.recent[i+1:]...)
	}
	if pin {
		c.pinned = append(c.pinned, sec)
		return
	}
	if len(c.recent) == maxRecentSecrets {
		copy(c.recent, c.recent[1:])
		c.recent = c.recent[:len(c.recent)-1]
	}
	c.recent = append(c.recent, sec)
}

func indexOf(list []cloudkeys.Secret, s string) int {
	for i, have := range list {
		if have.Reveal() == s {
			return i
		}
	}
	return -1
}

// Scrub replaces every registered secret in s, and every value of extra (a
// call's own secrets, see Request.Secrets; those shorter than 4 bytes are
// ignored), with "[REDACTED]", the longest first, so a secret that contains
// another is never half-replaced.
func (c *Client) Scrub(s string, extra ...string) string {
	var found []string
	for _, v := range extra {
		if len(v) >= 4 && strings.Contains(s, v) {
			found = append(found, v)
		}
	}
	c.mu.RLock()
	for _, list := range [2][]cloudkeys.Secret{c.pinned, c.recent} {
		for _, sec := range list {
			if v := sec.Reveal(); strings.Contains(s, v) {
				found = append(found, v)
			}
		}
	}
	c.mu.RUnlock()
	if len(found) == 0 {
		return s
	}
	slices.SortFunc(found, func(a, b string) int { return len(b) - len(a) })
	for _, v := range found {
		s = strings.ReplaceAll(s, v, "[REDACTED]")
	}
	return s
}

// String describes the client by vendor and endpoint only.
func (c *Client) String() string {
	if c == nil {
		return "transport.Client(nil)"
	}
	return "transport.Client(" + c.cfg.Vendor + " " + c.base.Redacted() + ")"
}

// GoString is String, so %#v never reaches the scrub list or settings.
func (c *Client) GoString() string { return c.String() }

// Format writes String for every verb.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue logs String.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// URLFor returns the URL a request will be sent to (before signing).
func (c *Client) URLFor(req *Request) *url.URL {
	var u url.URL
	c.urlInto(&u, req)
	return &u
}

// urlInto writes the URL of req (before signing) into u.
func (c *Client) urlInto(u *url.URL, req *Request) {
	if req.URL != nil {
		*u = *req.URL
	} else {
		*u = *c.base
		full := c.basePath + req.Path
		if p, err := url.PathUnescape(full); err == nil {
			u.Path = p
			u.RawPath = full
		} else {
			u.Path = full
			u.RawPath = ""
		}
	}
	switch {
	case req.Query != nil:
		u.RawQuery = req.Query.Encode()
	case req.RawQuery != "":
		u.RawQuery = req.RawQuery
	}
}

// noHeader is the header of a call that sets none: net/http's Client would
// otherwise copy the request to give it one. Nothing writes to it: every
// attempt is sent with a header map of its own (roundTripper).
var noHeader = http.Header{}

// Do sends req with retries and returns the complete answer.
//
// The error is nil only when the vendor's Check accepts the answer. For an
// error answer both the *Response and an error (an *cloudkeys.APIError, or
// one wrapping it) are returned. Transport failures return a nil *Response
// and an error naming the method, host and path only.
//
// What is the same for every attempt is built once, in the call's state:
// the URL (from the parsed base URL, never re-parsed from a string), the
// *http.Request and go-retryablehttp's wrapper of it (both in the state, as
// retryablehttp.FromRequest would build them for a request without body:
// the body is the attempt's, see setBody), and the GotConn trace.
func (c *Client) Do(ctx context.Context, in *Request) (*Response, error) {
	if ctx == nil {
		return nil, cloudkeys.InvalidInput(c.cfg.Vendor, "ctx", "nil context")
	}
	// The call works on its own copy of the request, so that in itself need
	// not outlive the call (Call's stays on its stack).
	st := &callState{Context: ctx, request: *in}
	req := &st.request
	st.req = req
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	u := &st.url
	c.urlInto(u, req)
	if !validMethod(method) {
		return nil, c.transportError(req, u, 0, errors.New("cannot build the request"))
	}
	st.trace.GotConn = func(httptrace.GotConnInfo) { st.gotConn.Store(true) }
	if traceKey != nil && httptrace.ContextClientTrace(ctx) == nil {
		st.traced = true // the state answers for the trace itself (Value)
		ctx = st
	} else {
		ctx = httptrace.WithClientTrace(st, &st.trace) // composed with the caller's
	}
	header := req.Header
	if header == nil {
		header = noHeader
	}
	u.Host = removeEmptyPort(u.Host)
	// WithContext is inlined: its copy of the request stays on the stack.
	// Host is left empty (the URL's): each attempt sets its own (the
	// signer's URL), and an empty Host spares net/http's Client a copy of
	// the URL.
	st.hreq = *(&http.Request{
		Method: method, URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: header,
	}).WithContext(ctx)
	st.rreq = retryablehttp.Request{Request: &st.hreq}
	st.watch = watchdog{header: c.headerTimeout, idle: c.bodyTimeout, parent: ctx}
	if st.watch.on() {
		defer st.watch.stop()
	}

	hresp, err := c.rc.Do(&st.rreq)
	attempts := int(st.attempts.Load())
	if err != nil {
		if hresp != nil && hresp.Body != nil {
			_ = hresp.Body.Close()
		}
		return nil, c.failure(ctx, req, u, st, attempts, err)
	}
	defer func() { _ = hresp.Body.Close() }()
	resp := &st.resp
	*resp = Response{StatusCode: hresp.StatusCode, Header: hresp.Header, Body: st.body, Attempts: attempts}

	check := req.Check
	if check == nil {
		check = c.cfg.Check
	}
	if check == nil {
		check = DefaultCheck
	}
	cerr := check(req, resp)
	if cerr == nil {
		c.budget.succeeded(st.drawn)
		return resp, nil
	}
	var ba *BadAnswer
	if errors.As(cerr, &ba) {
		return resp, c.Undecodable(req, resp, ba)
	}
	var ae *cloudkeys.APIError
	if errors.As(cerr, &ae) {
		c.complete(ae, req, resp)
	}
	if req.Class == Write && (resp.StatusCode == http.StatusBadGateway || resp.StatusCode == http.StatusGatewayTimeout) {
		// A gateway lost the backend's answer: the write may have happened.
		return resp, &OutcomeUnknownError{Vendor: c.cfg.Vendor, Operation: req.Operation, Err: cerr}
	}
	return resp, cerr
}

// validMethod is net/http's check of a method (an RFC 7230 token), which
// http.NewRequest made when Do built its request from a string.
func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for i := 0; i < len(m); i++ {
		ch := m[i]
		switch {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", ch) >= 0:
		default:
			return false
		}
	}
	return true
}

// removeEmptyPort strips a trailing ":" without port, as http.NewRequest
// does.
func removeEmptyPort(host string) string {
	if strings.LastIndexByte(host, ':') > strings.LastIndexByte(host, ']') {
		return strings.TrimSuffix(host, ":")
	}
	return host
}

// complete fills the fields an *APIError gets from the call.
func (c *Client) complete(ae *cloudkeys.APIError, req *Request, resp *Response) {
	if ae.Vendor == "" {
		ae.Vendor = c.cfg.Vendor
	}
	if ae.Operation == "" {
		ae.Operation = req.Operation
	}
	if ae.Attempts == 0 && resp != nil {
		ae.Attempts = resp.Attempts
	}
	if ae.RequestID == "" && resp != nil && c.cfg.RequestIDHeader != "" {
		ae.RequestID = resp.Header.Get(c.cfg.RequestIDHeader)
	}
	ae.Message = CleanText(c.Scrub(ae.Message, req.Secrets...))
	ae.Code = CleanText(c.Scrub(ae.Code, req.Secrets...))
	ae.RequestID = CleanText(c.Scrub(ae.RequestID, req.Secrets...))
}

// DefaultCheck accepts 2xx answers and turns any other into an
// *cloudkeys.APIError carrying a short excerpt of the body.
func DefaultCheck(_ *Request, resp *Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	return &cloudkeys.APIError{StatusCode: resp.StatusCode, Message: Excerpt(resp.Body)}
}

// failure turns an error from the retry loop into a sanitized error.
func (c *Client) failure(ctx context.Context, req *Request, u *url.URL, st *callState, attempts int, err error) error {
	if st.tooLarge != nil {
		ae := st.tooLarge
		c.complete(ae, req, &Response{Attempts: attempts})
		if req.Class == Write {
			return &OutcomeUnknownError{Vendor: c.cfg.Vendor, Operation: req.Operation, Err: ae}
		}
		return ae
	}
	cause := unwrapURLError(err)
	maybeSent := (st.gotConn.Load() || !isDialError(cause)) && !refusedUnprocessed(cause)
	if ctxErr := ctx.Err(); ctxErr != nil {
		cause = ctxErr
		maybeSent = st.gotConn.Load()
	}
	var re *RedirectError
	if errors.As(cause, &re) {
		// The server answered with a redirect: a definite answer, not a lost one.
		return c.transportError(req, u, attempts, re)
	}
	var ns *notSentError
	if errors.As(cause, &ns) {
		// Nothing was sent: the signer refused or a header was unsendable.
		return fmt.Errorf("%s: %s: %w", c.cfg.Vendor, req.Operation, ns)
	}
	terr := c.transportError(req, u, attempts, cause)
	if req.Class == Write && maybeSent {
		return &OutcomeUnknownError{Vendor: c.cfg.Vendor, Operation: req.Operation, Err: terr}
	}
	return terr
}

func (c *Client) transportError(req *Request, u *url.URL, attempts int, cause error) error {
	return &Error{
		Vendor: c.cfg.Vendor, Operation: req.Operation, Method: cmp.Or(req.Method, http.MethodGet),
		Host: u.Host, Path: c.Scrub(u.Path, req.Secrets...), Attempts: attempts, Err: cause,
		scrub: func(s string) string { return c.Scrub(s, req.Secrets...) },
	}
}

// unwrapURLError strips *url.Error, which carries the full URL (and with it
// a signed query string).
func unwrapURLError(err error) error {
	for {
		var ue *url.Error
		if !errors.As(err, &ue) {
			return err
		}
		err = ue.Err
	}
}

// isDialError reports whether err shows that no connection was made, so the
// request was never sent.
func isDialError(err error) bool {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return true
	}
	var de *net.DNSError
	return errors.As(err, &de)
}
