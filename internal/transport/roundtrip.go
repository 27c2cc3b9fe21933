package transport

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	neturl "net/url"
	"strings"
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

	o := &Outgoing{
		Method:  req.Method,
		URL:     cloneURL(req.URL),
		Header:  req.Header.Clone(),
		Now:     c.Now(),
		Attempt: attempt,
	}
	if o.Header == nil {
		o.Header = make(http.Header)
	}
	if firstHop {
		o.Body = st.req.Body
	}
	o.Header.Set("User-Agent", c.userAgent)
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
	w, actx := watch(ctx, c.headerTimeout, c.bodyTimeout)
	// A shallow copy: every field the signer may change is replaced below
	// with the signer's own copy (a deep Clone would copy them twice).
	out := req.WithContext(actx)
	out.Method = o.Method
	out.URL = o.URL
	out.Host = o.URL.Host
	out.Header = o.Header
	setBody(out, o.Body, st.req.Class == Write)

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
	start := time.Now()
	if attempt > 1 && firstHop {
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
	end := time.Now()
	st.lastEnd.Store(end.UnixNano())
	if w != nil {
		if err != nil {
			err = w.failed(err)
			w.stop()
		} else {
			w.headersArrived(resp)
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

func cloneURL(u *neturl.URL) *neturl.URL {
	v := *u
	if u.User != nil {
		v.User = nil
	}
	return &v
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
func setBody(out *http.Request, body []byte, write bool) {
	switch {
	case len(body) > 0:
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.ContentLength = int64(len(body))
		out.GetBody = nil
		if !write {
			out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		}
	case write:
		out.Body = io.NopCloser(strings.NewReader(""))
		out.ContentLength = 0
		out.GetBody = nil
	default:
		out.Body = nil
		out.ContentLength = 0
		out.GetBody = nil
	}
}
