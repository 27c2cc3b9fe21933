package canned

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
)

func TestKeyDropsVolatileParametersAndSorts(t *testing.T) {
	a, _ := http.NewRequest(http.MethodGet, "http://h/client/api?command=getUser&apikey=K&expires=2026&signatureversion=3&response=json&userapikey=u&signature=s%2B", nil)
	b, _ := http.NewRequest(http.MethodGet, "http://other/client/api?apiKey=K2&response=json&command=getUser&userapikey=u&signature=t", nil)
	if Key(a) != Key(b) {
		t.Fatalf("keys differ: %q vs %q", Key(a), Key(b))
	}
	if want := "GET /client/api?command=getUser&response=json&userapikey=u"; Key(a) != want {
		t.Fatalf("Key = %q, want %q", Key(a), want)
	}
	c, _ := http.NewRequest(http.MethodGet, "http://h/client/api?command=getUser&userapikey=v", nil)
	if Key(a) == Key(c) {
		t.Fatal("different questions share a key")
	}
}

func TestRecordAndReplay(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		w.Header().Set("X-Hit", strconv.FormatInt(n, 10))
		if r.URL.Path == "/missing" {
			w.WriteHeader(http.StatusNotFound)
		}
		_, _ = io.WriteString(w, r.URL.Path+" answer "+strconv.FormatInt(n, 10))
	}))
	defer srv.Close()
	rec := &Recorder{Next: http.DefaultTransport}
	hc := &http.Client{Transport: rec}
	get := func(hc *http.Client, path string) (int, string, string) {
		t.Helper()
		resp, err := hc.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, resp.Header.Get("X-Hit"), string(b)
	}
	get(hc, "/a?x=1&signature=one")
	get(hc, "/a?x=1&signature=two") // the same question: a sequence of two answers
	get(hc, "/missing")
	tape := rec.Tape()
	if hits.Load() != 3 {
		t.Fatalf("server saw %d requests", hits.Load())
	}

	srv.Close() // replay needs no server
	rc := &http.Client{Transport: tape}
	for round := range 2 {
		for i, want := range []string{"/a answer 1", "/a answer 2"} {
			code, hit, body := get(rc, "/a?signature=whatever&x=1")
			if code != http.StatusOK || body != want || hit != strconv.Itoa(i+1) {
				t.Fatalf("round %d answer %d: %d %q %q", round, i, code, hit, body)
			}
		}
	}
	if code, _, body := get(rc, "/missing"); code != http.StatusNotFound || body != "/missing answer 3" {
		t.Fatalf("/missing: %d %q", code, body)
	}
	if _, err := tape.RoundTrip(httptest.NewRequest(http.MethodGet, "http://h/a?x=2", nil)); !errors.Is(err, ErrNotRecorded) {
		t.Fatalf("unrecorded request: %v", err)
	}
	if tape.Served() != 5 {
		t.Fatalf("Served = %d", tape.Served())
	}
	if err := tape.Intact(); err != nil {
		t.Fatal(err)
	}
	resp, _ := tape.RoundTrip(httptest.NewRequest(http.MethodGet, "http://h/missing", nil))
	resp.Header.Set("X-Hit", "changed")
	if tape.Intact() == nil {
		t.Fatal("Intact missed a changed header")
	}
}

// TestReplayAllocations: serving an answer costs the Response and its body
// reader, no more (after the first request of a URL).
func TestReplayAllocations(t *testing.T) {
	req := httptest.NewRequest(http.MethodGet, "http://h/a?x=1&signature=s", nil)
	tape := NewTape([]Exchange{{Key: Key(req), Status: "200 OK", StatusCode: 200, Header: http.Header{"A": {"b"}}, Body: []byte("{}")}})
	if _, err := tape.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = tape.RoundTrip(req) }); n > 2 {
		t.Fatalf("%v allocations per answer, want 2", n)
	}
}
