package fakeserver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tlsClient is a client trusting s, attempting HTTP/2 like the SDK's
// pooled transport.
func tlsClient(s *Server) *http.Client {
	return &http.Client{Transport: &http.Transport{TLSClientConfig: s.TLSConfig(), ForceAttemptHTTP2: true}}
}

// modeClient is a client for s in any mode.
func modeClient(s *Server) *http.Client {
	switch {
	case s.InMemory():
		return &http.Client{Transport: s.Transport()}
	case s.TLSConfig() != nil:
		return tlsClient(s)
	}
	return &http.Client{Transport: &http.Transport{}}
}

func closeIdle(c *http.Client) {
	if t, ok := c.Transport.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
}

func TestTLSModesNegotiate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		mode      TLSMode
		nextProto []string // the client's ALPN offer; nil: Go's default with ForceAttemptHTTP2
		wantProto string
		wantALPN  string
	}{
		{"TLSHTTP2", TLSHTTP2, nil, "HTTP/2.0", "h2"},
		{"TLSHTTP2 to a client without h2", TLSHTTP2, []string{"http/1.1"}, "HTTP/1.1", "http/1.1"},
		{"TLSHTTP1", TLSHTTP1, nil, "HTTP/1.1", "http/1.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New(&counting{}, Options{TLS: tc.mode})
			defer s.Close()
			require.True(t, strings.HasPrefix(s.URL(), "https://127.0.0.1:"), s.URL())
			cfg := s.TLSConfig()
			cfg.NextProtos = tc.nextProto
			c := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: tc.nextProto == nil}}
			defer closeIdle(c)
			for _, url := range []string{s.URL(), strings.Replace(s.URL(), "127.0.0.1", "localhost", 1)} {
				resp, body, err := get(t, c, url+"/x")
				require.NoError(t, err)
				assert.Equal(t, tc.wantProto, resp.Proto)
				require.NotNil(t, resp.TLS)
				assert.Equal(t, tc.wantALPN, resp.TLS.NegotiatedProtocol)
				assert.Contains(t, body, "ok ")
			}
			reqs := s.Requests()
			require.Len(t, reqs, 2)
			assert.Equal(t, tc.wantProto, reqs[0].Proto)
			assert.Equal(t, 200, reqs[0].Status)

			_, _, err := get(t, &http.Client{}, s.URL()+"/x")
			require.Error(t, err, "a client that does not trust the fake fails")
		})
	}
	t.Run("plain", func(t *testing.T) {
		t.Parallel()
		s := New(&counting{}, Options{})
		defer s.Close()
		assert.Nil(t, s.TLSConfig())
		assert.Nil(t, s.CertPool())
		assert.Nil(t, s.CertificatePEM())
		assert.True(t, strings.HasPrefix(s.URL(), "http://127.0.0.1:"))
		resp, _, err := get(t, &http.Client{}, s.URL()+"/x")
		require.NoError(t, err)
		assert.Equal(t, "HTTP/1.1", resp.Proto)
	})
}

func TestCertificate(t *testing.T) {
	t.Parallel()
	s := New(&counting{}, Options{TLS: TLSHTTP2})
	defer s.Close()
	c := s.Certificate()
	require.NotNil(t, c)
	assert.Equal(t, "ECDSA", c.PublicKeyAlgorithm.String())
	assert.ElementsMatch(t, []string{"localhost", "fake.invalid"}, c.DNSNames)
	assert.Len(t, c.IPAddresses, 2)
	assert.Contains(t, string(s.CertificatePEM()), "BEGIN CERTIFICATE")
	require.NoError(t, c.VerifyHostname("127.0.0.1"))
	require.NoError(t, c.VerifyHostname("::1"))
	other := New(&counting{}, Options{TLS: TLSHTTP1})
	defer other.Close()
	assert.NotEqual(t, c.Raw, other.Certificate().Raw, "every fake has its own certificate")
}

// echo answers the SHA-256 of the request body, or, for GET /big?n, n bytes.
type echo struct{ served atomic.Int32 }

func (e *echo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.served.Add(1)
	if r.Method == http.MethodGet {
		n := len(r.URL.RawQuery) << 20 // one MiB per query character
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(pattern(n))
		return
	}
	b, _ := io.ReadAll(r.Body)
	sum := sha256.Sum256(b)
	_, _ = w.Write(sum[:])
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>10)
	}
	return b
}

