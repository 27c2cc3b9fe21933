package fakeserver

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// counting answers "ok <n>" and counts the requests it served.
type counting struct{ n atomic.Int32 }

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := c.n.Add(1)
	w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(w, "ok "+string(rune('0'+n)))
}

func vendorErrorBody(status int) (http.Header, []byte) {
	return http.Header{"Content-Type": {"application/json"}}, []byte(`{"error":{"status":` + http.StatusText(status) + `}}`)
}

// clientFor returns an HTTP client and base URL for s in either mode.
func clientFor(s *Server) *http.Client {
	if s.InMemory() {
		return &http.Client{Transport: s.Transport()}
	}
	return &http.Client{}
}

func get(t *testing.T, c *http.Client, url string) (*http.Response, string, error) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		return nil, "", err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b), nil
}

func bothModes(t *testing.T, f func(t *testing.T, inMemory bool)) {
	for _, m := range []bool{false, true} {
		name := "tcp"
		if m {
			name = "in-memory"
		}
		t.Run(name, func(t *testing.T) { t.Parallel(); f(t, m) })
	}
}

func TestFailNextUsesVendorErrorBody(t *testing.T) {
	t.Parallel()
	bothModes(t, func(t *testing.T, inMemory bool) {
		h := &counting{}
		s := New(h, Options{ErrorBody: vendorErrorBody, InMemory: inMemory})
		defer s.Close()
		c := clientFor(s)
		s.FailNext(2, 503)
		for i := 0; i < 2; i++ {
			resp, body, err := get(t, c, s.URL()+"/x")
			require.NoError(t, err)
			assert.Equal(t, 503, resp.StatusCode)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			assert.Contains(t, body, "Service Unavailable")
		}
		resp, body, err := get(t, c, s.URL()+"/x")
		require.NoError(t, err)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, "ok 1", body)
		assert.Equal(t, int32(1), h.n.Load(), "failed requests are not served")
		reqs := s.Requests()
		require.Len(t, reqs, 3)
		assert.True(t, reqs[0].Fault)
		assert.False(t, reqs[2].Fault)
		assert.Equal(t, 0, s.PendingFaults())
	})
}

func TestFaultMatchAndHeaders(t *testing.T) {
	t.Parallel()
	h := &counting{}
	s := New(h, Options{InMemory: true})
	defer s.Close()
	c := clientFor(s)
	s.FailNextWith(1, Fault{Status: 429, Header: http.Header{"Retry-After": {"7"}}, Body: []byte("slow down"),
		Match: func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/limited") }})
	_, body, err := get(t, c, s.URL()+"/free")
	require.NoError(t, err)
	assert.Equal(t, "ok 1", body, "a non-matching request passes and leaves the fault")
	resp, body, err := get(t, c, s.URL()+"/limited/1")
	require.NoError(t, err)
	assert.Equal(t, 429, resp.StatusCode)
	assert.Equal(t, "7", resp.Header.Get("Retry-After"))
	assert.Equal(t, "slow down", body)
}

func TestCommitThenDrop(t *testing.T) {
	t.Parallel()
	bothModes(t, func(t *testing.T, inMemory bool) {
		h := &counting{}
		s := New(h, Options{InMemory: inMemory})
		defer s.Close()
		c := clientFor(s)
		s.CommitThenDrop(1)
		resp, err := c.Post(s.URL()+"/keys", "application/json", strings.NewReader(`{"a":1}`))
		if resp != nil {
			_ = resp.Body.Close()
		}
		require.Error(t, err, "the answer is lost")
		assert.Equal(t, int32(1), h.n.Load(), "but the operation happened")
		require.Len(t, s.Requests(), 1)
		assert.Equal(t, `{"a":1}`, string(s.Requests()[0].Body))

		s.DropNext(1)
		_, err = c.Post(s.URL()+"/keys", "application/json", strings.NewReader(`{}`))
		require.Error(t, err)
		assert.Equal(t, int32(1), h.n.Load(), "a plain drop serves nothing")
	})
}

func TestDelayEndsWithClient(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := &counting{}
		s := New(h, Options{InMemory: true})
		defer s.Close()
		s.SetDelay(time.Minute)
		start := time.Now()
		_, body, err := get(t, clientFor(s), s.URL()+"/x")
		require.NoError(t, err)
		assert.Equal(t, "ok 1", body)
		assert.Equal(t, time.Minute, time.Since(start))

		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+"/x", nil)
		_, err = clientFor(s).Do(req)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, int32(1), h.n.Load())
	})
}

