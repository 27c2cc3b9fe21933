package cloudstack

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"
)

// net/http's Transport silently re-sends a request it deems replayable — a
// GET — when a reused keep-alive connection breaks, even after the request
// was written and may have been carried out. On the integration port every
// command, registerUserKeys included, is a GET, so a lost answer could
// register keys twice without anyone noticing. Writes sent as GET are
// therefore marked non-replayable for net/http: they get a non-nil empty
// body without GetBody (net/http probes it and sends no body), which
// http.Transport never replays. (The shared transport could do this for
// every Write; until then it lives here.)

type noReplayKey struct{}

// noReplay marks ctx so that a GET sent with it is never replayed by
// net/http.
func noReplay(ctx context.Context) context.Context {
	return context.WithValue(ctx, noReplayKey{}, true)
}

type noReplayTransport struct{ base http.RoundTripper }

// RoundTrip sends marked GETs with an empty, non-rewindable body.
func (t noReplayTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Context().Value(noReplayKey{}) == nil || (r.Body != nil && r.Body != http.NoBody) {
		return t.base.RoundTrip(r)
	}
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(strings.NewReader(""))
	r2.GetBody = nil
	r2.ContentLength = 0
	return t.base.RoundTrip(r2)
}

// noReplayClient wraps the transport of c (or, without one, a pooled
// transport like the shared transport's default) with noReplayTransport.
func noReplayClient(c *http.Client) *http.Client {
	if c == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns = 512
		t.MaxIdleConnsPerHost = 128
		t.IdleConnTimeout = 90 * time.Second
		t.ForceAttemptHTTP2 = true
		return &http.Client{Transport: noReplayTransport{base: t}}
	}
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	return &http.Client{Transport: noReplayTransport{base: base}, Timeout: c.Timeout}
}