func TestH2BigBodies(t *testing.T) {
	t.Parallel()
	s := New(&echo{}, Options{TLS: TLSHTTP2})
	defer s.Close()
	c := tlsClient(s)
	defer closeIdle(c)
	body := pattern(5 << 20)
	resp, err := c.Post(s.URL()+"/up", "application/octet-stream", bytes.NewReader(body))
	require.NoError(t, err)
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, "HTTP/2.0", resp.Proto)
	want := sha256.Sum256(body)
	assert.Equal(t, want[:], got, "5 MiB up")
	assert.Equal(t, int64(5<<20), s.Requests()[0].BodySize)

	resp, err = c.Get(s.URL() + "/big?12345")
	require.NoError(t, err)
	got, err = io.ReadAll(resp.Body)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, "HTTP/2.0", resp.Proto)
	assert.True(t, bytes.Equal(pattern(5<<20), got), "5 MiB down")
	assert.Equal(t, 1, s.Connections())
}

func TestH2ConcurrentStreamsOnOneConnection(t *testing.T) {
	t.Parallel()
	const n = 50
	var arrived atomic.Int32
	all := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/wait" {
			if arrived.Add(1) == n {
				close(all)
			}
			select { // every handler waits for all: they run at once
			case <-all:
			case <-r.Context().Done():
				return
			}
		}
		_, _ = io.WriteString(w, r.URL.Path)
	})
	s := New(h, Options{TLS: TLSHTTP2})
	defer s.Close()
	c := tlsClient(s)
	defer closeIdle(c)
	_, _, err := get(t, c, s.URL()+"/warm") // one connection, then multiplexed
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // a safety net, not a limit
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/wait", strings.NewReader("x"))
			resp, err := c.Do(req)
			if err != nil {
				errs <- err
				return
			}
			b, err := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if err == nil && (string(b) != "/wait" || resp.ProtoMajor != 2) {
				err = errors.New("bad answer " + string(b) + " " + resp.Proto)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 1, s.Connections(), "every stream on one connection")
	assert.Len(t, s.Requests(), n+1)
}

// oneShot is a POST whose body cannot be replayed (no GetBody), so that
// Go's HTTP/2 transport does not retry it on its own.
func oneShot(ctx context.Context, url, body string) *http.Request {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, io.NopCloser(strings.NewReader(body)))
	req.GetBody = nil
	return req
}

// faultCase is one fault and what a client observes of it.
type faultCase struct {
	name   string
	fault  Fault
	served int32 // how many times the handler ran
	// errH2 is a substring of Go's client error over HTTP/2 ("" = no error
	// from Do). Over HTTP/1.1 and in memory every fault below is a
	// connection closed without an answer.
	errH2 string
}

var streamFaults = []faultCase{
	{"REFUSED_STREAM before serving", Fault{Reset: ResetRefusedStream}, 0, "REFUSED_STREAM"},
	{"PROTOCOL_ERROR after serving", Fault{Reset: ResetProtocolError, Commit: true}, 1, "PROTOCOL_ERROR"},
	{"INTERNAL_ERROR after serving", Fault{Reset: ResetInternalError, Commit: true}, 1, "INTERNAL_ERROR"},
	{"CANCEL after serving", Fault{Reset: ResetCancel, Commit: true}, 1, "CANCEL"},
	{"GOAWAY before serving", Fault{GoAway: true}, 0, "GOAWAY"},
	{"GOAWAY after serving", Fault{GoAway: true, Commit: true}, 1, "GOAWAY"},
	{"drop", Fault{Drop: true}, 0, "INTERNAL_ERROR"},
	{"commit then drop", Fault{Drop: true, Commit: true}, 1, "INTERNAL_ERROR"},
}

