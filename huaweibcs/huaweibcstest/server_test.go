package huaweibcstest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/internal/huaweiwire"
)

// do sends a raw request to the fake, signed with the seeded AK/SK unless
// auth is false, and returns status, headers and body.
func do(t *testing.T, s *Server, method, path, rawQuery string, hdr http.Header, body []byte, auth bool) (int, http.Header, []byte) {
	t.Helper()
	u, err := url.Parse(s.URL() + path)
	require.NoError(t, err)
	u.RawQuery = rawQuery
	h := http.Header{}
	for k, v := range hdr {
		h[k] = v
	}
	if auth {
		h.Set(huaweiwire.HeaderSdkDate, s.Now().UTC().Format(huaweiwire.DateFormat))
		h.Set(huaweibcs.HeaderProjectID, ProjectID)
		a, err := huaweiwire.SignAKSK(AccessKey, SecretKey, method, u, h, huaweiwire.DefaultSignedHeaders, body)
		require.NoError(t, err)
		h.Set("Authorization", a)
	}
	req, err := http.NewRequest(method, u.String(), bytes.NewReader(body))
	require.NoError(t, err)
	req.Header = h
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.NotEmpty(t, resp.Header.Get("X-Request-Id"), "every answer has a request id")
	return resp.StatusCode, resp.Header, b
}

const credPath = "/v1/" + ProjectID + "/node-provider/credentials"

var jsonCT = http.Header{"Content-Type": {"application/json"}}

