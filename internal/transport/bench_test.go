package transport

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/cloudkeys/cloudkeys"
)

// answerRT answers every request at once from memory with body (chunked:
// ContentLength -1 unless sized), as bench's canned tape does.
type answerRT struct {
	body  string
	sized bool
}

func (a answerRT) RoundTrip(req *http.Request) (*http.Response, error) {
	n := int64(-1)
	if a.sized {
		n = int64(len(a.body))
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(a.body)), ContentLength: n, Request: req}, nil
}

// benchClient is a client as the SDK's defaults build it over rt: a signer
// setting one header, and the default per-attempt waiting bounds.
func benchClient(tb testing.TB, rt http.RoundTripper) *Client {
	tb.Helper()
	c, err := New(Config{Vendor: "test", BaseURL: "http://example.invalid/api",
		Sign: func(_ context.Context, o *Outgoing) error { o.Header.Set("Authorization", "x"); return nil }},
		[]cloudkeys.Option{
			cloudkeys.WithHTTPClient(&http.Client{Transport: rt}),
			cloudkeys.WithResponseHeaderTimeout(cloudkeys.DefaultResponseHeaderTimeout),
			cloudkeys.WithBodyReadTimeout(cloudkeys.DefaultBodyReadTimeout),
		})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// BenchmarkDo: the pipeline's own cost for one signed read answered from
// memory (small, chunked; small, sized; a 40 KB chunked page).
func BenchmarkDo(b *testing.B) {
	page := `{"items":[` + strings.Repeat(`{"id":"0123456789abcdef","name":"key"},`, 1000) + `{}]}`
	for _, tc := range []struct {
		name string
		rt   answerRT
	}{
		{"small-chunked", answerRT{body: `{"id":"1","secret":"s"}`}},
		{"small-sized", answerRT{body: `{"id":"1","secret":"s"}`, sized: true}},
		{"page-chunked", answerRT{body: page}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			c := benchClient(b, tc.rt)
			ctx := context.Background()
			req := &Request{Operation: "get", Class: Read, Path: "/keys/1", Query: map[string][]string{"a": {"b"}}}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Do(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