func TestStreamFaultsInEveryMode(t *testing.T) {
	t.Parallel()
	modes := []struct {
		name string
		opts Options
	}{
		{"TLSHTTP2", Options{TLS: TLSHTTP2}},
		{"TLSHTTP1", Options{TLS: TLSHTTP1}},
		{"plain", Options{}},
		{"in-memory", Options{InMemory: true}},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range streamFaults {
				t.Run(tc.name, func(t *testing.T) {
					h := &counting{}
					s := New(h, m.opts)
					defer s.Close()
					c := modeClient(s)
					defer closeIdle(c)
					s.FailNextWith(1, tc.fault)
					resp, err := c.Do(oneShot(context.Background(), s.URL()+"/keys", `{"a":1}`))
					if resp != nil {
						_ = resp.Body.Close()
					}
					require.Error(t, err, "no answer")
					t.Logf("%s: %v", m.name, err)
					if m.opts.TLS == TLSHTTP2 {
						assert.Contains(t, err.Error(), tc.errH2)
					} else if m.opts.InMemory {
						require.ErrorIs(t, err, ErrDropped)
					}
					assert.Equal(t, tc.served, h.n.Load(), "handler runs")
					reqs := s.Requests()
					require.Len(t, reqs, 1, "the request is logged, served or not")
					assert.True(t, reqs[0].Fault)
					assert.Equal(t, `{"a":1}`, string(reqs[0].Body))
					assert.Zero(t, reqs[0].Status, "nothing was answered")

					// The server goes on serving.
					_, body, err := get(t, c, s.URL()+"/after")
					require.NoError(t, err)
					assert.Equal(t, "ok "+string(rune('1'+tc.served)), body)
				})
			}
		})
	}
}

func TestH2ReplaysARequestWithGetBodyAfterProtocolError(t *testing.T) {
	t.Parallel()
	// Why the SDK's transport must clear GetBody on writes: Go's HTTP/2
	// transport retries a request reset with PROTOCOL_ERROR (or
	// REFUSED_STREAM, or cut off by GOAWAY) by itself when it can rewind
	// the body, even though the server processed it.
	h := &counting{}
	s := New(h, Options{TLS: TLSHTTP2})
	defer s.Close()
	c := tlsClient(s)
	defer closeIdle(c)
	s.FailNextWith(1, Fault{Reset: ResetProtocolError, Commit: true})
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/keys", strings.NewReader(`{"a":1}`))
	require.NotNil(t, req.GetBody)
	resp, body, err := do(c, req)
	require.NoError(t, err, "the reset is hidden by a replay")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "ok 2", body)
	assert.Equal(t, int32(2), h.n.Load(), "the operation happened twice")
	require.Len(t, s.Requests(), 2)

	// Without GetBody the same fault surfaces, and the operation happened once.
	s.FailNextWith(1, Fault{Reset: ResetProtocolError, Commit: true})
	_, _, err = do(c, oneShot(context.Background(), s.URL()+"/keys", `{"a":1}`))
	require.Error(t, err)
	assert.Equal(t, int32(3), h.n.Load())
}

func do(c *http.Client, req *http.Request) (*http.Response, string, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

func TestCutBodyInEveryMode(t *testing.T) {
	t.Parallel()
	for _, m := range []struct {
		name  string
		opts  Options
		fault Fault
	}{
		{"TLSHTTP2 closes the connection", Options{TLS: TLSHTTP2}, Fault{CutBody: true, CutAfter: 3}},
		{"TLSHTTP2 resets the stream", Options{TLS: TLSHTTP2}, Fault{CutBody: true, CutAfter: 3, Reset: ResetInternalError}},
		{"TLSHTTP1", Options{TLS: TLSHTTP1}, Fault{CutBody: true, CutAfter: 3}},
		{"plain", Options{}, Fault{CutBody: true, CutAfter: 3}},
		{"in-memory", Options{InMemory: true}, Fault{CutBody: true, CutAfter: 3}},
		{"in-memory TLS", Options{InMemory: true, TLS: TLSHTTP2}, Fault{CutBody: true, CutAfter: 3}},
	} {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			h := &counting{}
			s := New(h, m.opts)
			defer s.Close()
			c := modeClient(s)
			defer closeIdle(c)
			s.FailNextWith(1, m.fault)
			resp, err := c.Do(oneShot(context.Background(), s.URL()+"/keys", "{}"))
			require.NoError(t, err, "the status and headers arrive")
			assert.Equal(t, 200, resp.StatusCode)
			assert.Equal(t, int64(4), resp.ContentLength, "the full length is announced")
			b, err := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			require.Error(t, err, "then the body is cut")
			t.Logf("%s: %v", m.name, err)
			assert.Equal(t, "ok ", string(b))
			if m.fault.Reset != 0 {
				assert.Contains(t, err.Error(), "INTERNAL_ERROR")
			} else {
				require.ErrorIs(t, err, io.ErrUnexpectedEOF)
			}
			assert.Equal(t, int32(1), h.n.Load(), "served for real")
			assert.Equal(t, 200, s.Requests()[0].Status)

			_, body, err := get(t, c, s.URL()+"/after")
			require.NoError(t, err)
			assert.Equal(t, "ok 2", body)
		})
	}
}