func TestFakeDocumentedAnswers(t *testing.T) {
	t.Parallel()
	s := NewServer()
	defer s.Close()
	cases := []struct {
		name         string
		method, path string
		query        string
		hdr          http.Header
		body         string
		auth         bool
		status       int
		want         string // JSON the body must equal
	}{
		{"malformed create body", "POST", credPath, "", jsonCT, "{", true, 400,
			`{"code":"400","error_code":"BCS.03400001","error_msg":"Invalid request.","message":"unmarshal request data error"}`},
		{"create wrong content type", "POST", credPath, "", http.Header{"Content-Type": {"text/plain"}}, "{}", true, 400,
			`{"code":"400","error_code":"BCS.03400006","error_msg":"Content type not supported.","message":"content type must be application/json"}`},
		{"create long description", "POST", credPath, "", jsonCT, `{"description":"` + strings.Repeat("x", 101) + `"}`, true, 400,
			`{"code":"400","error_code":"BCS.03400001","error_msg":"Invalid request.","message":"description length must be in [0, 100]"}`},
		{"offset not integer", "GET", credPath, "offset=a", nil, "", true, 400,
			`{"code":"400","error_code":"BCS.03400001","error_msg":"Invalid request.","message":"offset must be an integer in [0, 1000]"}`},
		{"offset too big", "GET", credPath, "offset=1001", nil, "", true, 400,
			`{"code":"400","error_code":"BCS.03400001","error_msg":"Invalid request.","message":"offset must be an integer in [0, 1000]"}`},
		{"limit zero", "GET", credPath, "limit=0", nil, "", true, 400,
			`{"code":"400","error_code":"BCS.03400001","error_msg":"Invalid request.","message":"limit must be an integer in [1, 1000]"}`},
		{"empty list", "GET", credPath, "", nil, "", true, 200, `{"credentials":[],"count":0}`},
		{"delete short id", "DELETE", credPath + "/abc", "", nil, "", true, 400,
			`{"code":"400","error_code":"BCS.03400001","error_msg":"Invalid request.","message":"credential_id length must be 36"}`},
		{"delete unknown", "DELETE", credPath + "/11111111-2222-3333-4444-555555555555", "", nil, "", true, 404,
			`{"code":"404","error_code":"BCS.03404001","error_msg":"Resource not found.","message":"credential [11111111-2222-3333-4444-555555555555] not found"}`},
		{"short project id", "GET", "/v1/abc/node-provider/credentials", "", nil, "", false, 401, ""},
		{"no auth", "GET", credPath, "", nil, "", false, 401, ""},
		{"bad token", "GET", credPath, "", http.Header{"X-Auth-Token": {"nope"}}, "", false, 401,
			`{"code":"401","error_code":"BCS.03401001","error_msg":"Authorization failed.","message":"request token is not valid"}`},
		{"unknown method", "PUT", credPath, "", nil, "", true, 404, ""},
		{"iam wrong password", "POST", "/v3/auth/tokens", "", jsonCT,
			`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","password":"x","domain":{"name":"example-account"}}}},"scope":{"project":{"name":"ap-southeast-3"}}}}`, false, 401,
			`{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}`},
		{"iam bad body", "POST", "/v3/auth/tokens", "", jsonCT, `[`, false, 400,
			`{"error":{"code":400,"message":"The request body is invalid.","title":"Bad Request"}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := do(t, s, tc.method, tc.path, tc.query, tc.hdr, []byte(tc.body), tc.auth)
			assert.Equal(t, tc.status, status, string(body))
			if tc.want != "" {
				assert.JSONEq(t, tc.want, string(body))
			}
		})
	}
}

func TestFakeGatewayBodies(t *testing.T) {
	t.Parallel()
	s := NewServer()
	defer s.Close()
	status, hdr, body := do(t, s, "GET", credPath, "", nil, nil, false)
	assert.Equal(t, 401, status)
	var gb map[string]string
	require.NoError(t, json.Unmarshal(body, &gb))
	assert.Equal(t, "APIGW.0301", gb["error_code"])
	assert.Equal(t, hdr.Get("X-Request-Id"), gb["request_id"])

	s.FailNext(1, http.StatusTooManyRequests)
	status, hdr, body = do(t, s, "GET", credPath, "", nil, nil, true)
	assert.Equal(t, 429, status)
	require.NoError(t, json.Unmarshal(body, &gb))
	assert.Equal(t, "APIGW.0308", gb["error_code"])
	assert.Equal(t, hdr.Get("X-Request-Id"), gb["request_id"])

	// Another well-formed project.
	status, _, body = do(t, s, "GET", "/v1/fedcba9876543210fedcba9876543210/node-provider/credentials", "", http.Header{"X-Auth-Token": {s.IssueToken()}}, nil, false)
	assert.Equal(t, 401, status, string(body)) // the token is scoped to ProjectID
}

func TestFakeCreateFileAndPaging(t *testing.T) {
	t.Parallel()
	s := NewServer(WithFileFormat(FileCSV))
	defer s.Close()
	status, hdr, body := do(t, s, "POST", credPath, "", jsonCT, []byte(`{"description":"d"}`), true)
	require.Equal(t, 200, status)
	assert.Equal(t, "application/octet-stream", hdr.Get("Content-Type"))
	assert.True(t, strings.HasPrefix(string(body), "Credential ID,API Key,Description,Create Time\n"), string(body))
	id, secret, err := huaweibcs.ParseCredentialFile(body)
	require.NoError(t, err)
	rec, ok := s.Credential(id)
	require.True(t, ok)
	assert.Equal(t, rec.Secret.Reveal(), secret)
	assert.Len(t, secret, 32)

	s.SetFileFormat(FileZIP)
	status, hdr, body = do(t, s, "POST", credPath, "", jsonCT, []byte(`{}`), true)
	require.Equal(t, 200, status)
	assert.Equal(t, "application/zip", hdr.Get("Content-Type"))
	assert.True(t, bytes.HasPrefix(body, []byte("PK\x03\x04")))

	s.SeedCredentials(250)
	var page struct {
		Credentials []map[string]string `json:"credentials"`
		Count       int                 `json:"count"`
	}
	for _, tc := range []struct {
		q    string
		want int
	}{{"", DefaultLimit}, {"limit=1000", MaxPage}, {"offset=200&limit=1000", 52}, {"offset=1000&limit=5", 0}, {"limit=3&offset=1", 3}} {
		status, _, body = do(t, s, "GET", credPath, tc.q, nil, nil, true)
		require.Equal(t, 200, status)
		require.NoError(t, json.Unmarshal(body, &page))
		assert.Len(t, page.Credentials, tc.want, tc.q)
		assert.Equal(t, 252, page.Count)
	}
	assert.True(t, s.MarkUsed(id, s.Now()))
	assert.False(t, s.MarkUsed("nope", s.Now()))
}

func TestFakeListenEnv(t *testing.T) {
	t.Parallel()
	s, err := Listen(WithAddr("127.0.0.1:0"))
	require.NoError(t, err)
	defer s.Close()
	env := map[string]string{}
	for _, kv := range s.Env() {
		env[kv[0]] = kv[1]
	}
	c, err := huaweibcs.NewFromEnv(func(k string) string { return env[k] }, "")
	require.NoError(t, err)
	_, err = c.ListCredentialsPage(t.Context(), huaweibcs.ListCredentialsOptions{})
	require.NoError(t, err)

	_, err = Listen(WithAddr("256.0.0.1:bad"))
	assert.Error(t, err)
}
