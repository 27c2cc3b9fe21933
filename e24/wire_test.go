package e24_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/e24"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
)

const (
	wireHost   = "eu-poland-1poznan.api.e24cloud.com"
	wireKey    = "AKEXAMPLE"
	wireSecret = "EXAMPLESECRET"
	wireDate   = "Mon, 04 Jul 2016 14:01:02 GMT"
)

type captured struct {
	method, path, rawQuery string
	header                 http.Header
	body                   []byte
}

func fastRetry() cloudkeys.Option {
	return cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond})
}

// wireClient returns a client on the real endpoint whose transport is an
// httpmock answering every request with status and answer, recording it.
func wireClient(t *testing.T, status int, answer string) (*e24.Client, *[]captured) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	var got []captured
	mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		var b []byte
		if r.Body != nil {
			b, _ = io.ReadAll(r.Body)
		}
		got = append(got, captured{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), b})
		resp := httpmock.NewStringResponse(status, answer)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	})
	now, err := time.Parse(http.TimeFormat, wireDate)
	require.NoError(t, err)
	c, err := e24.New(e24.RegionEndpoint(""), e24.APIKey(wireKey, wireSecret),
		cloudkeys.WithHTTPClient(&http.Client{Transport: mock}), cloudkeys.WithClock(func() time.Time { return now }), fastRetry())
	require.NoError(t, err)
	return c, &got
}

