package onezone_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
)

func fastRetry() cloudkeys.Option {
	return cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond})
}

func newFake(t *testing.T, opts ...onezonetest.Option) (*onezonetest.Server, *onezone.Client) {
	t.Helper()
	srv := onezonetest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv, srv.Client(fastRetry())
}

// newUser seeds a plain user and returns its id and a token client.
func newUser(t *testing.T, srv *onezonetest.Server, username string) (string, *onezone.Client, string) {
	t.Helper()
	id := srv.AddUser(onezonetest.User{Username: username, FullName: "User " + username, Password: "pw-" + username + "-secret"})
	_, tok := srv.IssueAccessToken(id, "bootstrap")
	return id, srv.ClientWith(onezone.Token(tok), fastRetry()), tok
}

// raw sends one request straight to the fake and returns status, headers
// and body.
func raw(t *testing.T, srv *onezonetest.Server, method, path string, hdr http.Header, body string) (int, http.Header, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, srv.URL()+onezone.BasePath+path, rd)
	require.NoError(t, err)
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, resp.Header, b.String()
}

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

type onezoneFault = onezonetest.Fault

// handlerTransport serves requests with an http.Handler in memory.
type handlerTransport struct{ h http.Handler }

func (ht handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	sr := r.Clone(r.Context())
	if sr.Body == nil {
		sr.Body = http.NoBody
	}
	sr.RemoteAddr = "127.0.0.1:1"
	ht.h.ServeHTTP(rec, sr)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

// tokenIDs returns the ids of a list page.
func tokenIDs(p *onezone.NamedTokensPage, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	return p.IDs, nil
}
