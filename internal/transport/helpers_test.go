package transport

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
)

// Secret material the tests plant; none may ever show up in logs or errors.
const (
	testAPIKey    = "AKIA-test-apikey-0001"
	testSecret    = "SK-test-secret-value-0002"
	testSignature = "SIG-test-signature-0003"
	testPassword  = "PW-test-password-0004"
)

var allSecrets = []string{testSecret, testSignature, testPassword, "apikey=", "signature="}

// testSigner puts an API key and a signature in the query and a secret in a
// header, like CloudStack and e24 do; it records every attempt it signed.
type testSigner struct {
	mu       sync.Mutex
	attempts []Outgoing
}

func (s *testSigner) sign(_ context.Context, o *Outgoing) error {
	q := o.URL.Query()
	q.Set("apikey", testAPIKey)
	q.Set("signature", testSignature+"-"+o.Now.Format(time.RFC3339Nano))
	o.URL.RawQuery = q.Encode()
	o.Header.Set("Authorization", "Bearer "+testSecret)
	s.mu.Lock()
	s.attempts = append(s.attempts, Outgoing{Method: o.Method, URL: o.URL, Now: o.Now, Attempt: o.Attempt, Body: o.Body})
	s.mu.Unlock()
	return nil
}

func (s *testSigner) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.attempts)
}

// fastRetry keeps backoff tests quick outside synctest.
var fastRetry = cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 4, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond})

type env struct {
	fs     *fakeserver.Server
	c      *Client
	signer *testSigner
	logs   *bytes.Buffer
	hits   *hitCounter
}

type hitCounter struct {
	mu sync.Mutex
	n  int
}

func (h *hitCounter) inc() { h.mu.Lock(); h.n++; h.mu.Unlock() }
func (h *hitCounter) get() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n
}

// newEnv starts a fake that counts served (committed) requests and answers
// {"ok":true}, and a transport client for it with a Debug JSON log.
func newEnv(t *testing.T, inMemory bool, cfg Config, opts ...cloudkeys.Option) *env {
	t.Helper()
	hits := &hitCounter{}
	fs := fakeserver.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.inc()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}), fakeserver.Options{InMemory: inMemory, ErrorBody: func(status int) (http.Header, []byte) {
		return http.Header{"Content-Type": {"application/json"}}, []byte(`{"error":"injected"}`)
	}})
	t.Cleanup(fs.Close)
	e := &env{fs: fs, signer: &testSigner{}, logs: &bytes.Buffer{}, hits: hits}
	cfg.Vendor = "test"
	cfg.BaseURL = fs.URL() + "/api"
	if cfg.Sign == nil {
		cfg.Sign = e.signer.sign
	}
	cfg.Secrets = append(cfg.Secrets, testSecret, testPassword)
	all := []cloudkeys.Option{
		cloudkeys.WithLogger(slog.New(slog.NewJSONHandler(&syncWriter{w: e.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		fastRetry,
	}
	if inMemory {
		all = append(all, cloudkeys.WithHTTPClient(&http.Client{Transport: fs.Transport()}))
	}
	all = append(all, opts...)
	c, err := New(cfg, all)
	require.NoError(t, err)
	e.c = c
	return e
}

// assertNoLeak fails if any planted secret appears in s.
func assertNoLeak(t *testing.T, what, s string) {
	t.Helper()
	for _, sec := range allSecrets {
		require.NotContains(t, s, sec, "%s leaks %q", what, sec)
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func read(path string) *Request {
	return &Request{Operation: "get", Class: Read, Method: http.MethodGet, Path: path}
}
func write(path string) *Request {
	return &Request{Operation: "create", Class: Write, Method: http.MethodPost, Path: path, Body: []byte(`{"name":"k"}`)}
}
