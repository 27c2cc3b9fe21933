package huaweibcs_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/internal/huaweiwire"
)

const (
	wireEndpoint = "https://bcs.example.test"
	wirePID      = "0123456789abcdef0123456789abcdef"
	wireID       = "11111111-2222-3333-4444-555555555555"
	wireAK       = "AccessKey"
	wireSK       = "SecretKey"
)

var wireNow = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// captured is one request the mock saw.
type captured struct {
	method string
	url    *url.URL
	header http.Header
	body   []byte
}

func mockClient(t *testing.T, creds huaweibcs.Credentials) (*huaweibcs.Client, *httpmock.MockTransport, *[]captured) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	c, err := huaweibcs.New(wireEndpoint, wirePID, creds,
		cloudkeys.WithHTTPClient(&http.Client{Transport: mock}),
		cloudkeys.WithClock(func() time.Time { return wireNow }),
		fastRetry)
	require.NoError(t, err)
	var got []captured
	return c, mock, &got
}

func capture(got *[]captured, r httpmock.Responder) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		var b []byte
		if req.Body != nil {
			b, _ = io.ReadAll(req.Body)
		}
		*got = append(*got, captured{method: req.Method, url: req.URL, header: req.Header.Clone(), body: b})
		return r(req)
	}
}

func zipFile(t *testing.T, name, content string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	f, err := zw.Create(name)
	require.NoError(t, err)
	_, _ = f.Write([]byte(content))
	require.NoError(t, zw.Close())
	return b.Bytes()
}

func TestWireAKSK(t *testing.T) {
	t.Parallel()
	c, mock, got := mockClient(t, huaweibcs.AKSK(wireAK, wireSK))
	base := wireEndpoint + "/v1/" + wirePID + "/node-provider/credentials"
	mock.RegisterResponder("GET", base, capture(got, httpmock.NewStringResponder(200,
		`{"credentials":[{"id":"3bca624c-0468-11ee-8322-0255ac100043","description":"test","create_time":"2023-06-06T20:47:02.15507+08:00","update_time":"2023-06-06T20:47:02.15507+08:00","node_ids":["n1"],"control_type":"white","allowlists":[{"allowlist_type":"ip","allowlist_info":"1.2.3.4"}]}],"count":1}`)))
	mock.RegisterResponder("POST", base, capture(got, httpmock.NewBytesResponder(200,
		zipFile(t, "credential.csv", "Credential ID,API Key\n"+wireID+",the-secret\n")).HeaderSet(http.Header{"Content-Type": {"application/zip"}})))
	mock.RegisterResponder("DELETE", base+"/"+wireID, capture(got, httpmock.NewStringResponder(200, "")))
	ctx := context.Background()

	page, err := c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{Offset: 0, Limit: 10})
	require.NoError(t, err)
	require.Len(t, page.Credentials, 1)
	cr := page.Credentials[0]
	assert.Equal(t, "test", cr.Description)
	assert.Equal(t, time.Date(2023, 6, 6, 12, 47, 2, 155070000, time.UTC), cr.CreatedAt.UTC())
	assert.Equal(t, cr.CreatedAt, cr.LastUsedAt)
	assert.Equal(t, []string{"n1"}, cr.NodeIDs)
	assert.Equal(t, []huaweibcs.Allowlist{{Type: "ip", Info: "1.2.3.4"}}, cr.Allowlists)

	cc, err := c.CreateCredential(ctx, huaweibcs.CreateCredentialRequest{Description: "ci key"})
	require.NoError(t, err)
	assert.Equal(t, wireID, cc.ID)
	assert.Equal(t, "the-secret", cc.APIKey.Reveal())

	require.NoError(t, c.DeleteCredential(ctx, wireID))

	require.Len(t, *got, 3)
	want := []struct {
		method, path, query, body, ctype string
	}{
		{"GET", "/v1/" + wirePID + "/node-provider/credentials", "limit=10&offset=0", "", ""},
		{"POST", "/v1/" + wirePID + "/node-provider/credentials", "", "{\"description\":\"ci key\"}\n", "application/json"},
		{"DELETE", "/v1/" + wirePID + "/node-provider/credentials/" + wireID, "", "", ""},
	}
	for i, w := range want {
		r := (*got)[i]
		assert.Equal(t, w.method, r.method)
		assert.Equal(t, w.path, r.url.Path)
		assert.Equal(t, w.query, r.url.RawQuery)
		assert.Equal(t, w.body, string(r.body))
		assert.Equal(t, w.ctype, r.header.Get("Content-Type"))
		assert.Equal(t, "20240101T000000Z", r.header.Get("X-Sdk-Date"))
		assert.Equal(t, wirePID, r.header.Get("X-Project-Id"))
		assert.Empty(t, r.header.Get("X-Auth-Token"))
		assert.Contains(t, r.header.Get("User-Agent"), "cloudkeys-go/")
		auth := r.header.Get("Authorization")
		p, err := huaweiwire.ParseAuthorization(auth)
		require.NoError(t, err)
		assert.Equal(t, wireAK, p.Access)
		assert.Equal(t, "host;x-project-id;x-sdk-date", p.SignedHeaders)
		assert.Regexp(t, `^SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-project-id;x-sdk-date, Signature=[0-9a-f]{64}$`, auth)
		h := r.header.Clone()
		h.Set("Host", r.url.Host)
		assert.True(t, huaweiwire.VerifyAKSK(wireSK, r.method, r.url, h, p.SignedHeaders, r.body, p.Signature), "signature of %s", w.method)
	}
}

