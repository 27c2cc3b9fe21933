package transport

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	neturl "net/url"
	"time"
)

// roundTripper signs and logs every attempt, then hands it to the base
// transport. It deliberately has no CloseIdleConnections method, so that
// go-retryablehttp's calls to it on failure paths do not empty the pool that
// concurrent callers share.
type roundTripper struct {
	c    *Client
	base http.RoundTripper
}

func (rt *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	c := rt.c
	ctx := req.Context()
	st := stateFrom(ctx)
	if st == nil {
		return rt.base.RoundTrip(req)
	}
	firstHop := req.Response == nil
	attempt := int(st.attempts.Load())
	if firstHop {
		attempt = int(st.attempts.Add(1))
	}
	st.gotConn.Store(false)

	// What this hop sends is its own: the URL and the header map the signer
	// may change, the Outgoing it is handed, the request. The call's first
	// hop uses the room kept for it in the call's state; any other (a
	// retry, a redirect) gets new room, so nothing a transport may still
	// hold from an earlier hop is ever written again.
	a := &st.first
	if st.firstUsed {
		a = new(hop)
	}
	st.firstUsed = true
	a.url = *req.URL
	a.url.User = nil
	a.o = Outgoing{
		Method:  req.Method,
		URL:     &a.url,
		Header:  c.header(req.Header),
		Now:     c.Now(),
		Attempt: attempt,
	}
	o := &a.o
	if firstHop {
		o.Body = st.req.Body
	}
	sign := c.cfg.Sign
	if st.req.Sign != nil {
		sign = st.req.Sign
	}
	if sign != nil && !st.req.NoSign {
		if err := sign(ctx, o); err != nil {
			return nil, &notSentError{stage: "signing", err: err}
		}
	}
	if err := checkHeaders(o.Header); err != nil {
		return nil, err
	}

	// ctx carries the call's GotConn trace (Do).
	// The bounds on waiting: the watchdog cancels actx when the headers or
	// the body stall, and reports that as a *StallError.
	actx := ctx
	w := &st.watch
	if w.on() {
		actx = w.start()
	}
	// A shallow copy: every field the signer may change is replaced below
	// with the signer's own copy (a deep Clone would copy them twice).
	// WithContext is inlined: its copy stays on the stack.
	a.out = *req.WithContext(actx)
	out := &a.out
	out.Method = o.Method
	out.URL = o.URL
	out.Host = o.URL.Host
	out.Header = o.Header
	setBody(out, &a.body, o.Body, st.req.Class == Write)

	log := c.log
	// The debug records are built only when they are wanted: their
	// arguments alone cost a dozen allocations per attempt.
	debug := log.Enabled(ctx, slog.LevelDebug)
	// A path may carry a registered secret (ZStack's session APIs put the
	// session uuid there); it is logged scrubbed.
	var path string
	if debug {
		path = c.Scrub(out.URL.Path, st.req.Secrets...)
	}
	// The clock is read only for what is logged: on this path a read of it
	// costs as much as a small allocation.
	retrying := attempt > 1 && firstHop
	var start time.Time
	if debug || retrying {
		start = time.Now()
	}
	if retrying {
		if last := st.lastEnd.Load(); last != 0 {
			log.InfoContext(ctx, "cloudkeys: retrying",
				"vendor", c.cfg.Vendor, "operation", st.req.Operation, "attempt", attempt,
				"waited", start.Sub(time.Unix(0, last)))
		}
	}
	if debug {
		log.DebugContext(ctx, "cloudkeys: request",
			"vendor", c.cfg.Vendor, "operation", st.req.Operation, "class", st.req.Class.String(),
			"method", out.Method, "host", out.URL.Host, "path", path, "attempt", attempt)
	}

	resp, err := rt.base.RoundTrip(out)
	var end time.Time
	if debug {
		end = time.Now()
	}
	if w.on() {
		if err != nil {
			err = w.failed(err)
			w.done()
		} else {
			w.headersArrived()
		}
	}
	if err != nil {
		if debug {
			log.DebugContext(ctx, "cloudkeys: attempt failed",
				"vendor", c.cfg.Vendor, "operation", st.req.Operation, "method", out.Method,
				"host", out.URL.Host, "path", path, "attempt", attempt,
				"duration", end.Sub(start), "error", c.Scrub(unwrapURLError(err).Error(), st.req.Secrets...))
		}
		return nil, err
	}
	if debug {
		log.DebugContext(ctx, "cloudkeys: response",
			"vendor", c.cfg.Vendor, "operation", st.req.Operation, "method", out.Method,
			"host", out.URL.Host, "path", path, "status", resp.StatusCode,
			"attempt", attempt, "duration", end.Sub(start))
	}
	return resp, nil
}

// hop is what one attempt (or one redirect hop of it) sends.
type hop struct {
	o    Outgoing
	url  neturl.URL
	out  http.Request
	body body
}

// body is a request body that Close leaves as it is (io.NopCloser of a
// bytes.Reader, without the allocation of either).
type body struct{ bytes.Reader }

func (*body) Close() error { return nil }

// header returns the header map an attempt starts from: from's entries and
// the User-Agent, in a map of its own with room for what signers add. The
// value slices are shared with from (and User-Agent's with every attempt),
// capacity clipped, so that Set, Add and Del — the ways signers and
// net/http change a header — never write into them; nothing writes into a
// value slice in place.
func (c *Client) header(from http.Header) http.Header {
	h := make(http.Header, len(from)+4)
	for k, v := range from {
		h[k] = v[:len(v):len(v)]
	}
	h["User-Agent"] = c.userAgentValue
	return h
}

// setBody gives out its body. A Write is made non-replayable for every
// layer below the retry loop: net/http re-sends a replayable request (no
// body, or a body with GetBody) when a reused HTTP/1 connection breaks after
// the request was written, and its HTTP/2 transport replays a request whose
// stream the peer reset with PROTOCOL_ERROR or REFUSED_STREAM, or that a
// GOAWAY cut off — up to seven times per attempt, and without our retry
// loop counting them. A Write therefore always carries a non-nil body (an
// empty one when it has none: net/http probes it and sends nothing) and
// never GetBody, so those layers return the error instead and the retry
// loop alone decides (refusedUnprocessed). Reads keep GetBody: replaying a
// read is harmless.
//
// The body is read through r, which belongs to this hop only.
func setBody(out *http.Request, r *body, data []byte, write bool) {
	switch {
	case len(data) > 0:
		r.Reset(data)
		out.Body = r
		out.ContentLength = int64(len(data))
		out.GetBody = nil
		if !write {
			out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
		}
	case write:
		r.Reset(nil)
		out.Body = r
		out.ContentLength = 0
		out.GetBody = nil
	default:
		out.Body = nil
		out.ContentLength = 0
		out.GetBody = nil
	}
}
