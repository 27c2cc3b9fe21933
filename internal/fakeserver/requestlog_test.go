package fakeserver

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func postN(t *testing.T, s *Server, path string, n int, body string) {
	t.Helper()
	c := &http.Client{Transport: s.Transport()}
	for i := range n {
		req, _ := http.NewRequest(http.MethodPost, s.URL()+path, strings.NewReader(body))
		req.Header.Set("X-Seq", strconv.Itoa(i))
		resp, err := c.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
	}
}

func TestRequestLogKeepsTheNewest(t *testing.T) {
	t.Parallel()
	s := New(&counting{}, Options{InMemory: true, MaxLoggedRequests: 3})
	defer s.Close()
	postN(t, s, "/x", 7, "b")
	reqs := s.Requests()
	require.Len(t, reqs, 3)
	for i, r := range reqs {
		assert.Equal(t, strconv.Itoa(4+i), r.Header.Get("X-Seq"), "oldest first")
		assert.Equal(t, "b", string(r.Body))
		assert.Equal(t, 200, r.Status)
		assert.Equal(t, "HTTP/1.1", r.Proto)
	}
	s.ResetRequests()
	assert.Empty(t, s.Requests())
	postN(t, s, "/x", 1, "c")
	assert.Len(t, s.Requests(), 1)
}

func TestRequestLogDefaultSize(t *testing.T) {
	t.Parallel()
	var l requestLog
	for i := range DefaultMaxLoggedRequests + 10 {
		l.add(Request{Path: strconv.Itoa(i)})
	}
	all := l.all()
	require.Len(t, all, DefaultMaxLoggedRequests)
	assert.Equal(t, "10", all[0].Path)
}

func TestRequestLogBodyBudgetDropsTheOldestBodies(t *testing.T) {
	t.Parallel()
	s := New(&counting{}, Options{InMemory: true, MaxLoggedBodyBytes: 10})
	defer s.Close()
	postN(t, s, "/x", 4, "abcd") // 16 bytes: the first two bodies go
	reqs := s.Requests()
	require.Len(t, reqs, 4, "entries stay")
	for i, r := range reqs {
		assert.Equal(t, int64(4), r.BodySize)
		if i < 2 {
			assert.Nil(t, r.Body)
			assert.True(t, r.BodyDropped)
		} else {
			assert.Equal(t, "abcd", string(r.Body))
			assert.False(t, r.BodyDropped)
		}
		assert.False(t, r.Unauthenticated)
	}
	postN(t, s, "/x", 1, strings.Repeat("z", 11)) // larger than the budget alone: not kept
	reqs = s.Requests()
	assert.Nil(t, reqs[4].Body)
	assert.True(t, reqs[4].BodyDropped)
	assert.Equal(t, "abcd", string(reqs[3].Body), "the others stay")
	assert.Equal(t, "abcd", string(reqs[2].Body))
	postN(t, s, "/x", 1, "123456") // 14 bytes: the oldest kept body goes
	reqs = s.Requests()
	assert.Nil(t, reqs[2].Body)
	assert.Equal(t, "abcd", string(reqs[3].Body))
	assert.Equal(t, "123456", string(reqs[5].Body))
}

func TestUnauthenticatedDropsTheBody(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/reject": // a vendor refusing credentials with a 200-class answer
			Unauthenticated(r.Clone(r.Context()))
			_, _ = w.Write([]byte(`{"error":"bad session"}`))
		case "/401":
			w.WriteHeader(http.StatusUnauthorized)
		case "/403":
			w.WriteHeader(http.StatusForbidden)
		default:
			_, _ = w.Write([]byte("ok"))
		}
	})
	s := New(h, Options{InMemory: true})
	defer s.Close()
	for _, tc := range []struct {
		path   string
		status int
		unauth bool
	}{
		{"/ok", 200, false},
		{"/reject", 200, true},
		{"/401", 401, true},
		{"/403", 403, true},
	} {
		t.Run(tc.path, func(t *testing.T) {
			s.ResetRequests()
			postN(t, s, tc.path, 1, "password=hunter2")
			r := s.Requests()[0]
			assert.Equal(t, tc.status, r.Status)
			assert.Equal(t, tc.unauth, r.Unauthenticated)
			assert.Equal(t, tc.unauth, r.Body == nil)
			assert.Equal(t, int64(16), r.BodySize)
		})
	}
	// A committed request the handler refuses is marked too.
	s.ResetRequests()
	s.FailNextWith(1, Fault{Commit: true, Status: 503})
	postN(t, s, "/401", 1, "password=hunter2")
	r := s.Requests()[0]
	assert.True(t, r.Unauthenticated)
	assert.Equal(t, 503, r.Status)
	// A failed fault answer of 401 is marked as well.
	s.ResetRequests()
	s.FailNext(1, 401)
	postN(t, s, "/ok", 1, "password=hunter2")
	assert.Nil(t, s.Requests()[0].Body)

	Unauthenticated(nil)              // no-op
	Unauthenticated(httpGet(s.URL())) // a request the fake never saw: no-op
}