// TestWireSignatureMatchesVector: the create request, signed without host,
// reproduces the published NES create vector exactly.
func TestWireSignatureMatchesVector(t *testing.T) {
	t.Parallel()
	c, mock, got := mockClient(t, huaweibcs.AKSK(wireAK, wireSK))
	mock.RegisterResponder("POST", `=~/credentials\z`, capture(got, httpmock.NewStringResponder(200, "id,api_key\n"+wireID+",s\n")))
	_, err := c.CreateCredential(context.Background(), huaweibcs.CreateCredentialRequest{Description: "ci key"})
	require.NoError(t, err)
	r := (*got)[0]
	u, _ := url.Parse("https://bcs.ap-southeast-3.myhuaweicloud.com" + r.url.Path)
	auth, err := huaweiwire.SignAKSK(wireAK, wireSK, "POST", u, r.header, "x-project-id;x-sdk-date", r.body)
	require.NoError(t, err)
	assert.Equal(t, "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-project-id;x-sdk-date, Signature=3527552eb7e319b67efe14375cc0b6e66ead3bb7838baa54018c768fb6cbc49e", auth)
}

func TestWireToken(t *testing.T) {
	t.Parallel()
	c, mock, got := mockClient(t, huaweibcs.Token("user-token-value"))
	mock.RegisterResponder("GET", `=~/credentials\z`, capture(got, httpmock.NewStringResponder(200, `{"credentials":[],"count":0}`)))
	page, err := c.ListCredentialsPage(context.Background(), huaweibcs.ListCredentialsOptions{Offset: 5})
	require.NoError(t, err)
	assert.Equal(t, 0, page.Count)
	r := (*got)[0]
	assert.Equal(t, "offset=5", r.url.RawQuery)
	assert.Equal(t, "user-token-value", r.header.Get("X-Auth-Token"))
	assert.Empty(t, r.header.Get("Authorization"))
	assert.Empty(t, r.header.Get("X-Sdk-Date"))
}

