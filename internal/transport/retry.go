package transport

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/cloudkeys/cloudkeys"
)

// callState is the per-call state the retry hooks share. It is the
// context of the call's request: the caller's context, which it embeds,
// with itself as the value of stateKey (one allocation less than a
// context.WithValue).
type callState struct {
	context.Context
	req      *Request
	attempts atomic.Int32
	gotConn  atomic.Bool // the current attempt obtained a connection
	body     []byte      // the last response's body, read within the limit
	tooLarge *cloudkeys.APIError
	lastEnd  atomic.Int64 // unix nanos when the last attempt to be retried ended
	drawn    int          // retry-budget tokens this call took

	// Built once per call by Do.
	url    url.URL               // before signing; each attempt signs a copy
	hreq   http.Request          // the request go-retryablehttp's loop sends
	rreq   retryablehttp.Request // its wrapper, as FromRequest builds it
	trace  httptrace.ClientTrace // GotConn: the attempt obtained a connection
	traced bool                  // Value answers traceKey with trace

	watch watchdog // the waiting bounds of every attempt

	request Request  // the call's copy of its Request (req points to it)
	resp    Response // what Classify is shown, then what Do returns

	// The room of the first hop's request (roundTripper).
	first     hop
	firstUsed bool
}

type stateKey struct{}

// Value returns the call's state for stateKey, its GotConn trace for
// httptrace's key (when traced), else the caller's value.
func (st *callState) Value(key any) any {
	if _, ok := key.(stateKey); ok {
		return st
	}
	if st.traced && key == traceKey {
		return &st.trace
	}
	return st.Context.Value(key)
}

// traceKey is the key under which httptrace.ContextClientTrace looks up a
// context's *httptrace.ClientTrace (an unexported type of httptrace, learnt
// by asking once), or nil if that lookup could not be learnt. A call whose
// context holds no trace of the caller's answers that key itself, which is
// what httptrace.WithClientTrace would make of the call's one GotConn hook
// (no composition, no DNS or dial hooks for net's internal trace) without
// the context it allocates; a caller's trace is composed with
// httptrace.WithClientTrace as before.
var traceKey = learnTraceKey()

func learnTraceKey() any {
	p := &keyProbe{Context: context.Background()}
	httptrace.ContextClientTrace(p)
	if p.n != 1 || p.key == nil {
		return nil
	}
	// Check that answering the key is what a trace in the context is.
	want := &httptrace.ClientTrace{}
	if httptrace.ContextClientTrace(&keyAnswer{Context: context.Background(), key: p.key, trace: want}) != want {
		return nil
	}
	return p.key
}

// keyProbe records the keys it is asked for.
type keyProbe struct {
	context.Context
	key any
	n   int
}

func (p *keyProbe) Value(key any) any { p.key = key; p.n++; return nil }

// keyAnswer answers key with trace.
type keyAnswer struct {
	context.Context
	key   any
	trace *httptrace.ClientTrace
}

func (a *keyAnswer) Value(key any) any {
	if key == a.key {
		return a.trace
	}
	return a.Context.Value(key)
}

func stateFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(stateKey{}).(*callState)
	return st
}

// checkRetry is go-retryablehttp's CheckRetry: it decides by operation
// class, reads (and keeps) each response body within the size limit, and
// asks the vendor's Classify hook.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	retry, cerr := c.shouldRetry(ctx, resp, err)
	if !retry {
		return false, cerr
	}
	st := stateFrom(ctx)
	// The attempt is over (its answer read): the "waited" of the next
	// attempt's log record counts from here.
	st.lastEnd.Store(time.Now().UnixNano())
	if int(st.attempts.Load()) >= c.settings.Retry.MaxAttempts {
		// The last attempt: go-retryablehttp stops here whatever we say,
		// so there is no retry to pay for.
		return true, cerr
	}
	cost := retryCost
	if err != nil {
		cost = timeoutRetryCost
	}
	if !c.budget.take(cost) {
		c.log.InfoContext(ctx, "cloudkeys: retry budget exhausted, not retrying",
			"vendor", c.cfg.Vendor, "operation", st.req.Operation, "attempt", int(st.attempts.Load()))
		return false, cerr
	}
	st.drawn += cost
	return true, cerr
}

// shouldRetry is the retry decision before the budget is asked.
func (c *Client) shouldRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	st := stateFrom(ctx)
	if st == nil {
		return false, err
	}
	if err != nil {
		if permanent(err) {
			return false, err
		}
		switch st.req.Class {
		case Read, IdempotentWrite:
			return true, nil
		default: // Write: only if it provably never left, or was refused unprocessed.
			cause := unwrapURLError(err)
			return !st.gotConn.Load() && isDialError(cause) || refusedUnprocessed(cause), nil
		}
	}

	var w *watchdog
	if st.watch.on() {
		w = &st.watch
	}
	body, tooLarge, rerr := readBody(resp.Body, c.settings.MaxResponseBytes, resp.ContentLength, w)
	_ = resp.Body.Close()
	if w != nil {
		w.done()
	}
	// The bytes are kept in st.body, which Do hands on; the body is done
	// (go-retryablehttp drains it before a retry, Do closes it).
	resp.Body = http.NoBody
	st.body = body
	if tooLarge {
		st.tooLarge = &cloudkeys.APIError{
			StatusCode: resp.StatusCode,
			Message:    "response body exceeds the limit of " + strconv.FormatInt(c.settings.MaxResponseBytes, 10) + " bytes",
		}
		return false, st.tooLarge
	}
	if rerr != nil {
		// The answer broke off midway: like a lost answer.
		if st.req.Class == Write {
			return false, rerr
		}
		return true, rerr
	}

	verdict := Default
	if c.cfg.Classify != nil {
		st.resp = Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: body}
		verdict = c.cfg.Classify(&st.resp)
	}
	switch verdict {
	case Final:
		return false, nil
	case Transient:
		return st.req.Class != Write, nil
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return st.req.Class != Write, nil
	}
	return false, nil
}

