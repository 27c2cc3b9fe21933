package onezone_test

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/onezone"
)

const (
	wireHost  = "https://zone.example.com"
	wireToken = "MDAxWIREtokenSECRET0123456789"
)

type seen struct {
	method, path, query string
	header              http.Header
	body                string
}

// mockClient returns a client whose transport is an httpmock transport
// answering every request with the next scripted answer, and the list of
// requests seen.
func mockClient(t *testing.T, creds onezone.Credentials, answers ...*http.Response) (*onezone.Client, func() []seen) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	var mu sync.Mutex
	var reqs []seen
	mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		var b []byte
		if r.Body != nil {
			b, _ = io.ReadAll(r.Body)
		}
		mu.Lock()
		defer mu.Unlock()
		reqs = append(reqs, seen{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), string(b)})
		if len(answers) == 0 {
			return httpmock.NewStringResponse(500, ""), nil
		}
		a := answers[0]
		answers = answers[1:]
		a.Request = r
		return a, nil
	})
	c, err := onezone.New(wireHost, creds, cloudkeys.WithHTTPClient(&http.Client{Transport: mock}), fastRetry())
	require.NoError(t, err)
	return c, func() []seen { mu.Lock(); defer mu.Unlock(); return append([]seen(nil), reqs...) }
}

func answer(status int, body string, kv ...string) *http.Response {
	r := httpmock.NewStringResponse(status, body)
	for i := 0; i+1 < len(kv); i += 2 {
		r.Header.Set(kv[i], kv[i+1])
	}
	return r
}