func TestWirePassword(t *testing.T) {
	t.Parallel()
	mock := httpmock.NewMockTransport()
	c, err := huaweibcs.New(wireEndpoint, wirePID, huaweibcs.Password("https://iam.example.test/", "acct", "bob", "pw-secret"),
		cloudkeys.WithHTTPClient(&http.Client{Transport: mock}), cloudkeys.WithClock(func() time.Time { return wireNow }), fastRetry)
	require.NoError(t, err)
	var got []captured
	mock.RegisterResponder("POST", "https://iam.example.test/v3/auth/tokens", capture(&got,
		httpmock.NewStringResponder(201, `{"token":{"expires_at":"2024-01-02T00:00:00.000000Z","methods":["password"]}}`).
			HeaderSet(http.Header{"X-Subject-Token": {"subject-token-1"}})))
	mock.RegisterResponder("DELETE", `=~/credentials/`+wireID+`\z`, capture(&got, httpmock.NewStringResponder(200, "")))
	require.NoError(t, c.DeleteCredential(context.Background(), wireID))
	require.Len(t, got, 2)
	login := got[0]
	assert.Equal(t, "POST", login.method)
	assert.Equal(t, "iam.example.test", login.url.Host)
	assert.Equal(t, "application/json;charset=utf8", login.header.Get("Content-Type"))
	assert.Equal(t, `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"bob","password":"pw-secret","domain":{"name":"acct"}}}},"scope":{"project":{"id":"`+wirePID+`"}}}}`, string(login.body))
	assert.Equal(t, "subject-token-1", got[1].header.Get("X-Auth-Token"))

	// A login answer without X-Subject-Token is an error.
	mock2 := httpmock.NewMockTransport()
	c2, err := huaweibcs.New(wireEndpoint, wirePID, huaweibcs.Password("https://iam.example.test", "acct", "bob", "pw-secret"),
		cloudkeys.WithHTTPClient(&http.Client{Transport: mock2}), fastRetry)
	require.NoError(t, err)
	mock2.RegisterResponder("POST", "https://iam.example.test/v3/auth/tokens", httpmock.NewStringResponder(201, `{}`))
	_, err = c2.ListCredentialsPage(context.Background(), huaweibcs.ListCredentialsOptions{})
	assert.ErrorIs(t, err, cloudkeys.ErrServer)
	assert.Equal(t, 0, mock2.GetCallCountInfo()["GET =~/credentials"])
}

func TestWireCreateFiles(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		body   []byte
		ctype  string
		id     string
		secret string
		ok     bool
	}{
		{"zip", zipFile(t, "credential.csv", "id,api_key\n"+wireID+",s1\n"), "application/zip", wireID, "s1", true},
		{"zip in folder", zipFile(t, "keys/Credential.CSV", "\ufeffCredential_ID , API Key\n"+wireID+", s2\n"), "application/octet-stream", wireID, "s2", true},
		{"bare csv", []byte("Description,Secret,ID\r\nd," + "s3," + wireID + "\r\n"), "application/octet-stream", wireID, "s3", true},
		{"no id column", []byte("apikey\ns4\n"), "application/octet-stream", "", "s4", false},
		{"zip without a csv", zipFile(t, "readme.txt", "x"), "application/zip", "", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mock, _ := mockClient(t, huaweibcs.AKSK(wireAK, wireSK))
			mock.RegisterResponder("POST", `=~/credentials\z`, httpmock.NewBytesResponder(200, tc.body).HeaderSet(http.Header{"Content-Type": {tc.ctype}}))
			cc, err := c.CreateCredential(context.Background(), huaweibcs.CreateCredentialRequest{})
			require.NotNil(t, cc, "the raw file is always returned")
			if !tc.ok {
				// A file that cannot be read: the key may exist.
				assert.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
				var ue *cloudkeys.UndecodableAnswerError
				require.ErrorAs(t, err, &ue)
				assert.Equal(t, string(tc.body), ue.Answer.Reveal())
			}
			assert.Equal(t, string(tc.body), cc.File.Reveal())
			assert.Equal(t, tc.id, cc.ID)
			assert.Equal(t, tc.secret, cc.APIKey.Reveal())
			if tc.ok {
				require.NoError(t, err)
			} else {
				var fe *huaweibcs.FileError
				assert.ErrorAs(t, err, &fe)
			}
			// Exactly one POST, with the empty description omitted.
			assert.Equal(t, 1, mock.GetTotalCallCount())

			km, err := c.CreateKey(context.Background(), cloudkeys.CreateKeyRequest{})
			if tc.ok {
				require.NoError(t, err)
				assert.Equal(t, tc.secret, km.Secret.Reveal())
			} else {
				require.Error(t, err)
				require.NotNil(t, km)
				assert.Equal(t, tc.secret, km.Secret.Reveal())
			}
		})
	}
}

