package cloudstack_test

import (
	"bytes"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
	"github.com/stretchr/testify/require"
)

var fastRetry = cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond})

// newFake starts an in-memory fake that enforces what
// enforce.post.requests.and.timestamps enforces (the client must work on
// hardened servers) and returns it with an admin client.
func newFake(t *testing.T, opts ...cloudstacktest.Option) (*cloudstacktest.Server, *cloudstack.Client) {
	t.Helper()
	return newStockFake(t, append([]cloudstacktest.Option{cloudstacktest.WithEnforcement()}, opts...)...)
}

// newStockFake is newFake as a stock server: enforcement off, the
// fake's default.
func newStockFake(t *testing.T, opts ...cloudstacktest.Option) (*cloudstacktest.Server, *cloudstack.Client) {
	t.Helper()
	srv := cloudstacktest.NewServer(append([]cloudstacktest.Option{cloudstacktest.WithInMemory()}, opts...)...)
	t.Cleanup(srv.Close)
	return srv, srv.Client(fastRetry)
}

// clientAs returns a client of the fake with other credentials.
func clientAs(t *testing.T, srv *cloudstacktest.Server, creds cloudstack.Credentials, opts ...cloudkeys.Option) *cloudstack.Client {
	t.Helper()
	c, err := srv.ClientWith(creds, append([]cloudkeys.Option{fastRetry}, opts...)...)
	require.NoError(t, err)
	return c
}

// commandIs matches requests carrying command=<name> in the query or body.
func commandIs(name string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		if r.URL.Query().Get("command") == name {
			return true
		}
		if r.Body == nil {
			return false
		}
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(r.Body)
		r.Body = nopCloser{bytes.NewReader(buf.Bytes())}
		b, _ := url.ParseQuery(buf.String())
		return b.Get("command") == name
	}
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// countCommand counts recorded requests for a command.
func countCommand(srv *cloudstacktest.Server, name string) int {
	n := 0
	for _, r := range srv.Requests() {
		q, _ := url.ParseQuery(r.RawQuery)
		b, _ := url.ParseQuery(string(r.Body))
		if q.Get("command") == name || b.Get("command") == name {
			n++
		}
	}
	return n
}

// logBuffer is a concurrency-safe buffer for a Debug JSON logger.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func debugLogger(buf *logBuffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

func fmtInt(n int) string { return strconv.Itoa(n) }