func TestWire(t *testing.T) {
	t.Parallel()
	until := time.Unix(1_700_000_000, 0)
	ctx := context.Background()
	yes, no := true, false
	name2 := "n2"
	tests := []struct {
		name   string
		resp   *http.Response
		call   func(c *onezone.Client) (any, error)
		method string
		path   string
		body   string
		public bool
		check  func(t *testing.T, v any)
	}{
		{
			name: "CreateNamedToken current user",
			resp: answer(201, `{"tokenId":"tid1","token":"MDAxNEWtoken"}`, "Location", wireHost+"/api/v3/onezone/tokens/named/tid1"),
			call: func(c *onezone.Client) (any, error) {
				return c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{
					Name: "t1", Type: onezone.AccessType(), Caveats: onezone.Caveats{onezone.Until(until)},
					CustomMetadata: map[string]any{"job": "x"},
				})
			},
			method: "POST", path: "/user/tokens/named",
			body: `{"name":"t1","type":{"accessToken":{}},"caveats":[{"type":"time","validUntil":1700000000}],"customMetadata":{"job":"x"}}`,
			check: func(t *testing.T, v any) {
				ct := v.(*onezone.CreatedToken)
				assert.Equal(t, "tid1", ct.TokenID)
				assert.Equal(t, "MDAxNEWtoken", ct.Token.Reveal())
			},
		},
		{
			name: "CreateNamedToken invite for a user, id from Location",
			resp: answer(201, `{"token":"MDAxINV"}`, "Location", wireHost+"/api/v3/onezone/tokens/named/fromLocation"),
			call: func(c *onezone.Client) (any, error) {
				return c.CreateNamedToken(ctx, onezone.User("u1"), onezone.NamedTokenCreateRequest{
					Name: "inv", Type: onezone.InviteTypeOf(onezone.UserJoinSpace, "s1"), Privileges: []string{"space_view"},
					UsageLimit: onezone.Unlimited, Revoked: true,
				})
			},
			method: "POST", path: "/users/u1/tokens/named",
			body:  `{"name":"inv","type":{"inviteToken":{"inviteType":"userJoinSpace","spaceId":"s1"}},"revoked":true,"privileges":["space_view"],"usageLimit":"infinity"}`,
			check: func(t *testing.T, v any) { assert.Equal(t, "fromLocation", v.(*onezone.CreatedToken).TokenID) },
		},
		{
			name:   "ListNamedTokensPage",
			resp:   answer(200, `{"tokens":["a","b"]}`),
			call:   func(c *onezone.Client) (any, error) { return c.ListNamedTokensPage(ctx, onezone.CurrentUser()) },
			method: "GET", path: "/user/tokens/named",
			check: func(t *testing.T, v any) { assert.Equal(t, []string{"a", "b"}, v.(*onezone.NamedTokensPage).IDs) },
		},
		{
			name:   "ListNamedTokensPage of a provider",
			resp:   answer(200, `{"tokens":[]}`),
			call:   func(c *onezone.Client) (any, error) { return c.ListNamedTokensPage(ctx, onezone.Provider("p1")) },
			method: "GET", path: "/providers/p1/tokens/named",
		},
		{
			name:   "ListNamedTokensPage of the current provider",
			resp:   answer(200, `{"tokens":[]}`),
			call:   func(c *onezone.Client) (any, error) { return c.ListNamedTokensPage(ctx, onezone.CurrentProvider()) },
			method: "GET", path: "/provider/tokens/named",
		},
		{
			name:   "ListAllNamedTokensPage",
			resp:   answer(200, `{"tokens":["x"]}`),
			call:   func(c *onezone.Client) (any, error) { return c.ListAllNamedTokensPage(ctx) },
			method: "GET", path: "/tokens/named",
			check: func(t *testing.T, v any) { assert.Equal(t, []string{"x"}, v.(*onezone.NamedTokensPage).IDs) },
		},
		{
			name: "GetNamedToken",
			resp: answer(200, `{"id":"t1","name":"my-token-1","subject":{"type":"user","id":"u1"},
				"type":{"inviteToken":{"inviteType":"userJoinCluster","clusterId":"c1","parameters":{}}},
				"caveats":[{"type":"ip","whitelist":["127.0.0.0/24"]},{"type":"future.kind","x":[1, 2]}],
				"metadata":{"creationTime":1564721024,"custom":{},"privileges":["cluster_view"],"usageLimit":15,"usageCount":3},
				"revoked":false,"token":"MDAxFULLbearer"}`),
			call:   func(c *onezone.Client) (any, error) { return c.GetNamedToken(ctx, "t1") },
			method: "GET", path: "/tokens/named/t1",
			check: func(t *testing.T, v any) {
				nt := v.(*onezone.NamedToken)
				assert.Equal(t, "my-token-1", nt.Name)
				assert.Equal(t, onezone.Subject{Type: "user", ID: "u1"}, nt.Subject)
				require.NotNil(t, nt.Type.Invite)
				assert.Equal(t, onezone.UserJoinCluster, nt.Type.Invite.InviteType)
				assert.Equal(t, "c1", nt.Type.Invite.TargetID)
				require.Len(t, nt.Caveats, 2)
				assert.Equal(t, onezone.IPCaveat{Whitelist: []string{"127.0.0.0/24"}}, nt.Caveats[0])
				rc, ok := nt.Caveats[1].(onezone.RawCaveat)
				require.True(t, ok)
				assert.Equal(t, `{"type":"future.kind","x":[1, 2]}`, string(rc.JSON), "unknown caveat kept verbatim")
				assert.Equal(t, onezone.UsageLimit(15), nt.Metadata.UsageLimit)
				assert.Equal(t, int64(3), *nt.Metadata.UsageCount)
				assert.Equal(t, "MDAxFULLbearer", nt.Token.Reveal())
			},
		},
		{
			name: "GetNamedTokenByName escapes the name",
			resp: answer(200, `{"id":"t1","name":"my token"}`),
			call: func(c *onezone.Client) (any, error) {
				return c.GetNamedTokenByName(ctx, onezone.User("u 1"), "my token")
			},
			method: "GET", path: "/users/u%201/tokens/named/name/my%20token",
		},
		{
			name: "ModifyNamedToken",
			resp: answer(204, ""),
			call: func(c *onezone.Client) (any, error) {
				return nil, c.ModifyNamedToken(ctx, "t1", onezone.NamedTokenUpdateRequest{Name: &name2, CustomMetadata: map[string]any{"a": 1}, Revoked: &yes})
			},
			method: "PATCH", path: "/tokens/named/t1", body: `{"customMetadata":{"a":1},"name":"n2","revoked":true}`,
		},
		{
			name: "ModifyNamedToken unrevoke",
			resp: answer(204, ""),
			call: func(c *onezone.Client) (any, error) {
				return nil, c.ModifyNamedToken(ctx, "t1", onezone.NamedTokenUpdateRequest{Revoked: &no})
			},
			method: "PATCH", path: "/tokens/named/t1", body: `{"revoked":false}`,
		},
		{
			name:   "DeleteNamedToken",
			resp:   answer(204, ""),
			call:   func(c *onezone.Client) (any, error) { return nil, c.DeleteNamedToken(ctx, "t1") },
			method: "DELETE", path: "/tokens/named/t1",
		},
		{
			name:   "DeleteAllNamedTokens",
			resp:   answer(204, ""),
			call:   func(c *onezone.Client) (any, error) { return nil, c.DeleteAllNamedTokens(ctx, onezone.User("u1")) },
			method: "DELETE", path: "/users/u1/tokens/named",
		},
		{
			name:   "GetNamedTokenStatus",
			resp:   answer(200, `{"revoked":true}`),
			call:   func(c *onezone.Client) (any, error) { return c.GetNamedTokenStatus(ctx, "t1") },
			method: "GET", path: "/tokens/named/t1/status",
			check: func(t *testing.T, v any) { assert.True(t, v.(*onezone.NamedTokenStatus).Revoked) },
		},
		{
			name: "CreateTemporaryToken",
			resp: answer(201, `{"token":"MDAxTEMP"}`),
			call: func(c *onezone.Client) (any, error) {
				return c.CreateTemporaryToken(ctx, onezone.CurrentUser(), onezone.TemporaryTokenRequest{Caveats: onezone.Caveats{onezone.Until(until)}})
			},
			method: "POST", path: "/user/tokens/temporary", body: `{"caveats":[{"type":"time","validUntil":1700000000}]}`,
			check: func(t *testing.T, v any) { assert.Equal(t, "MDAxTEMP", v.(cloudkeys.Secret).Reveal()) },
		},
		{
			name:   "GetTemporaryTokenGeneration",
			resp:   answer(200, `{"generation":3}`),
			call:   func(c *onezone.Client) (any, error) { return c.GetTemporaryTokenGeneration(ctx, onezone.CurrentUser()) },
			method: "GET", path: "/user/tokens/temporary",
			check: func(t *testing.T, v any) { assert.Equal(t, int64(3), v) },
		},
		{
			name: "RevokeAllTemporaryTokens",
			resp: answer(204, ""),
			call: func(c *onezone.Client) (any, error) {
				return nil, c.RevokeAllTemporaryTokens(ctx, onezone.CurrentProvider())
			},
			method: "DELETE", path: "/provider/tokens/temporary",
		},
		{
			name: "ExamineToken",
			resp: answer(200, `{"onezoneDomain":"zone.example.com","id":"t1","persistence":"named","subject":{"type":"user","id":"u1"},"type":{"accessToken":{}},"caveats":[]}`),
			call: func(c *onezone.Client) (any, error) {
				return c.ExamineToken(ctx, cloudkeys.NewSecret("MDAxEXAM"))
			},
			method: "POST", path: "/tokens/examine", body: `{"token":"MDAxEXAM"}`, public: true,
			check: func(t *testing.T, v any) {
				ex := v.(*onezone.TokenExamination)
				assert.Equal(t, "named", ex.Persistence)
				assert.NotNil(t, ex.Type.Access)
			},
		},
		{
			name: "ConfineToken",
			resp: answer(200, `{"token":"MDAxCONF"}`),
			call: func(c *onezone.Client) (any, error) {
				return c.ConfineToken(ctx, cloudkeys.NewSecret("MDAxEXAM"), onezone.Caveats{onezone.IPCaveat{Whitelist: []string{"1.2.3.0/24"}}})
			},
			method: "POST", path: "/tokens/confine", body: `{"token":"MDAxEXAM","caveats":[{"type":"ip","whitelist":["1.2.3.0/24"]}]}`, public: true,
			check: func(t *testing.T, v any) { assert.Equal(t, "MDAxCONF", v.(cloudkeys.Secret).Reveal()) },
		},
		{
			name: "VerifyAccessToken",
			resp: answer(200, `{"subject":{"type":"user","id":"u1"},"ttl":null}`),
			call: func(c *onezone.Client) (any, error) {
				return c.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: cloudkeys.NewSecret("MDAxV"), PeerIP: "1.2.3.4",
					ServiceToken: cloudkeys.NewSecret("MDAxS"), Interface: "rest", AllowDataAccessCaveats: &no})
			},
			method: "POST", path: "/tokens/verify_access_token", public: true,
			body: `{"token":"MDAxV","peerIp":"1.2.3.4","serviceToken":"MDAxS","interface":"rest","allowDataAccessCaveats":false}`,
			check: func(t *testing.T, v any) {
				r := v.(*onezone.VerifyResult)
				assert.Equal(t, "u1", r.Subject.ID)
				assert.Nil(t, r.TTL)
			},
		},
		{
			name: "VerifyIdentityToken",
			resp: answer(200, `{"subject":{"type":"user","id":"u1"},"ttl":60}`),
			call: func(c *onezone.Client) (any, error) {
				return c.VerifyIdentityToken(ctx, onezone.VerifyIdentityTokenRequest{Token: cloudkeys.NewSecret("MDAxI"), ConsumerToken: cloudkeys.NewSecret("MDAxC")})
			},
			method: "POST", path: "/tokens/verify_identity_token", public: true, body: `{"token":"MDAxI","consumerToken":"MDAxC"}`,
			check: func(t *testing.T, v any) { assert.Equal(t, int64(60), *v.(*onezone.VerifyResult).TTL) },
		},
		{
			name: "VerifyInviteToken",
			resp: answer(200, `{"subject":{"type":"user","id":"u1"},"ttl":null}`),
			call: func(c *onezone.Client) (any, error) {
				return c.VerifyInviteToken(ctx, onezone.VerifyInviteTokenRequest{Token: cloudkeys.NewSecret("MDAxI"), ExpectedInviteType: onezone.RegisterOneprovider})
			},
			method: "POST", path: "/tokens/verify_invite_token", public: true, body: `{"token":"MDAxI","expectedInviteType":"registerOneprovider"}`,
		},
		{
			name:   "GetConfiguration",
			resp:   answer(200, `{"name":"z","domain":"zone.example.com","version":"21.02.7","build":"b","extra":1}`),
			call:   func(c *onezone.Client) (any, error) { return c.GetConfiguration(ctx) },
			method: "GET", path: "/configuration", public: true,
			check: func(t *testing.T, v any) {
				cfg := v.(*onezone.Configuration)
				assert.Equal(t, "21.02.7", cfg.Version)
				assert.Contains(t, string(cfg.Raw), `"extra":1`)
			},
		},
		{
			name:   "GetCurrentTime",
			resp:   answer(200, `{"timeMillis":1700000000123}`),
			call:   func(c *onezone.Client) (any, error) { return c.GetCurrentTime(ctx) },
			method: "GET", path: "/provider/public/get_current_time", public: true,
			check: func(t *testing.T, v any) { assert.Equal(t, int64(1700000000123), v) },
		},
		{
			name: "CreateProviderRegistrationToken for a user",
			resp: answer(200, `{"token":"MDAxREG"}`),
			call: func(c *onezone.Client) (any, error) {
				return c.CreateProviderRegistrationToken(ctx, "99b930e38a8f46a1a0036db7d6422591") //nolint:staticcheck // wire test
			},
			method: "POST", path: "/users/99b930e38a8f46a1a0036db7d6422591/clusters/provider_registration_token",
			check: func(t *testing.T, v any) { assert.Equal(t, "MDAxREG", v.(cloudkeys.Secret).Reveal()) },
		},
		{
			name:   "CreateProviderRegistrationToken for the caller",
			resp:   answer(200, `{"token":"MDAxREG"}`),
			call:   func(c *onezone.Client) (any, error) { return c.CreateProviderRegistrationToken(ctx, "") }, //nolint:staticcheck // wire test
			method: "POST", path: "/user/clusters/provider_registration_token",
		},
		{
			name:   "CreateProviderRegistrationInvite",
			resp:   answer(201, `{"token":"MDAxINV"}`),
			call:   func(c *onezone.Client) (any, error) { return c.CreateProviderRegistrationInvite(ctx, "u1", until) },
			method: "POST", path: "/user/tokens/temporary",
			body: `{"type":{"inviteToken":{"inviteType":"registerOneprovider","adminUserId":"u1"}},"caveats":[{"type":"time","validUntil":1700000000}]}`,
		},
		{
			name:   "SetKeyEnabled",
			resp:   answer(204, ""),
			call:   func(c *onezone.Client) (any, error) { return nil, c.SetKeyEnabled(ctx, "k1", false) },
			method: "PATCH", path: "/tokens/named/k1", body: `{"revoked":true}`,
		},
		{
			name:   "DeleteKey",
			resp:   answer(204, ""),
			call:   func(c *onezone.Client) (any, error) { return nil, c.DeleteKey(ctx, "k1") },
			method: "DELETE", path: "/tokens/named/k1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, reqs := mockClient(t, onezone.Token(wireToken), tt.resp)
			v, err := tt.call(c)
			require.NoError(t, err)
			got := reqs()
			require.Len(t, got, 1)
			r := got[0]
			assert.Equal(t, tt.method, r.method)
			assert.Equal(t, "/api/v3/onezone"+tt.path, r.path)
			assert.Empty(t, r.query)
			assert.Equal(t, tt.body, r.body)
			if tt.body != "" {
				assert.Equal(t, "application/json", r.header.Get("Content-Type"))
			} else {
				assert.Empty(t, r.header.Get("Content-Type"), "no Content-Type without a body")
			}
			if tt.public {
				assert.Empty(t, r.header.Get("X-Auth-Token"), "public endpoints are sent without credentials")
			} else {
				assert.Equal(t, wireToken, r.header.Get("X-Auth-Token"))
			}
			assert.Empty(t, r.header.Get("Authorization"))
			assert.Empty(t, r.header.Get("Macaroon"))
			assert.True(t, strings.HasPrefix(r.header.Get("User-Agent"), "cloudkeys-go/"))
			if tt.check != nil {
				tt.check(t, v)
			}
		})
	}
}

