package transport

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/config"
)

// stallRT is a server that accepts every request and then stalls: before
// the headers, or after the headers and a few body bytes, until the
// attempt's context ends. It works inside synctest bubbles.
type stallRT struct {
	afterHeaders bool
	hits         atomic.Int32
}

func (s *stallRT) RoundTrip(r *http.Request) (*http.Response, error) {
	s.hits.Add(1)
	if tr := httptrace.ContextClientTrace(r.Context()); tr != nil && tr.GotConn != nil {
		tr.GotConn(httptrace.GotConnInfo{})
	}
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
	}
	if !s.afterHeaders {
		<-r.Context().Done()
		return nil, r.Context().Err()
	}
	pr, pw := io.Pipe()
	go func() {
		_, _ = pw.Write([]byte(`{"items":[`))
		<-r.Context().Done()
		pw.CloseWithError(r.Context().Err())
	}()
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: pr, ContentLength: -1, Request: r}, nil
}

func stallClient(t *testing.T, rt http.RoundTripper, opts ...cloudkeys.Option) *Client {
	t.Helper()
	all := append([]cloudkeys.Option{
		cloudkeys.WithHTTPClient(&http.Client{Transport: rt}),
		cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 3, MinWait: time.Second, MaxWait: time.Second}),
		cloudkeys.WithResponseHeaderTimeout(cloudkeys.DefaultResponseHeaderTimeout),
		cloudkeys.WithBodyReadTimeout(cloudkeys.DefaultBodyReadTimeout),
	}, opts...)
	c, err := New(Config{Vendor: "test", BaseURL: "http://stall.invalid/api"}, all)
	require.NoError(t, err)
	return c
}

// TestStalledServerIsBounded: with context.Background(), a server that
// never answers, or stops in the middle of the body, costs a read
// MaxAttempts bounded attempts and a write exactly one, reported as
// ErrOutcomeUnknown; the waits are the bounds, in synctest's fake time
// (mutation: make watch return nil: the calls never return and synctest
// reports the deadlock).
func TestStalledServerIsBounded(t *testing.T) {
	for _, tt := range []struct {
		name         string
		afterHeaders bool
		bound        time.Duration
	}{
		{"no headers", false, cloudkeys.DefaultResponseHeaderTimeout},
		{"stalled body", true, cloudkeys.DefaultBodyReadTimeout},
	} {
		t.Run(tt.name+"/read", func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rt := &stallRT{afterHeaders: tt.afterHeaders}
				start := time.Now()
				_, err := stallClient(t, rt).Do(context.Background(), read("/keys"))
				require.Error(t, err)
				var se *StallError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, tt.bound, se.After)
				assert.NotErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
				assert.EqualValues(t, 3, rt.hits.Load(), "a stalled read is retried")
				elapsed := time.Since(start)
				assert.GreaterOrEqual(t, elapsed, 3*tt.bound+time.Second, "three bounded attempts and two jittered waits of at most 1s")
				assert.LessOrEqual(t, elapsed, 3*tt.bound+2*time.Second)
			})
		})
		t.Run(tt.name+"/write", func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rt := &stallRT{afterHeaders: tt.afterHeaders}
				start := time.Now()
				_, err := stallClient(t, rt).Do(context.Background(), write("/keys"))
				require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
				var se *StallError
				require.ErrorAs(t, err, &se)
				assert.EqualValues(t, 1, rt.hits.Load(), "a stalled write is never re-sent")
				assert.Equal(t, tt.bound, time.Since(start))
				assert.Contains(t, err.Error(), tt.bound.String())
			})
		})
	}
}

// TestSlowButSteadyBodyIsNotCut: the body bound is on silence, not on the
// whole body: an answer trickling a byte every 20 s for two minutes is read
// in full.
func TestSlowButSteadyBodyIsNotCut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			pr, pw := io.Pipe()
			go func() {
				for _, b := range []byte(`{"a":1}`) {
					time.Sleep(20 * time.Second)
					if _, err := pw.Write([]byte{b}); err != nil {
						return
					}
				}
				_ = pw.Close()
			}()
			return &http.Response{StatusCode: 200, Header: http.Header{}, Body: pr, ContentLength: -1, Request: r}, nil
		})
		resp, err := stallClient(t, rt).Do(context.Background(), read("/keys"))
		require.NoError(t, err)
		assert.JSONEq(t, `{"a":1}`, string(resp.Body))
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestWaitBounds: the defaults apply to the client's own transport; a
// caller's http.Client keeps its own timeouts unless the options are given;
// zero disables.
func TestWaitBounds(t *testing.T) {
	d := func(v time.Duration) *time.Duration { return &v }
	for _, tt := range []struct {
		name         string
		s            config.Settings
		header, body time.Duration
	}{
		{"own transport", config.Settings{}, cloudkeys.DefaultResponseHeaderTimeout, cloudkeys.DefaultBodyReadTimeout},
		{"caller's client", config.Settings{HTTPClient: &http.Client{}}, 0, 0},
		{"caller's client, explicit", config.Settings{HTTPClient: &http.Client{}, ResponseHeaderTimeout: d(time.Second), BodyReadTimeout: d(2 * time.Second)}, time.Second, 2 * time.Second},
		{"disabled", config.Settings{ResponseHeaderTimeout: d(0), BodyReadTimeout: d(0)}, 0, 0},
	} {
		h, b := waitBounds(tt.s)
		assert.Equal(t, tt.header, h, tt.name)
		assert.Equal(t, tt.body, b, tt.name)
	}
	_, err := Resolve([]cloudkeys.Option{cloudkeys.WithResponseHeaderTimeout(-1)})
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	_, err = Resolve([]cloudkeys.Option{cloudkeys.WithBodyReadTimeout(-1)})
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
}

