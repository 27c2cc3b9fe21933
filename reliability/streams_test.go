package reliability

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
)

// streamScenarios are issue 14's rows for what real networks do: HTTP/2
// stream resets and GOAWAY, a connection closed mid-body, and servers that
// stall. Over HTTP/1.1 there are no streams: the fake closes the connection
// instead (after serving the request for the "after" rows, before it for
// the "refused" rows), which a client cannot tell from a lost answer.
func streamScenarios() []scenario {
	create := func(f cloudkeystest.Fault, o createOutcome) func(*testing.T, *cell) {
		return func(t *testing.T, c *cell) { createUnder(t, c, f, o, false) }
	}
	stalled := func(f cloudkeystest.Fault) func(*testing.T, *cell) {
		return func(t *testing.T, c *cell) { createUnder(t, c, f, lostAnswer, true) }
	}
	return []scenario{
		{"create: stream reset PROTOCOL_ERROR after the request", false, create(cloudkeystest.Fault{Commit: true, Reset: cloudkeystest.ResetProtocolError}, lostAnswer)},
		{"create: stream reset INTERNAL_ERROR after the request", false, create(cloudkeystest.Fault{Commit: true, Reset: cloudkeystest.ResetInternalError}, lostAnswer)},
		{"create: stream reset CANCEL after the request", false, create(cloudkeystest.Fault{Commit: true, Reset: cloudkeystest.ResetCancel}, lostAnswer)},
		{"create: REFUSED_STREAM", false, create(cloudkeystest.Fault{Reset: cloudkeystest.ResetRefusedStream}, refusedFirst)},
		{"create: GOAWAY before its stream", false, create(cloudkeystest.Fault{GoAway: true}, refusedFirst)},
		{"create: GOAWAY after serving it", false, create(cloudkeystest.Fault{GoAway: true, Commit: true}, lostAnswer)},
		{"create: connection closed mid-body", false, create(cloudkeystest.Fault{CutBody: true, CutAfter: 8}, lostAnswer)},
		{"read: connection closed mid-body", false, func(t *testing.T, c *cell) {
			readUnder(t, c, cloudkeystest.Fault{CutBody: true, CutAfter: 8}, false)
		}},
		{"read: no response headers (stall)", true, func(t *testing.T, c *cell) {
			readUnder(t, c, cloudkeystest.Fault{StallHeaders: true}, true)
		}},
		{"read: answer stalls mid-body", true, func(t *testing.T, c *cell) {
			readUnder(t, c, cloudkeystest.Fault{StallBody: true, StallAfter: 8}, true)
		}},
		{"create: no response headers (stall)", true, stalled(cloudkeystest.Fault{Commit: true, StallHeaders: true})},
		{"create: answer stalls mid-body", true, stalled(cloudkeystest.Fault{StallBody: true, StallAfter: 8})},
	}
}

// createOutcome is what a create under a fault must end in.
type createOutcome int

const (
	// lostAnswer: the server created the key and the answer was lost. The
	// create is never sent again: ErrOutcomeUnknown, exactly one key more
	// (ZStack: the retry carries the same X-Job-UUID, the server refuses a
	// second job and the client reads the first: success, one key).
	lostAnswer createOutcome = iota
	// refusedFirst: the server refused the first create before running it.
	// Over HTTP/2 (REFUSED_STREAM, GOAWAY below the stream) the retry loop
	// sends it again within MaxAttempts: success, exactly one key. Over
	// HTTP/1.1 the connection just closes, which the client cannot tell
	// from a lost answer: ErrOutcomeUnknown and no key (ZStack: success
	// via its job id).
	refusedFirst
)

// boundOpts give in-memory clients (which bring the fake's transport, and
// so get no default bounds) the bounds every client of its own gets.
func boundOpts() []cloudkeys.Option {
	return []cloudkeys.Option{
		cloudkeys.WithResponseHeaderTimeout(cloudkeys.DefaultResponseHeaderTimeout),
		cloudkeys.WithBodyReadTimeout(cloudkeys.DefaultBodyReadTimeout),
	}
}