func TestWireBasicAuth(t *testing.T) {
	t.Parallel()
	c, reqs := mockClient(t, onezone.Basic("alice", "p@ss:word"), answer(200, `{"tokens":[]}`))
	_, err := c.ListNamedTokensPage(context.Background(), onezone.CurrentUser())
	require.NoError(t, err)
	r := reqs()[0]
	assert.Equal(t, "Basic "+base64.StdEncoding.EncodeToString([]byte("alice:p@ss:word")), r.header.Get("Authorization"))
	assert.Empty(t, r.header.Get("X-Auth-Token"))
}

func TestWireEndpointWithBasePath(t *testing.T) {
	t.Parallel()
	for _, ep := range []string{wireHost, wireHost + "/", wireHost + "/api/v3/onezone", wireHost + "/api/v3/onezone/"} {
		mock := httpmock.NewMockTransport()
		var path string
		mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
			path = r.URL.Path
			return httpmock.NewStringResponse(200, `{"version":"21.02.7"}`), nil
		})
		c, err := onezone.New(ep, onezone.Token(wireToken), cloudkeys.WithHTTPClient(&http.Client{Transport: mock}))
		require.NoError(t, err)
		_, err = c.GetConfiguration(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "/api/v3/onezone/configuration", path, ep)
	}
}