func TestWireEndpoints(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name     string
		call     func(c *e24.Client) error
		answer   string
		method   string
		path     string
		query    string
		body     string
		wantAuth string // known answer from the vectors, when there is one
	}{
		{
			name:   "GetAccount",
			call:   func(c *e24.Client) error { _, err := c.GetAccount(ctx); return err },
			answer: `{"success":true,"account":{"id":"u"}}`, method: "GET", path: "/v2/account",
			wantAuth: "AKEXAMPLE:1NM7naha/NbV7kIR9ePSzUgDj3brleUUCtAjGyIK9Ko=",
		},
		{
			name: "UpdateAccount",
			call: func(c *e24.Client) error {
				return c.UpdateAccount(ctx, e24.UpdateAccountRequest{FirstName: "Zoë", LastName: "K", Phone: "+48 1", Password: cloudkeys.NewSecret("pw-1")})
			},
			answer: `{"success":true}`, method: "POST", path: "/v2/account/data",
			body: `{"first_name":"Zoë","last_name":"K","phone":"+48 1","password":"pw-1"}`,
		},
		{
			name:   "UpdateAccount without password",
			call:   func(c *e24.Client) error { return c.UpdateAccount(ctx, e24.UpdateAccountRequest{Phone: "1"}) },
			answer: `{"success":true}`, method: "POST", path: "/v2/account/data", body: `{"phone":"1"}`,
		},
		{
			name:   "CreateAPIKey",
			call:   func(c *e24.Client) error { _, err := c.CreateAPIKey(ctx); return err },
			answer: `{"success":true,"api":{"api_key":"K","secret_key":"S"}}`, method: "PUT", path: "/v2/account/api",
		},
		{
			name:   "RegenerateAPISecret",
			call:   func(c *e24.Client) error { _, err := c.RegenerateAPISecret(ctx, "K2"); return err },
			answer: `{"success":true,"api":{"api_key":"K2","secret_key":"S"}}`, method: "POST",
			path: "/v2/account/api-new-secret-key", body: `{"api_key":"K2"}`,
		},
		{
			name:   "DeleteAPIKey",
			call:   func(c *e24.Client) error { return c.DeleteAPIKey(ctx, "K2") },
			answer: `{"success":true}`, method: "DELETE", path: "/v2/account/api", body: `{"api_key":"K2"}`,
		},
		{
			name: "AddSSHKey generate",
			call: func(c *e24.Client) error {
				_, err := c.AddSSHKey(ctx, e24.AddSSHKeyRequest{Name: "ci", Method: e24.SSHKeyGenerate})
				return err
			},
			answer: `{"success":true,"sshkeys":{"id":1,"name":"ci","fingerprint":"f"}}`, method: "PUT",
			path: "/v2/account/sshkey", body: `{"name":"ci","method":"generate"}`,
			wantAuth: "AKEXAMPLE:5PdgxF+PNSBBUDst72PQaLtNaDE0/KWDvfz2eygssDI=",
		},
		{
			name: "AddSSHKey upload",
			call: func(c *e24.Client) error {
				_, err := c.AddSSHKey(ctx, e24.AddSSHKeyRequest{Name: "laptop", Method: e24.SSHKeyUpload, Content: "ssh-ed25519 AAAA me@x"})
				return err
			},
			answer: `{"success":true,"sshkeys":{"id":2,"name":"laptop","fingerprint":"f"}}`, method: "PUT",
			path: "/v2/account/sshkey", body: `{"name":"laptop","method":"upload","content":"ssh-ed25519 AAAA me@x"}`,
		},
		{
			name:   "DeleteSSHKey",
			call:   func(c *e24.Client) error { return c.DeleteSSHKey(ctx, 42) },
			answer: `{"success":true}`, method: "DELETE", path: "/v2/account/42/sshkey",
		},
		{
			name:   "RegenerateFilesSecret",
			call:   func(c *e24.Client) error { _, err := c.RegenerateFilesSecret(ctx, ""); return err },
			answer: `{"success":true,"e24files":{"s3":{"api_id":"A","secret_key":"B"},"swift":{"api_id":"C","secret_key":"B"}}}`,
			method: "POST", path: "/v2/account/files-new-secret-key", body: `{"api_key":"AKEXAMPLE"}`,
		},
		{
			name: "ListAccountsPage",
			call: func(c *e24.Client) error {
				_, err := c.ListAccountsPage(ctx, e24.ListAccountsOptions{PageSize: 10})
				return err
			},
			answer: `{"success":true,"users":[]}`, method: "GET", path: "/v2/accounts", query: "limit=10&offset=0",
			wantAuth: "AKEXAMPLE:yPT3ym3E7V1u26Nt1n7ig4oEhBcLt/8vzRiP4vmdTtw=",
		},
		{
			name: "CreateAccount",
			call: func(c *e24.Client) error {
				_, err := c.CreateAccount(ctx, e24.CreateAccountRequest{Email: "s@x.pl", FirstName: "S", LastName: "U", Phone: "1", Password: cloudkeys.NewSecret("pass")})
				return err
			},
			answer: `{"success":true,"user":{"id":"u2","email":"s@x.pl"}}`, method: "PUT", path: "/v2/accounts",
			body: `{"email":"s@x.pl","first_name":"S","last_name":"U","phone":"1","password":"pass"}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, got := wireClient(t, 200, tc.answer)
			require.NoError(t, tc.call(c))
			require.Len(t, *got, 1)
			r := (*got)[0]
			assert.Equal(t, tc.method, r.method)
			assert.Equal(t, tc.path, r.path)
			assert.Equal(t, tc.query, r.rawQuery)
			assert.Equal(t, tc.body, string(r.body))
			assert.Equal(t, "application/json", r.header.Get("Content-Type"))
			assert.Equal(t, wireDate, r.header.Get("X-Date"))
			pq := tc.path
			if tc.query != "" {
				pq += "?" + tc.query
			}
			assert.Equal(t, e24test.Signature(wireKey, wireSecret, tc.method, wireHost, wireDate, pq, []byte(tc.body)), r.header.Get("Authorization"))
			if tc.wantAuth != "" {
				assert.Equal(t, tc.wantAuth, r.header.Get("Authorization"))
			}
			assert.Contains(t, r.header.Get("User-Agent"), "cloudkeys-go/")
		})
	}
}

func TestWireListAccountsPaging(t *testing.T) {
	t.Parallel()
	c, got := wireClient(t, 200, `{"success":true,"users":[{"id":1,"email":"a"},{"id":2,"email":"b"}]}`)
	n := 0
	for u, err := range c.ListAccounts(context.Background(), e24.ListAccountsOptions{PageSize: 2}) {
		require.NoError(t, err)
		require.NotNil(t, u)
		n++
		if n == 5 {
			break
		}
	}
	assert.Equal(t, 5, n)
	require.Len(t, *got, 3)
	assert.Equal(t, "limit=2&offset=0", (*got)[0].rawQuery)
	assert.Equal(t, "limit=2&offset=2", (*got)[1].rawQuery)
	assert.Equal(t, "limit=2&offset=4", (*got)[2].rawQuery)
}

func TestWireErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name     string
		status   int
		answer   string
		sentinel error
		calls    int
	}{
		{"success false on 200", 200, `{"success":false,"error":"denied"}`, nil, 1},
		{"401", 401, `{"success":false,"error":"bad"}`, cloudkeys.ErrUnauthorized, 1},
		{"503 retried", 503, `<html>down</html>`, cloudkeys.ErrServer, 3},
		{"html 200", 200, `<html>login</html>`, cloudkeys.ErrServer, 1},
		{"missing account", 200, `{"success":true}`, cloudkeys.ErrServer, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, got := wireClient(t, tc.status, tc.answer)
			_, err := c.GetAccount(ctx)
			require.Error(t, err)
			var ae *cloudkeys.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, "e24", ae.Vendor)
			assert.Equal(t, "GetAccount", ae.Operation)
			if tc.sentinel != nil {
				assert.ErrorIs(t, err, tc.sentinel)
			}
			assert.Len(t, *got, tc.calls)
		})
	}
}

func TestWireBadInputSendsNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, got := wireClient(t, 200, `{"success":true}`)
	errs := []error{
		c.UpdateAccount(ctx, e24.UpdateAccountRequest{}),
		c.DeleteAPIKey(ctx, ""),
		c.DeleteSSHKey(ctx, -1),
	}
	_, err := c.RegenerateAPISecret(ctx, "")
	errs = append(errs, err)
	_, err = c.AddSSHKey(ctx, e24.AddSSHKeyRequest{Name: "x", Method: "paste"})
	errs = append(errs, err)
	_, err = c.AddSSHKey(ctx, e24.AddSSHKeyRequest{Name: "x", Method: e24.SSHKeyUpload})
	errs = append(errs, err)
	_, err = c.AddSSHKey(ctx, e24.AddSSHKeyRequest{Method: e24.SSHKeyGenerate})
	errs = append(errs, err)
	_, err = c.CreateAccount(ctx, e24.CreateAccountRequest{Email: "a@b"})
	errs = append(errs, err)
	_, err = c.ListAccountsPage(ctx, e24.ListAccountsOptions{PageSize: -1})
	errs = append(errs, err)
	_, err = c.ListAccountsPage(ctx, e24.ListAccountsOptions{Offset: -1})
	errs = append(errs, err)
	_, err = c.CreateKey(ctx, cloudkeys.CreateKeyRequest{ExpiresAt: time.Now()})
	errs = append(errs, err)
	for i, err := range errs {
		require.Error(t, err, i)
		assert.True(t, errorsIsAny(err, cloudkeys.ErrInvalidRequest, cloudkeys.ErrUnsupported), "%d: %v", i, err)
	}
	assert.Empty(t, *got)

	for _, creds := range []e24.Credentials{e24.APIKey("", "s"), e24.APIKey("k", ""), e24.APIKey("a:b", "s")} {
		_, err := e24.New(e24.RegionEndpoint(""), creds)
		assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	}
	_, err = e24.New("ftp://x", e24.APIKey("k", "s"))
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
}

func TestRegionEndpoint(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "https://eu-poland-1poznan.api.e24cloud.com", e24.RegionEndpoint(""))
	assert.Equal(t, "https://eu-poland-1poznan2.api.e24cloud.com", e24.RegionEndpoint("eu-poland-1poznan2"))
	assert.Equal(t, "https://x.api.e24cloud.com", e24.RegionEndpoint(" x "))
}

// GetKey and ListKeys decode the documented answer (an "api" array with
// string keys) in one pass and fall back to the lenient decoders for the
// other shapes the vendor has been seen to send; both give the same keys.
func TestWireAccountKeysShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, answer string
		ids          []string
	}{
		{"documented array", `{"success":true,"account":{"id":"77","api":[{"api_key":"K1","secret_key":"S1xxxxxx"},{"api_key":"K2","secret_key":"S2xxxxxx"}]}}`, []string{"K1", "K2"}},
		{"one object", `{"success":true,"account":{"id":77,"api":{"api_key":"K1","secret_key":"S1xxxxxx"}}}`, []string{"K1"}},
		{"numeric key", `{"success":true,"account":{"id":"77","api":[{"api_key":12345,"secret_key":"S1xxxxxx"},{"api_key":"K2","secret_key":null}]}}`, []string{"12345", "K2"}},
		{"no keys", `{"success":true,"account":{"id":"77","api":null}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := wireClient(t, 200, tt.answer)
			keys, err := cloudkeys.Collect(c.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
			require.NoError(t, err)
			var ids []string
			for _, k := range keys {
				ids = append(ids, k.ID)
				assert.Equal(t, "77", k.Owner)
			}
			assert.Equal(t, tt.ids, ids)
			if len(tt.ids) > 0 {
				k, err := c.GetKey(context.Background(), tt.ids[0])
				require.NoError(t, err)
				assert.Equal(t, "S1xxxxxx", k.Secret.Reveal())
			}
		})
	}
	c, _ := wireClient(t, 200, `{"success":true,"account":{"id":"77","api":"nope"}}`)
	_, err := cloudkeys.Collect(c.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.ErrorIs(t, err, cloudkeys.ErrServer)
}
