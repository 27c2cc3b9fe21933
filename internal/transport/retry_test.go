package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
)

func TestReadRetriedOnTransientStatuses(t *testing.T) {
	t.Parallel()
	for _, status := range []int{429, 502, 503, 504} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, true, Config{})
			e.fs.FailNext(2, status)
			resp, err := e.c.Do(context.Background(), read("/keys"))
			require.NoError(t, err)
			assert.Equal(t, 3, resp.Attempts)
			assert.Equal(t, 200, resp.StatusCode)
			assert.Len(t, e.fs.Requests(), 3)
		})
	}
}

func TestReadNotRetriedOnFinalStatuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		want   error
	}{{400, cloudkeys.ErrInvalidRequest}, {401, cloudkeys.ErrUnauthorized}, {403, cloudkeys.ErrForbidden},
		{404, cloudkeys.ErrNotFound}, {409, cloudkeys.ErrConflict}, {500, cloudkeys.ErrServer}, {501, cloudkeys.ErrServer}}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, true, Config{})
			e.fs.FailNext(1, tt.status)
			resp, err := e.c.Do(context.Background(), read("/keys"))
			require.ErrorIs(t, err, tt.want)
			var ae *cloudkeys.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.Equal(t, "test", ae.Vendor)
			assert.Equal(t, "get", ae.Operation)
			assert.Equal(t, 1, ae.Attempts)
			require.NotNil(t, resp, "the error answer is returned with the error")
			assert.Len(t, e.fs.Requests(), 1)
		})
	}
}

func TestReadGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, Config{})
	e.fs.FailNext(10, 503)
	_, err := e.c.Do(context.Background(), read("/keys"))
	require.ErrorIs(t, err, cloudkeys.ErrServer)
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 4, ae.Attempts)
	assert.Len(t, e.fs.Requests(), 4)
}

func TestWriteNeverResentAfterItMayHaveArrived(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		inject    func(fs *fakeserver.Server)
		committed int
		unknown   bool
		sentinel  error
	}{
		{"commit then drop", func(fs *fakeserver.Server) { fs.CommitThenDrop(1) }, 1, true, nil},
		{"drop before serving", func(fs *fakeserver.Server) { fs.DropNext(1) }, 0, true, nil},
		{"503 answer", func(fs *fakeserver.Server) { fs.FailNext(1, 503) }, 0, false, cloudkeys.ErrServer},
		{"429 answer", func(fs *fakeserver.Server) { fs.FailNext(1, 429) }, 0, false, cloudkeys.ErrRateLimited},
		{"502 from a gateway", func(fs *fakeserver.Server) { fs.FailNextWith(1, fakeserver.Fault{Status: 502, Commit: true}) }, 1, true, cloudkeys.ErrServer},
		{"504 from a gateway", func(fs *fakeserver.Server) { fs.FailNextWith(1, fakeserver.Fault{Status: 504, Commit: true}) }, 1, true, cloudkeys.ErrServer},
	}
	for _, inMemory := range []bool{true, false} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/inMemory=%v", tt.name, inMemory), func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, inMemory, Config{})
				tt.inject(e.fs)
				_, err := e.c.Do(context.Background(), write("/keys"))
				require.Error(t, err)
				assert.Equal(t, tt.unknown, errors.Is(err, cloudkeys.ErrOutcomeUnknown), "%v", err)
				if tt.sentinel != nil {
					assert.ErrorIs(t, err, tt.sentinel)
				}
				assert.Len(t, e.fs.Requests(), 1, "a write that may have arrived is never sent twice")
				assert.Equal(t, tt.committed, e.hits.get())
				assert.Equal(t, 1, e.signer.count())
			})
		}
	}
}

// dialFailing fails the first n round trips with a dial error (nothing sent).
type dialFailing struct {
	n    atomic.Int32
	next http.RoundTripper
}

func (d *dialFailing) RoundTrip(r *http.Request) (*http.Response, error) {
	if d.n.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	}
	return d.next.RoundTrip(r)
}

func TestWriteRetriedWhenProvablyNeverSent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, Config{})
	df := &dialFailing{next: e.fs.Transport()}
	df.n.Store(2)
	c, err := New(Config{Vendor: "test", BaseURL: e.fs.URL(), Sign: e.signer.sign}, []cloudkeys.Option{fastRetry, cloudkeys.WithHTTPClient(&http.Client{Transport: df})})
	require.NoError(t, err)
	resp, err := c.Do(context.Background(), write("/keys"))
	require.NoError(t, err)
	assert.Equal(t, 3, resp.Attempts)
	assert.Equal(t, 1, e.hits.get(), "exactly one write reached the server")
	assert.Equal(t, 3, e.signer.count(), "each attempt is signed afresh")
}