func TestWireInferScopeGating(t *testing.T) {
	t.Parallel()
	tok := cloudkeys.NewSecret("MDAxINFER")
	ctx := context.Background()

	c, reqs := mockClient(t, onezone.Token(wireToken),
		answer(200, `{"version":"21.02.4"}`),
		answer(200, `{"validUntil":1700000000,"dataAccessScope":{"readonly":true,"spaces":{"s1":{"name":"S","supports":{"p1":{"readonly":false}}}},"providers":{"p1":{"name":"P","domain":"p.example.com","version":"21.02.4","online":true}}}}`),
		answer(200, `{"validUntil":null,"dataAccessScope":null}`),
	)
	scope, err := c.InferAccessTokenScope(ctx, onezone.InferAccessTokenScopeRequest{Token: tok, ConsumerToken: cloudkeys.NewSecret("MDAxCONS")})
	require.NoError(t, err)
	require.NotNil(t, scope.DataAccessScope)
	assert.True(t, scope.DataAccessScope.Readonly)
	assert.Equal(t, "S", scope.DataAccessScope.Spaces["s1"].Name)
	assert.True(t, scope.DataAccessScope.Providers["p1"].Online)
	scope, err = c.InferAccessTokenScope(ctx, onezone.InferAccessTokenScopeRequest{Token: tok})
	require.NoError(t, err)
	assert.Nil(t, scope.DataAccessScope, "null scope for provider tokens")
	got := reqs()
	require.Len(t, got, 3, "configuration once, then two infers")
	assert.Equal(t, "GET", got[0].method)
	assert.Equal(t, "/api/v3/onezone/configuration", got[0].path)
	assert.Equal(t, "/api/v3/onezone/tokens/infer_access_token_scope", got[1].path)
	assert.Equal(t, `{"token":"MDAxINFER","consumerToken":"MDAxCONS"}`, got[1].body)
	assert.Equal(t, `{"token":"MDAxINFER"}`, got[2].body)

	for _, v := range []string{"20.02.20", "21.02.3", "21.02.4-beta1", "19.02.4"} {
		c, reqs := mockClient(t, onezone.Token(wireToken), answer(200, `{"version":"`+v+`"}`))
		_, err := c.InferAccessTokenScope(ctx, onezone.InferAccessTokenScopeRequest{Token: tok})
		assert.ErrorIs(t, err, cloudkeys.ErrUnsupported, v)
		assert.Len(t, reqs(), 1, v)
	}
	// Configuration failures are not cached.
	c, reqs = mockClient(t, onezone.Token(wireToken), answer(500, ""), answer(200, `{"version":"21.02.7"}`), answer(200, `{"validUntil":null}`))
	_, err = c.InferAccessTokenScope(ctx, onezone.InferAccessTokenScopeRequest{Token: tok})
	require.ErrorIs(t, err, cloudkeys.ErrServer)
	_, err = c.InferAccessTokenScope(ctx, onezone.InferAccessTokenScopeRequest{Token: tok})
	require.NoError(t, err)
	assert.Len(t, reqs(), 3)
}

