package transport

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
)

type cannedRT struct{}

func (cannedRT) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{}`)), Request: req}, nil
}

// maxAllocsPerCall bounds what the pipeline itself allocates for one signed
// read whose answer comes from memory (go-retryablehttp, the signer, the
// body read, the Response). Debug records built for a discarding logger
// cost 14 more (46 before the fix, 32 after); a regression past the bound fails here.
const maxAllocsPerCall = 15

func TestDoAllocationsWithDiscardingLogger(t *testing.T) {
	c, err := New(Config{Vendor: "test", BaseURL: "http://example.invalid/api",
		Sign: func(_ context.Context, o *Outgoing) error { o.Header.Set("Authorization", "x"); return nil }},
		[]cloudkeys.Option{cloudkeys.WithHTTPClient(&http.Client{Transport: cannedRT{}})})
	require.NoError(t, err)
	ctx := context.Background()
	req := &Request{Operation: "get", Class: Read, Path: "/keys/1"}
	allocs := testing.AllocsPerRun(200, func() {
		_, err := c.Do(ctx, req)
		require.NoError(t, err)
	})
	t.Logf("allocs per call: %.0f", allocs)
	assert.LessOrEqual(t, allocs, float64(maxAllocsPerCall))
}

// maxAllocsPerBoundedCall bounds the same call made as the SDK makes it by
// default: with the per-attempt waiting bounds (the response-header and
// body-read watchdog) on, as on the client's own transport, and an answer
// of unknown length (chunked), as most vendors send (bench's canned
// answers). A regression past the bound fails here.
const maxAllocsPerBoundedCall = 19

func TestDoAllocationsWithWaitingBounds(t *testing.T) {
	c := benchClient(t, answerRT{body: `{"id":"1","secret":"s"}`})
	ctx := context.Background()
	req := &Request{Operation: "get", Class: Read, Path: "/keys/1", Query: map[string][]string{"a": {"b"}}}
	allocs := testing.AllocsPerRun(200, func() {
		_, err := c.Do(ctx, req)
		require.NoError(t, err)
	})
	t.Logf("allocs per call: %.0f", allocs)
	assert.LessOrEqual(t, allocs, float64(maxAllocsPerBoundedCall))
}

// TestCallAllocationsWithWaitingBounds: Call adds nothing to Do's count
// when there is no body to encode and nothing to decode (its Request stays
// on its stack).
func TestCallAllocationsWithWaitingBounds(t *testing.T) {
	c := benchClient(t, answerRT{body: `{"id":"1","secret":"s"}`})
	ctx := context.Background()
	k := Call{Operation: "get", Class: Read, Path: "/keys/1", Query: map[string][]string{"a": {"b"}}}
	allocs := testing.AllocsPerRun(200, func() {
		_, err := c.Call(ctx, k)
		require.NoError(t, err)
	})
	t.Logf("allocs per call: %.0f", allocs)
	assert.LessOrEqual(t, allocs, float64(maxAllocsPerBoundedCall))
}