func TestWireErrorShapes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		status   int
		body     string
		header   http.Header
		code     string
		msg      string
		reqID    string
		sentinel error
	}{
		{"service string code", 400, `{"code":"400","error_code":"BCS.03400001","error_msg":"Invalid request.","message":"unmarshal request data error"}`,
			http.Header{"X-Request-Id": {"rid-1"}}, "BCS.03400001", "Invalid request: unmarshal request data error", "rid-1", cloudkeys.ErrInvalidRequest},
		{"service numeric code", 401, `{"code":401,"error_code":"BCS.03401001","error_msg":"Authorization failed.","message":"request token is not valid"}`,
			nil, "BCS.03401001", "Authorization failed: request token is not valid", "", cloudkeys.ErrUnauthorized},
		{"gateway", 401, `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information","request_id":"body-rid"}`,
			nil, "APIGW.0301", "Incorrect IAM authentication information", "body-rid", cloudkeys.ErrUnauthorized},
		{"gateway header wins", 403, `{"error_code":"APIGW.0310","error_msg":"project unavailable","request_id":"body-rid"}`,
			http.Header{"X-Request-Id": {"hdr-rid"}}, "APIGW.0310", "project unavailable", "hdr-rid", cloudkeys.ErrForbidden},
		{"status_code variant", 404, `{"status_code":404,"error_code":"APIGW.0101","error_message":"The API does not exist"}`,
			nil, "APIGW.0101", "The API does not exist", "", cloudkeys.ErrNotFound},
		{"keystone", 401, `{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}`,
			nil, "", "The username or password is wrong.", "", cloudkeys.ErrUnauthorized},
		{"fabric bcs", 400, `{"error_code":"BCS.4006014","error_msg":"bad thing"}`, nil, "BCS.4006014", "bad thing", "", cloudkeys.ErrInvalidRequest},
		{"not json", 500, "<html><h1>Internal</h1> boom</html>", nil, "", "Internal boom", "", cloudkeys.ErrServer},
		{"429 too many tasks", 429, `{"code":"429","error_code":"BCS.03429001","error_msg":"Reach maximum parallel tasks.","message":""}`,
			nil, "BCS.03429001", "Reach maximum parallel tasks.", "", cloudkeys.ErrRateLimited},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mock, _ := mockClient(t, huaweibcs.Token("tok-value"))
			mock.RegisterResponder("POST", `=~/credentials\z`, httpmock.NewStringResponder(tc.status, tc.body).HeaderSet(tc.header))
			_, err := c.CreateCredential(context.Background(), huaweibcs.CreateCredentialRequest{})
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.sentinel)
			ae := apiErr(t, err)
			assert.Equal(t, tc.status, ae.StatusCode)
			assert.Equal(t, tc.code, ae.Code)
			assert.Equal(t, tc.msg, ae.Message)
			assert.Equal(t, tc.reqID, ae.RequestID)
			assert.Equal(t, huaweibcs.OpCreate, ae.Operation)
		})
	}
}

func TestWireListDecodeError(t *testing.T) {
	t.Parallel()
	c, mock, _ := mockClient(t, huaweibcs.Token("tok-value"))
	mock.RegisterResponder("GET", `=~/credentials\z`, httpmock.NewStringResponder(200, `not json`))
	_, err := c.ListCredentialsPage(context.Background(), huaweibcs.ListCredentialsOptions{})
	assert.ErrorIs(t, err, cloudkeys.ErrServer)
}