func TestWireResponseParsing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Non-JSON success where JSON is expected → an APIError, no panic.
	c, _ := mockClient(t, onezone.Token(wireToken), answer(200, `<html>proxy</html>`))
	_, err := c.ListNamedTokensPage(ctx, onezone.CurrentUser())
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 200, ae.StatusCode)
	// An empty 200 body to a read is an error, not an empty list (a
	// proxy's empty answer must not look like "no tokens").
	c, _ = mockClient(t, onezone.Token(wireToken), answer(200, ""))
	ids, err := tokenIDs(c.ListNamedTokensPage(ctx, onezone.CurrentUser()))
	require.ErrorIs(t, err, cloudkeys.ErrServer)
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 200, ae.StatusCode)
	assert.Empty(t, ids)
	// The response Content-Type is not relied on.
	c, _ = mockClient(t, onezone.Token(wireToken), answer(200, `{"tokens":["a"]}`, "Content-Type", "text/plain"))
	ids, err = tokenIDs(c.ListNamedTokensPage(ctx, onezone.CurrentUser()))
	require.NoError(t, err)
	assert.Equal(t, []string{"a"}, ids)
	// Error body with description and nested id.
	c, _ = mockClient(t, onezone.Token(wireToken), answer(401, `{"error":{"id":"unauthorized","description":"You must authenticate yourself.","details":{"authError":{"id":"tokenRevoked","description":"Provided token has been revoked."}}}}`))
	_, err = c.ListNamedTokensPage(ctx, onezone.CurrentUser())
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "unauthorized", ae.Code)
	assert.Equal(t, "listNamedTokens", ae.Operation)
	assert.Contains(t, ae.Message, "tokenRevoked")
	var oe *onezone.Error
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "tokenRevoked", oe.Body.Nested().ID)
}

// TestWireEmptyUserIDIsNotTheCaller: User("") is refused before any
// request instead of becoming /user — DeleteAllNamedTokens(User(id)) with
// an id left empty must not delete the caller's own tokens.
func TestWireEmptyUserIDIsNotTheCaller(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, reqs := mockClient(t, onezone.Token(wireToken), answer(204, ""), answer(200, `{"tokens":[]}`))
	err := c.DeleteAllNamedTokens(ctx, onezone.User(""))
	var ie *cloudkeys.InvalidInputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "Subject.ID", ie.Field)
	_, err = c.ListNamedTokensPage(ctx, onezone.User(""))
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	assert.Empty(t, reqs(), "nothing sent")
	// The caller is still reachable explicitly.
	require.NoError(t, c.DeleteAllNamedTokens(ctx, onezone.CurrentUser()))
	require.Len(t, reqs(), 1)
	assert.Equal(t, "/api/v3/onezone/user/tokens/named", reqs()[0].path)
}