// TestStallBoundsOverRealConnections: the same bounds on the client's own
// pooled transport over TLS with HTTP/2 and with HTTP/1.1, with tiny
// values (the server stalls until the client gives up). The connection is
// made first by a quick request, so a slow handshake on a loaded machine
// is not what the bounds meet; the server's counts are read once it has
// finished every request (a stalled request's handler may start after the
// client gave up).
func TestStallBoundsOverRealConnections(t *testing.T) {
	for _, h2 := range []bool{true, false} {
		for _, afterHeaders := range []bool{false, true} {
			name := map[bool]string{true: "h2", false: "http1.1"}[h2] + map[bool]string{true: "/stalled body", false: "/no headers"}[afterHeaders]
			t.Run(name, func(t *testing.T) {
				release := make(chan struct{})
				var writes, reads atomic.Int32
				ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if strings.HasSuffix(r.URL.Path, "/ping") {
						w.WriteHeader(http.StatusNoContent)
						return
					}
					if r.Method == http.MethodGet {
						reads.Add(1)
					} else {
						writes.Add(1)
					}
					if afterHeaders {
						w.WriteHeader(http.StatusOK)
						_, _ = w.Write([]byte(`{"items":[`))
						w.(http.Flusher).Flush()
					}
					select {
					case <-r.Context().Done():
					case <-release:
					}
				}))
				ts.EnableHTTP2 = h2
				ts.StartTLS()
				c, err := New(Config{Vendor: "test", BaseURL: ts.URL + "/api"}, []cloudkeys.Option{
					cloudkeys.WithTLSConfig(ts.Client().Transport.(*http.Transport).TLSClientConfig),
					cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 2}),
					cloudkeys.WithResponseHeaderTimeout(100 * time.Millisecond),
					cloudkeys.WithBodyReadTimeout(100 * time.Millisecond),
				})
				require.NoError(t, err)
				_, err = c.Do(context.Background(), read("/ping"))
				require.NoError(t, err)

				_, err = c.Do(context.Background(), write("/keys"))
				require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
				var se *StallError
				require.True(t, errors.As(err, &se), "%v", err)
				resp, err := c.Do(context.Background(), read("/keys"))
				if err == nil {
					t.Logf("resp %d %q attempts %d", resp.StatusCode, resp.Body, resp.Attempts)
				}
				require.ErrorAs(t, err, &se)

				close(release)
				ts.Close() // waits for every handler
				assert.EqualValues(t, 1, writes.Load(), "the write was not retried")
				assert.EqualValues(t, 2, reads.Load(), "the read was retried once")
			})
		}
	}
}

// TestWatchdogOneTimerPerCall: the call's one watchdog arms the header
// bound, then the body bound, restarts it on progress, ignores a late run
// of its timer (one for a bound since moved, which Stop or Reset reported
// as already started), fires once the bound passes,
// and gives the next attempt a new context only after it fired.
func TestWatchdogOneTimerPerCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := &watchdog{header: time.Minute, idle: 30 * time.Second, parent: context.Background()}
		ctx := w.start()
		time.Sleep(59 * time.Second)
		w.headersArrived()
		time.Sleep(20 * time.Second)
		w.mu.Lock()
		w.late++ // as disarmLocked counts a run Stop could not prevent
		w.mu.Unlock()
		w.expire() // that late run: ignored
		require.NoError(t, ctx.Err())
		assert.Zero(t, w.late)
		w.progress()
		time.Sleep(29 * time.Second)
		require.NoError(t, ctx.Err(), "progress restarted the body bound")
		w.done()
		again := w.start()
		assert.Same(t, ctx, again, "an attempt after one that did not stall keeps the context")
		time.Sleep(time.Minute)
		synctest.Wait()
		require.Error(t, ctx.Err(), "the header bound passed")
		var se *StallError
		require.ErrorAs(t, w.failed(io.EOF), &se)
		assert.Equal(t, stageHeaders, se.Stage)
		next := w.start()
		assert.NotSame(t, ctx, next, "a stalled attempt's context cannot serve the next")
		require.NoError(t, next.Err())
		assert.Equal(t, io.EOF, w.failed(io.EOF), "the new attempt has not stalled")
		w.stop()
		require.Error(t, next.Err(), "stop releases the call's context")
		time.Sleep(2 * time.Minute)
		assert.Equal(t, io.EOF, w.failed(io.EOF), "a stopped watchdog never fires")
	})
}

// TestHeadersAtTheBoundNeverStallTheBody: headers that come exactly when
// the header bound passes race the timer's run. Either the bound won (a
// header stall) or the headers did, and then the run of the timer already
// under way must not cut the body, which keeps coming (mutation: never
// count a late run, and some of these calls end with a body stall).
func TestHeadersAtTheBoundNeverStallTheBody(t *testing.T) {
	for i := 0; i < 40; i++ {
		synctest.Test(t, func(t *testing.T) {
			rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				time.Sleep(cloudkeys.DefaultResponseHeaderTimeout)
				pr, pw := io.Pipe()
				go func() {
					for _, b := range []byte(`{"a":1}`) {
						time.Sleep(time.Second)
						if _, err := pw.Write([]byte{b}); err != nil {
							return
						}
					}
					_ = pw.Close()
				}()
				return &http.Response{StatusCode: 200, Header: http.Header{}, Body: pr, ContentLength: -1, Request: r}, nil
			})
			c := stallClient(t, rt, cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 1}))
			resp, err := c.Do(context.Background(), read("/keys"))
			if err != nil {
				var se *StallError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, stageHeaders, se.Stage, "the body kept coming")
				return
			}
			assert.JSONEq(t, `{"a":1}`, string(resp.Body))
		})
	}
}