func TestWriteToClosedPortIsRetriedAndNotUnknown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	s := &testSigner{}
	c, err := New(Config{Vendor: "test", BaseURL: "http://" + addr, Sign: s.sign}, []cloudkeys.Option{fastRetry})
	require.NoError(t, err)
	req := write("/keys")
	req.Query = map[string][]string{"command": {"registerUserKeys"}, "apikey": {testAPIKey}}
	_, err = c.Do(context.Background(), req)
	require.Error(t, err)
	assert.NotErrorIs(t, err, cloudkeys.ErrOutcomeUnknown, "a refused connection proves nothing was sent")
	assert.Equal(t, 4, s.count())
	assert.Contains(t, err.Error(), "POST "+addr+"/keys: ")
	assertNoLeak(t, "error", err.Error())
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		assert.NotContains(t, s, testAPIKey, "no query value in an error")
		assert.NotContains(t, s, "registerUserKeys")
	}
}

func TestIdempotentWriteRetriedLikeARead(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, Config{})
	e.fs.CommitThenDrop(1)
	req := write("/keys/1")
	req.Class = IdempotentWrite
	req.Method = http.MethodDelete
	resp, err := e.c.Do(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, 2, resp.Attempts)
	assert.Equal(t, 2, e.hits.get())
}

func TestClassifyHook(t *testing.T) {
	t.Parallel()
	classify := func(r *Response) Verdict {
		switch string(r.Body) {
		case "app-error":
			return Final
		case "node-down":
			return Transient
		}
		return Default
	}
	tests := []struct {
		name     string
		status   int
		body     string
		class    Class
		attempts int
	}{
		{"503 application error is final", 503, "app-error", Read, 1},
		{"500 declared transient is retried", 500, "node-down", Read, 3},
		{"transient never re-sends a write", 500, "node-down", Write, 1},
		{"default 503 retried", 503, "other", Read, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, true, Config{Classify: classify})
			e.fs.FailNextWith(2, fakeserver.Fault{Status: tt.status, Body: []byte(tt.body)})
			req := read("/x")
			req.Class = tt.class
			_, _ = e.c.Do(context.Background(), req)
			assert.Len(t, e.fs.Requests(), tt.attempts)
		})
	}
}

func TestEveryAttemptSignedAfresh(t *testing.T) {
	t.Parallel()
	var tick atomic.Int64
	clock := func() time.Time { return time.Unix(1700000000+tick.Add(1), 0) }
	e := newEnv(t, true, Config{}, cloudkeys.WithClock(clock))
	e.fs.FailNext(2, 503)
	_, err := e.c.Do(context.Background(), read("/x"))
	require.NoError(t, err)
	reqs := e.fs.Requests()
	require.Len(t, reqs, 3)
	seen := map[string]bool{}
	for i, r := range reqs {
		assert.False(t, seen[r.RawQuery], "attempt %d reuses a signature", i+1)
		seen[r.RawQuery] = true
	}
	for i, a := range e.signer.attempts {
		assert.Equal(t, i+1, a.Attempt)
	}
}

func TestRetryAfterHonouredAndClamped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		retryAfter func(now time.Time) string
		maxWait    time.Duration
		want       time.Duration
	}{
		{"seconds clamped to MaxWait", func(time.Time) string { return "120" }, 2 * time.Second, 2 * time.Second},
		{"seconds honoured", func(time.Time) string { return "3" }, 10 * time.Second, 3 * time.Second},
		{"HTTP-date honoured", func(now time.Time) string { return now.Add(4 * time.Second).UTC().Format(http.TimeFormat) }, 10 * time.Second, 4 * time.Second},
		{"HTTP-date clamped", func(now time.Time) string { return now.Add(time.Hour).UTC().Format(http.TimeFormat) }, 5 * time.Second, 5 * time.Second},
		{"date in the past is no wait", func(now time.Time) string { return now.Add(-time.Hour).UTC().Format(http.TimeFormat) }, 5 * time.Second, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				e := newEnv(t, true, Config{}, cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 2, MinWait: time.Millisecond, MaxWait: tt.maxWait}))
				e.fs.FailNextWith(1, fakeserver.Fault{Status: 429, Header: http.Header{"Retry-After": {tt.retryAfter(time.Now())}}})
				start := time.Now()
				_, err := e.c.Do(context.Background(), read("/x"))
				require.NoError(t, err)
				assert.Equal(t, tt.want, time.Since(start))
				reqs := e.fs.Requests()
				require.Len(t, reqs, 2)
				assert.Equal(t, tt.want, reqs[1].Time.Sub(reqs[0].Time))
			})
		})
	}
}