func TestClock(t *testing.T) {
	t.Parallel()
	var c Clock
	assert.WithinDuration(t, time.Now(), c.Now(), time.Minute)
	c.Advance(time.Hour)
	assert.WithinDuration(t, time.Now().Add(time.Hour), c.Now(), time.Minute)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c.Set(at)
	assert.Equal(t, at, c.Now())
	c.Advance(90 * time.Second)
	assert.Equal(t, at.Add(90*time.Second), c.Now())
	c.Real()
	assert.WithinDuration(t, time.Now(), c.Now(), time.Minute)
}

func TestRequestLogAndConnections(t *testing.T) {
	t.Parallel()
	s := New(&counting{}, Options{})
	c := clientFor(s)
	s.Clock().Set(time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC))
	req, _ := http.NewRequest(http.MethodPut, s.URL()+"/a%2Fb?x=1&y=2", strings.NewReader("body"))
	req.Header.Set("X-Test", "v")
	resp, err := c.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	reqs := s.Requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	assert.Equal(t, http.MethodPut, r.Method)
	assert.Equal(t, "/a/b", r.Path)
	assert.Equal(t, "/a%2Fb", r.RawPath)
	assert.Equal(t, "x=1&y=2", r.RawQuery)
	assert.Equal(t, "v", r.Header.Get("X-Test"))
	assert.Equal(t, "body", string(r.Body))
	assert.Equal(t, time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC), r.Time)
	assert.Equal(t, 1, s.Connections())
	s.ResetRequests()
	assert.Empty(t, s.Requests())

	s.Close()
	s.Close() // idempotent
	_, err = c.Get(s.URL())
	require.Error(t, err)
}

func TestInMemoryClosedRefusesLikeAClosedPort(t *testing.T) {
	t.Parallel()
	s := New(&counting{}, Options{InMemory: true})
	assert.Equal(t, InMemoryURL, s.URL())
	s.Close()
	_, err := clientFor(s).Get(s.URL())
	var oe *net.OpError
	require.True(t, errors.As(err, &oe))
	assert.Equal(t, "dial", oe.Op)
}

func TestHandlerPanicsOtherThanAbortPropagate(t *testing.T) {
	t.Parallel()
	s := New(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("bug") }), Options{InMemory: true})
	defer s.Close()
	assert.PanicsWithValue(t, "bug", func() { _, _ = s.Transport().RoundTrip(httpGet(s.URL())) })
}

func httpGet(url string) *http.Request {
	r, _ := http.NewRequest(http.MethodGet, url, nil)
	return r
}

func TestListenOnGivenAddress(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	s, err := Listen(&counting{}, Options{Addr: addr})
	require.Error(t, err, "the port is taken")
	assert.Nil(t, s)
	require.NoError(t, ln.Close())
	s, err = Listen(&counting{}, Options{Addr: addr})
	require.NoError(t, err)
	defer s.Close()
	assert.Equal(t, "http://"+addr, s.URL())
	_, body, err := get(t, clientFor(s), s.URL())
	require.NoError(t, err)
	assert.Equal(t, "ok 1", body)
}

func TestHandlerAcceptsARequestWithoutBody(t *testing.T) {
	t.Parallel()
	s := New(&counting{}, Options{InMemory: true})
	defer s.Close()
	r := httpGet(s.URL() + "/x")
	r.Body = nil
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	assert.Equal(t, "ok 1", w.Body.String())
}

func TestNewUUID(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		u := NewUUID()
		assert.Regexp(t, re, u)
		assert.False(t, seen[u])
		seen[u] = true
	}
}
