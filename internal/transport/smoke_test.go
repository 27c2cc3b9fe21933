package transport

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
)

func TestSmoke(t *testing.T) {
	calls := 0
	fs := fakeserver.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}), fakeserver.Options{})
	defer fs.Close()
	var logs bytes.Buffer
	c, err := New(Config{Vendor: "test", BaseURL: fs.URL() + "/api", Sign: func(_ context.Context, o *Outgoing) error {
		q := o.URL.Query()
		q.Set("signature", "SIGSECRET")
		o.URL.RawQuery = q.Encode()
		return nil
	}}, []cloudkeys.Option{cloudkeys.WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond})})
	require.NoError(t, err)
	fs.FailNext(2, 503)
	resp, err := c.Do(context.Background(), &Request{Operation: "get", Class: Read, Path: "/x", Query: map[string][]string{"apikey": {"AK"}}})
	require.NoError(t, err)
	require.Equal(t, 3, resp.Attempts)
	require.Equal(t, `{"ok":true}`, string(resp.Body))
	require.NotContains(t, logs.String(), "SIGSECRET")
	t.Log(logs.String())
	reqs := fs.Requests()
	require.Len(t, reqs, 3)
	require.Contains(t, reqs[2].RawQuery, "signature=SIGSECRET")

	fs.CommitThenDrop(1)
	_, err = c.Do(context.Background(), &Request{Operation: "create", Class: Write, Method: "POST", Path: "/x", Body: []byte("a=b")})
	require.True(t, errors.Is(err, cloudkeys.ErrOutcomeUnknown), "%v", err)
	require.Equal(t, 2, calls)
	t.Log(err)
}