func TestCancelStopsBackoffAtOnce(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, true, Config{}, cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 5, MinWait: time.Minute, MaxWait: time.Hour}))
		e.fs.FailNextWith(1, fakeserver.Fault{Status: 503, Header: http.Header{"Retry-After": {"600"}}})
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			time.Sleep(time.Second)
			cancel()
		}()
		start := time.Now()
		_, err := e.c.Do(ctx, read("/x"))
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, time.Second, time.Since(start), "the backoff sleep must end with the context")
		assert.Len(t, e.fs.Requests(), 1)
		assertNoLeak(t, "error", err.Error())
	})
}

func TestDeadlineDuringWriteIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false, Config{})
	e.fs.SetDelay(time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := e.c.Do(ctx, write("/keys"))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown, "the write was on the wire when the deadline hit")
	assertNoLeak(t, "error", err.Error())
}

func TestCancelBeforeSendIsNotUnknown(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.c.Do(ctx, write("/keys"))
	require.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.Empty(t, e.fs.Requests())
}

func TestPollEndsWithContext(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		calls := 0
		start := time.Now()
		err := Poll(ctx, time.Second, 4*time.Second, func(context.Context) (bool, error) { calls++; return false, nil })
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 5*time.Second, time.Since(start))
		assert.GreaterOrEqual(t, calls, 2)

		calls = 0
		require.NoError(t, Poll(context.Background(), time.Second, time.Second, func(context.Context) (bool, error) { calls++; return calls == 3, nil }))
		assert.Equal(t, 3, calls)
		boom := errors.New("job failed")
		assert.ErrorIs(t, Poll(context.Background(), time.Second, time.Second, func(context.Context) (bool, error) { return false, boom }), boom)
	})
}

func TestRetryAfterParsing(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false}, {"abc", 0, false}, {"-1", 0, false}, {"0", 0, true}, {" 7 ", 7 * time.Second, true},
		{"999999999", 24 * time.Hour, true},
		{"Mon, 23 Nov 2026 10:00:30 GMT", 30 * time.Second, true},  // IMF-fixdate
		{"Monday, 23-Nov-26 10:00:30 GMT", 30 * time.Second, true}, // RFC 850
		{"Mon Nov 23 10:00:30 2026", 30 * time.Second, true},       // asctime
		{"Mon, 23 Nov 2026 09:00:00 GMT", 0, true},
		{"Mon, 01 Nov 2200 0:00:00 GMT", 24 * time.Hour, true}, // found by FuzzRetryAfter
	}
	for _, tt := range tests {
		got, ok := RetryAfter(tt.in, now)
		assert.Equal(t, tt.ok, ok, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
}

func TestBackoffBounds(t *testing.T) {
	t.Parallel()
	for n := 0; n < 70; n++ {
		for i := 0; i < 20; i++ {
			d := Backoff(100*time.Millisecond, 5*time.Second, n)
			full := 100 * time.Millisecond << min(n, 10)
			full = min(full, 5*time.Second)
			require.GreaterOrEqual(t, d, full/2, "n=%d", n)
			require.LessOrEqual(t, d, full, "n=%d", n)
		}
	}
	assert.Equal(t, time.Duration(0), Backoff(0, time.Second, 3))
}

func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"", "1", "120", "Mon, 23 Nov 2026 10:00:30 GMT", "-5", "1e9", "Monday, 23-Nov-26 10:00:30 GMT"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := RetryAfter(s, now)
		if d < 0 || (!ok && d != 0) || d > maxRetryAfter {
			t.Fatalf("RetryAfter(%q) = %v, %v", s, d, ok)
		}
		if c := clamp(d, 10*time.Second); c > 10*time.Second || c < 0 {
			t.Fatalf("clamp(%v) = %v", d, c)
		}
	})
}

// TestGETWriteNeverReplayedByNetHTTP: net/http re-sends a bodiless GET by
// itself when a reused keep-alive connection breaks after the request was
// written. A write sent as a GET must not be replayed that way.
func TestGETWriteNeverReplayedByNetHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false, Config{})
	_, err := e.c.Do(context.Background(), read("/warm")) // opens a keep-alive connection
	require.NoError(t, err)
	require.Equal(t, 1, e.fs.Connections())
	e.fs.CommitThenDrop(1)
	req := &Request{Operation: "registerUserKeys", Class: Write, Method: http.MethodGet, Path: "/keys"}
	_, err = e.c.Do(context.Background(), req)
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.Equal(t, 2, e.hits.get(), "the warm-up and exactly one write were served")
	assert.Len(t, e.fs.Requests(), 2)
	assert.Empty(t, e.fs.Requests()[1].Body)
}