// arrival returns a Match that closes the returned channel when the
// fault is taken: the request was read completely.
func arrival() (func(*http.Request) bool, <-chan struct{}) {
	ch := make(chan struct{})
	var once sync.Once
	return func(*http.Request) bool { once.Do(func() { close(ch) }); return true }, ch
}

func TestStallsEndWithTheClient(t *testing.T) {
	t.Parallel()
	for _, m := range []struct {
		name string
		opts Options
	}{
		{"TLSHTTP2", Options{TLS: TLSHTTP2}},
		{"TLSHTTP1", Options{TLS: TLSHTTP1}},
		{"plain", Options{}},
		{"in-memory", Options{InMemory: true}},
	} {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			h := &counting{}
			s := New(h, m.opts)
			defer s.Close()
			c := modeClient(s)
			defer closeIdle(c)

			// StallHeaders: no answer until the client gives up.
			match, arrived := arrival()
			s.FailNextWith(1, Fault{StallHeaders: true, Match: match})
			ctx, cancel := context.WithCancel(context.Background())
			go func() { <-arrived; cancel() }()
			_, err := c.Do(oneShot(ctx, s.URL()+"/keys", "{}"))
			require.ErrorIs(t, err, context.Canceled)
			assert.Equal(t, int32(0), h.n.Load())

			// StallBody: the status, headers and 3 bytes, then nothing.
			s.FailNextWith(1, Fault{StallBody: true, StallAfter: 3})
			ctx, cancel = context.WithCancel(context.Background())
			defer cancel()
			resp, err := c.Do(oneShot(ctx, s.URL()+"/keys", "{}"))
			require.NoError(t, err)
			assert.Equal(t, int64(4), resp.ContentLength)
			buf := make([]byte, 3)
			_, err = io.ReadFull(resp.Body, buf)
			require.NoError(t, err)
			assert.Equal(t, "ok ", string(buf))
			readErr := make(chan error, 1)
			go func() { _, err := resp.Body.Read(make([]byte, 10)); readErr <- err }()
			cancel()
			err = <-readErr
			require.Error(t, err, "the stalled read ends with the context")
			t.Logf("%s: stalled body read: %v", m.name, err)
			_ = resp.Body.Close()
			assert.Equal(t, int32(1), h.n.Load(), "StallBody serves for real")
			require.Len(t, s.Requests(), 2)
		})
	}
}

func TestCloseEndsStalledRequests(t *testing.T) {
	t.Parallel()
	for _, m := range []struct {
		name string
		opts Options
	}{
		{"TLSHTTP2", Options{TLS: TLSHTTP2}},
		{"TLSHTTP1", Options{TLS: TLSHTTP1}},
		{"plain", Options{}},
		{"in-memory", Options{InMemory: true}},
	} {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			s := New(&counting{}, m.opts)
			c := modeClient(s)
			defer closeIdle(c)
			match, arrived := arrival()
			s.FailNextWith(1, Fault{StallHeaders: true, Match: match})
			s.SetDelay(time.Hour)
			errs := make(chan error, 2)
			go func() {
				_, err := c.Do(oneShot(context.Background(), s.URL()+"/stall", "{}"))
				errs <- err
			}()
			<-arrived
			go func() { // and a delayed one
				_, err := c.Do(oneShot(context.Background(), s.URL()+"/delayed", "{}"))
				errs <- err
			}()
			for len(s.Requests()) < 2 {
				time.Sleep(time.Millisecond)
			}
			s.Close() // returns once both handlers returned
			require.Error(t, <-errs)
			require.Error(t, <-errs)
		})
	}
}

func TestGotConnTraceInMemory(t *testing.T) {
	t.Parallel()
	s := New(&counting{}, Options{InMemory: true})
	defer s.Close()
	var got atomic.Bool
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { got.Store(true) }})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+"/x", nil)
	_, body, err := do(&http.Client{Transport: s.Transport()}, req)
	require.NoError(t, err)
	assert.Equal(t, "ok 1", body)
	assert.True(t, got.Load())
}