// permanent reports errors no retry can fix.
func permanent(err error) bool {
	var se *notSentError
	var re *RedirectError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	switch {
	case errors.As(err, &se), errors.As(err, &re), errors.As(err, &ua), errors.As(err, &hn), errors.As(err, &ci):
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "unsupported protocol scheme") || strings.Contains(msg, "server gave HTTP response to HTTPS client")
}

// readLimited reads r up to limit bytes; tooLarge reports a longer body.
// size is the announced Content-Length (-1 when unknown).
//
// A body of announced size is read into one buffer of that size instead of
// one grown step by step (a 40 KB list page cost 8 allocations and as many
// copies); the hint is capped, so a server announcing a length it never
// sends cannot make the client reserve more than maxSizeHint. A body of
// unknown size (chunked, as most vendors answer) is read into a pooled
// scratch buffer and copied out once, right-sized: the body returned is
// always the caller's own, never pooled memory. The limit is kept by the
// reads themselves (never more than limit+1 bytes are asked for), so no
// io.LimitedReader is allocated.
func readLimited(r io.Reader, limit, size int64) (body []byte, tooLarge bool, err error) {
	return readBody(r, limit, size, nil)
}

// readBody is readLimited under the body bound of w (nil: none): every
// read that returns data restarts it, and a read that fails after w fired
// fails with its *StallError.
func readBody(r io.Reader, limit, size int64, w *watchdog) (body []byte, tooLarge bool, err error) {
	if size >= 0 && size < limit {
		// +1: room for the read that reports EOF
		body, err = readAll(r, make([]byte, 0, min(size+1, maxSizeHint)), limit+1, w)
	} else {
		sp := scratchPool.Get().(*[]byte)
		var b []byte
		b, err = readAll(r, (*sp)[:0], limit+1, w)
		if int64(len(b)) <= limit {
			body = append(make([]byte, 0, len(b)), b...)
		}
		if cap(b) <= maxScratch {
			*sp = b[:0]
			scratchPool.Put(sp)
		}
		if body == nil {
			return nil, true, nil
		}
		return body, false, err
	}
	if int64(len(body)) > limit {
		return nil, true, nil
	}
	return body, false, err
}

// maxSizeHint caps the buffer reserved from a Content-Length.
const maxSizeHint = 1 << 20

// scratchPool holds the buffers bodies of unknown size are read into; one
// that grew past maxScratch (a body larger than any list page) is left to
// the garbage collector.
var scratchPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

const maxScratch = 256 << 10

// readAll is io.ReadAll of at most n bytes of r into b, grown as needed,
// under the body bound of w (nil: none).
func readAll(r io.Reader, b []byte, n int64, w *watchdog) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // grow
		}
		room := b[len(b):cap(b)]
		if rest := n - int64(len(b)); int64(len(room)) > rest {
			room = room[:rest]
		}
		if len(room) == 0 {
			return b, nil // n bytes read
		}
		k, err := r.Read(room)
		b = b[:len(b)+k]
		if k > 0 && err == nil && w != nil {
			w.progress() // (a read that ends the body needs no more bound)
		}
		if err != nil {
			if w != nil {
				err = w.failed(err)
			}
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
	}
}

// backoff is go-retryablehttp's Backoff: Retry-After when the server sent
// one (seconds or an HTTP-date), else exponential from min with equal
// jitter; never more than max.
func (c *Client) backoff(min, max time.Duration, attemptNum int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := RetryAfter(resp.Header.Get("Retry-After"), c.Now()); ok {
			return clamp(d, max)
		}
	}
	return Backoff(min, max, attemptNum)
}

// Backoff returns the jittered exponential wait before retry n (0-based):
// between half and all of min·2ⁿ, capped at max.
func Backoff(min, max time.Duration, n int) time.Duration {
	if min <= 0 {
		return 0
	}
	d := min
	for i := 0; i < n && d < max; i++ {
		d *= 2
	}
	d = clamp(d, max)
	half := d / 2
	return half + rand.N(d-half+1)
}

// RetryAfter parses a Retry-After value: delay-seconds or an HTTP-date
// (any of the three formats), relative to now. A date in the past is 0;
// either form is capped at 24 hours (and later at MaxWait).
func RetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(maxRetryAfter/time.Second) {
			secs = int64(maxRetryAfter / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d < 0 {
		d = 0
	}
	return min(d, maxRetryAfter), true
}

// maxRetryAfter bounds a parsed Retry-After before it is clamped to MaxWait,
// so that both forms behave alike for absurd values.
const maxRetryAfter = 24 * time.Hour

func clamp(d, max time.Duration) time.Duration {
	if d > max {
		return max
	}
	if d < 0 {
		return 0
	}
	return d
}

// Sleep waits for d or until ctx is done, whichever comes first.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Poll calls fn until it reports done or fails, waiting between calls with
// jittered exponential backoff from min to max. It returns at once when ctx
// is done, sleeps included. Vendors use it for asynchronous jobs.
func Poll(ctx context.Context, min, max time.Duration, fn func(ctx context.Context) (done bool, err error)) error {
	for n := 0; ; n++ {
		done, err := fn(ctx)
		if err != nil || done {
			return err
		}
		if err := Sleep(ctx, Backoff(min, max, n)); err != nil {
			return err
		}
	}
}
