package transport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
)

// recordingServer counts requests and remembers every credential it saw.
type recordingServer struct {
	*httptest.Server
	hits  atomic.Int32
	mu    sync.Mutex
	creds []string
}

func newRecordingServer(t *testing.T, tls bool, h http.HandlerFunc) *recordingServer {
	rs := &recordingServer{}
	wrapped := func(w http.ResponseWriter, r *http.Request) {
		rs.hits.Add(1)
		rs.mu.Lock()
		rs.creds = append(rs.creds, r.Header.Get("Authorization"), r.URL.RawQuery)
		rs.mu.Unlock()
		if h != nil {
			h(w, r)
			return
		}
		_, _ = w.Write([]byte(`{}`))
	}
	if tls {
		rs.Server = httptest.NewTLSServer(http.HandlerFunc(wrapped))
	} else {
		rs.Server = httptest.NewServer(http.HandlerFunc(wrapped))
	}
	t.Cleanup(rs.Close)
	return rs
}

func redirectTo(target string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target, http.StatusFound)
	}
}

func TestRedirectToAnotherHostCarriesNoCredentials(t *testing.T) {
	t.Parallel()
	second := newRecordingServer(t, false, nil)
	// 127.0.0.1 and localhost are different hosts to a browser and to us.
	other := strings.Replace(second.URL, "127.0.0.1", "localhost", 1)
	first := newRecordingServer(t, false, redirectTo(other+"/steal"))
	s := &testSigner{}
	c, err := New(Config{Vendor: "test", BaseURL: first.URL, Sign: s.sign}, []cloudkeys.Option{fastRetry})
	require.NoError(t, err)
	_, err = c.Do(context.Background(), read("/keys"))
	require.Error(t, err)
	var re *RedirectError
	require.ErrorAs(t, err, &re)
	assert.Contains(t, err.Error(), strings.TrimPrefix(other, "http://"), "the error names the target host")
	assert.Equal(t, int32(0), second.hits.Load(), "the second host must receive nothing")
	assert.Equal(t, int32(1), first.hits.Load(), "a refused redirect is not retried")
	assertNoLeak(t, "error", err.Error())
}

func TestRedirectHTTPSToHTTPRefused(t *testing.T) {
	t.Parallel()
	plain := newRecordingServer(t, false, nil)
	secure := newRecordingServer(t, true, redirectTo(plain.URL+"/x"))
	s := &testSigner{}
	c, err := New(Config{Vendor: "test", BaseURL: secure.URL, Sign: s.sign},
		[]cloudkeys.Option{fastRetry, cloudkeys.WithHTTPClient(secure.Client())})
	require.NoError(t, err)
	_, err = c.Do(context.Background(), read("/keys"))
	var re *RedirectError
	require.ErrorAs(t, err, &re)
	assert.Contains(t, re.Reason, "https to http")
	assert.Equal(t, int32(0), plain.hits.Load())
}

func TestRedirectSameOriginGETFollowedAndResigned(t *testing.T) {
	t.Parallel()
	srv := newRecordingServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/new", http.StatusMovedPermanently)
			return
		}
		_, _ = w.Write([]byte(`{"path":"` + r.URL.Path + `"}`))
	})
	s := &testSigner{}
	c, err := New(Config{Vendor: "test", BaseURL: srv.URL, Sign: s.sign}, []cloudkeys.Option{fastRetry})
	require.NoError(t, err)
	resp, err := c.Do(context.Background(), read("/old"))
	require.NoError(t, err)
	assert.JSONEq(t, `{"path":"/new"}`, string(resp.Body))
	require.Equal(t, 2, s.count(), "the redirected request is signed for its own path")
	assert.Equal(t, "/new", s.attempts[1].URL.Path)
}

func TestRedirectOfAWriteRefused(t *testing.T) {
	t.Parallel()
	srv := newRecordingServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
	})
	s := &testSigner{}
	c, err := New(Config{Vendor: "test", BaseURL: srv.URL, Sign: s.sign}, []cloudkeys.Option{fastRetry})
	require.NoError(t, err)
	_, err = c.Do(context.Background(), write("/keys"))
	var re *RedirectError
	require.ErrorAs(t, err, &re)
	assert.NotErrorIs(t, err, cloudkeys.ErrOutcomeUnknown, "a redirect is an answer, not a lost one")
	assert.Equal(t, int32(1), srv.hits.Load())
}

func TestNoSecretInDebugLogOrErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false, Config{})
	var errs []string
	collect := func(err error) {
		if err != nil {
			errs = append(errs, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		}
	}
	// A server that echoes the secret back in an error body (some do).
	e.fs.FailNextWith(1, fakeserver.Fault{Status: 400, Body: []byte(`invalid secret ` + testSecret + ` and password ` + testPassword)})
	_, err := e.c.Do(context.Background(), read("/keys"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "[REDACTED]")
	collect(err)

	e.fs.FailNext(10, 503)
	_, err = e.c.Do(context.Background(), read("/keys"))
	collect(err)
	e.fs.ClearFaults()

	e.fs.CommitThenDrop(1)
	_, err = e.c.Do(context.Background(), write("/keys"))
	collect(err)

	_, err = e.c.Do(context.Background(), read("/ok"))
	require.NoError(t, err)

	e.fs.Close()
	_, err = e.c.Do(context.Background(), read("/keys"))
	collect(err)

	require.NotEmpty(t, e.logs.String())
	assert.Contains(t, e.logs.String(), `"level":"DEBUG"`)
	assertNoLeak(t, "debug log", e.logs.String())
	assert.NotContains(t, e.logs.String(), testAPIKey, "query values are never logged")
	for _, s := range errs {
		assertNoLeak(t, "error", s)
		assert.NotContains(t, s, testAPIKey)
		assert.NotContains(t, s, "giving up", "go-retryablehttp's URL-bearing error text must not pass through")
	}
}

func TestOversizedBodyFailsCleanly(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, Config{}, cloudkeys.WithMaxResponseBytes(8))
	_, err := e.c.Do(context.Background(), read("/keys"))
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.Contains(t, ae.Message, "exceeds the limit of 8 bytes")
	assert.Len(t, e.fs.Requests(), 1, "a too-large answer is not retried")

	_, err = e.c.Do(context.Background(), write("/keys"))
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown, "the write happened but its answer could not be read")
	require.ErrorAs(t, err, &ae)

	e2 := newEnv(t, true, Config{}, cloudkeys.WithMaxResponseBytes(11)) // exactly {"ok":true}
	_, err = e2.c.Do(context.Background(), read("/keys"))
	require.NoError(t, err)
}

func TestNonJSONErrorBodyBecomesAPIErrorWithExcerpt(t *testing.T) {
	t.Parallel()
	html := `<html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head><body><h1>Bad   Gateway</h1>
<p>nginx/1.25</p><script>var x=1;</script></body></html>`
	e := newEnv(t, true, Config{})
	e.fs.FailNextWith(5, fakeserver.Fault{Status: 502, Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte(html)})
	_, err := e.c.Do(context.Background(), read("/keys"))
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 502, ae.StatusCode)
	assert.Equal(t, "502 Bad Gateway Bad Gateway nginx/1.25", ae.Message)
	assert.ErrorIs(t, err, cloudkeys.ErrServer)
}

func TestExcerpt(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 300)
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain text error\n", "plain text error"},
		{"the job has been expired", "the job has been expired"},
		{"a\x00b\tc", "a b c"},
		{"<p>x</p><p>y</p>", "x y"},
		{"<unclosed", ""},
		{"\xff\xfebad", "?bad"},
		{long, strings.Repeat("é", 100) + "…"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Excerpt([]byte(tt.in)), tt.in)
	}
}

func FuzzExcerpt(f *testing.F) {
	for _, s := range []string{"", "<html><script>x", "<<>>", "a\x00b", "\xff", strings.Repeat("<b>", 100)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s := Excerpt(b)
		if len(s) > excerptLen+len("…") {
			t.Fatalf("excerpt too long: %d", len(s))
		}
	})
}

func TestConnectionsArePooledForConcurrency(t *testing.T) {
	t.Parallel()
	const n = 16
	var waiting sync.WaitGroup
	release := make(chan struct{})
	var mu sync.Mutex
	arrived := 0
	fs := fakeserver.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrived++
		if arrived == n {
			close(release)
		}
		mu.Unlock()
		<-release // hold every request until all n are in flight at once
		_, _ = w.Write([]byte(`{}`))
	}), fakeserver.Options{})
	defer fs.Close()
	c, err := New(Config{Vendor: "test", BaseURL: fs.URL()}, []cloudkeys.Option{fastRetry})
	require.NoError(t, err)
	wave := func() {
		waiting.Add(n)
		for i := 0; i < n; i++ {
			go func() {
				defer waiting.Done()
				_, err := c.Do(context.Background(), read("/x"))
				assert.NoError(t, err)
			}()
		}
		waiting.Wait()
	}
	wave()
	assert.Equal(t, n, fs.Connections())
	mu.Lock()
	arrived = 0
	release = make(chan struct{})
	mu.Unlock()
	wave()
	// Go's default transport keeps 2 idle connections per host, so the
	// second wave would open 14 new ones.
	assert.Equal(t, n, fs.Connections(), "the second wave must reuse the pooled connections")
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, Config{}, cloudkeys.WithUserAgent("my-tool/1.2"))
	_, err := e.c.Do(context.Background(), read("/x"))
	require.NoError(t, err)
	assert.Equal(t, "cloudkeys-go/"+cloudkeys.Version+" my-tool/1.2", e.fs.Requests()[0].Header.Get("User-Agent"))
	e2 := newEnv(t, true, Config{})
	_, err = e2.c.Do(context.Background(), read("/x"))
	require.NoError(t, err)
	assert.Equal(t, "cloudkeys-go/"+cloudkeys.Version, e2.fs.Requests()[0].Header.Get("User-Agent"))
}

func TestSignerFailureSendsNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, Config{Sign: func(context.Context, *Outgoing) error { return errors.New("no credentials") }})
	_, err := e.c.Do(context.Background(), read("/x"))
	require.ErrorContains(t, err, "no credentials")
	assert.Empty(t, e.fs.Requests())
}

func TestOptionsAndEndpointValidation(t *testing.T) {
	t.Parallel()
	bad := []cloudkeys.Option{
		cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 0}),
		cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 2, MinWait: 2, MaxWait: 1}),
		cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 2, MinWait: -1, MaxWait: 1}),
		cloudkeys.WithMaxResponseBytes(0),
		cloudkeys.WithHTTPClient(nil),
		cloudkeys.WithClock(nil),
		cloudkeys.WithRetryBudget(-1),
		cloudkeys.WithResponseHeaderTimeout(-1),
	}
	for i, o := range bad {
		_, err := New(Config{Vendor: "test", BaseURL: "http://127.0.0.1:1"}, []cloudkeys.Option{o})
		assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest, "option %d", i)
	}
	for _, ep := range []string{"", "  ", "ftp://h", "http://", "http://u:p@h", "http://h/?a=b", "http://h/#f", "://", "h:80"} {
		_, err := New(Config{Vendor: "test", BaseURL: ep}, nil)
		assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest, "endpoint %q", ep)
		if err != nil {
			assert.NotContains(t, err.Error(), "u:p")
		}
	}
	c, err := New(Config{Vendor: "test", BaseURL: "https://h.example/api/"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "https://h.example/api/v1/x%2Fy?a=b", c.URLFor(&Request{Path: "/v1/x%2Fy", RawQuery: "a=b"}).String())
	//lint:ignore SA1012 a nil context is bad input that must get an error, not a panic
	_, err = c.Do(nil, read("/"))
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
}

func TestRegisteredSecretInPathNeverLoggedOrReturned(t *testing.T) {
	t.Parallel()
	const session = "0123456789abcdef0123456789abcdef"
	e := newEnv(t, false, Config{})
	e.c.AddSecret(session)
	_, err := e.c.Do(context.Background(), read("/v1/accounts/sessions/"+session+"/valid"))
	require.NoError(t, err)
	e.fs.Close()
	_, err = e.c.Do(context.Background(), read("/v1/accounts/sessions/"+session+"/valid"))
	require.Error(t, err)
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		assert.NotContains(t, s, session)
	}
	var te *Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "/api/v1/accounts/sessions/[REDACTED]/valid", te.Path)
	assert.Contains(t, err.Error(), "/sessions/[REDACTED]/valid")
	assert.NotContains(t, e.logs.String(), session)
	assert.Contains(t, e.logs.String(), "/sessions/[REDACTED]/valid")
}

func TestClientPrintsNoSecrets(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, Config{})
	type holder struct {
		tc *Client
		TC *Client
	}
	h := holder{tc: e.c, TC: e.c}
	for _, s := range []string{fmt.Sprintf("%v %+v %#v %s", e.c, e.c, e.c, e.c), fmt.Sprintf("%+v %#v", h, h), fmt.Sprintf("%+v %+v", e.c.pinned, e.c.recent), fmt.Sprintf("%+v", e.c.cfg)} {
		assertNoLeak(t, "printed client", s)
	}
	assert.Equal(t, "transport.Client(test "+e.fs.URL()+"/api)", e.c.String())
}

func TestCheckErrorCompletedFromTheAnswer(t *testing.T) {
	t.Parallel()
	var c *Client
	e := newEnv(t, true, Config{RequestIDHeader: "X-Request-Id", Check: func(_ *Request, resp *Response) error {
		if resp.StatusCode == http.StatusOK {
			return c.APIError("", http.StatusBadGateway, "", "<h1>Bad gateway</h1> secret "+testSecret, nil)
		}
		return nil
	}})
	c = e.c
	_, err := e.c.Do(context.Background(), read("/keys"))
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, &cloudkeys.APIError{Vendor: "test", Operation: "get", StatusCode: 502, Attempts: 1,
		Message: "<h1>Bad gateway</h1> secret [REDACTED]"}, ae)
}

func TestUnsendableHeaderIsInvalidInputNotUnknown(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, Config{Sign: func(_ context.Context, o *Outgoing) error {
		o.Header.Set("X-Auth-Token", "tok-"+testSecret+"\n") // a token pasted with its newline
		return nil
	}})
	_, err := e.c.Do(context.Background(), write("/keys"))
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	assert.NotErrorIs(t, err, cloudkeys.ErrOutcomeUnknown, "nothing was sent")
	assert.Contains(t, err.Error(), "X-Auth-Token")
	assertNoLeak(t, "error", err.Error())
	assert.Empty(t, e.fs.Requests())
	_, err = e.c.Do(context.Background(), read("/keys"))
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	assert.Empty(t, e.fs.Requests(), "and it is not retried")

	_, err = New(Config{Vendor: "test", BaseURL: "http://127.0.0.1:1"}, []cloudkeys.Option{cloudkeys.WithUserAgent("app\r\nX-Evil: 1")})
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
}