func createUnder(t *testing.T, c *cell, f cloudkeystest.Fault, o createOutcome, bubble bool) {
	r := c.start(t, bubble)
	km := r.client(append([]cloudkeys.Option{c.logger(), cloudkeys.WithRetry(fastRetry)}, boundOpts()...)...)
	warm(t, c, km)
	ctx := context.Background()
	before := r.keys()
	r.srv.ResetRequests()
	f.Match = r.isCreate
	r.srv.FailNextWith(1, f)
	start := time.Now()
	k, err := km.CreateKey(ctx, r.req(1))
	elapsed := time.Since(start)
	c.rc.note(k, err)
	require.Zero(t, r.srv.PendingFaults(), "the create met the fault")
	sent, faulted := 0, 0
	for _, q := range r.srv.Requests() {
		if sameRequest(q, r.isCreate) {
			sent++
			if q.Fault {
				faulted++
			}
		}
	}
	require.Equal(t, 1, faulted)
	waited := ""
	if bubble {
		waited = ", after " + elapsed.String()
	}
	retried := o == refusedFirst && c.net.tls
	switch {
	case c.vc.name == "zstack":
		require.NoError(t, err, "exactly-once through X-Job-UUID")
		require.NotNil(t, k)
		assert.Equal(t, before+1, r.keys(), "exactly one key")
		c.observe("success via job id, %d creates sent, keys %d→%d%s", sent, before, r.keys(), waited)
	case retried:
		require.NoError(t, err, "refused unprocessed: sent again by the retry loop")
		require.NotNil(t, k)
		assert.Equal(t, 2, sent, "the refused create and its retry")
		assert.Equal(t, before+1, r.keys(), "exactly one key")
		c.observe("success after a retry, %d creates sent (1 refused), keys %d→%d", sent, before, r.keys())
	default:
		require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
		assert.Equal(t, 1, sent, "never re-sent")
		want := before + 1
		if o == refusedFirst {
			want = before // HTTP/1.1: the fake closed the connection without serving
		}
		assert.Equal(t, want, r.keys())
		if bubble {
			var te interface{ Timeout() bool }
			require.True(t, errors.As(err, &te) && te.Timeout(), "a stall: %v", err)
		}
		c.observe("ErrOutcomeUnknown, %d create sent, keys %d→%d%s", sent, before, r.keys(), waited)
	}
}

// readUnder: a list whose first attempt meets f is retried and succeeds;
// in a bubble the stall costs exactly its bound in fake time.
func readUnder(t *testing.T, c *cell, f cloudkeystest.Fault, bubble bool) {
	r := c.start(t, bubble)
	km := r.client(append([]cloudkeys.Option{c.logger(), cloudkeys.WithRetry(fastRetry)}, boundOpts()...)...)
	warm(t, c, km)
	r.srv.ResetRequests()
	r.srv.FailNextWith(1, f)
	start := time.Now()
	keys, err := listAll(c, context.Background(), km)
	elapsed := time.Since(start)
	require.NoError(t, err)
	require.Zero(t, r.srv.PendingFaults())
	reqs := r.srv.Requests()
	require.NotEmpty(t, reqs)
	attempts := 0
	first := reqs[0]
	for _, q := range reqs {
		// The same call: CloudStack sends every command to one path.
		if q.Method == first.Method && q.Path == first.Path && command(q) == command(first) {
			attempts++
		}
	}
	assert.Equal(t, 2, attempts, "the failed attempt and its retry")
	if !bubble {
		c.observe("success after %d attempts, %d keys", attempts, len(keys))
		return
	}
	bound := cloudkeys.DefaultResponseHeaderTimeout
	if f.StallBody {
		bound = cloudkeys.DefaultBodyReadTimeout
	}
	assert.GreaterOrEqual(t, elapsed, bound)
	assert.Less(t, elapsed, bound+time.Second, "the bound and one short backoff")
	c.observe("success after %d attempts, %s (bound %s)", attempts, elapsed.Round(time.Millisecond), bound)
}

// command is CloudStack's command parameter of a logged request ("" for the
// other vendors).
func command(q cloudkeystest.Request) string {
	v, _ := url.ParseQuery(q.RawQuery)
	if c := v.Get("command"); c != "" {
		return c
	}
	b, _ := url.ParseQuery(string(q.Body))
	return b.Get("command")
}
