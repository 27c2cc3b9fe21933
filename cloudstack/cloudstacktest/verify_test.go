package cloudstacktest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"time"

	"github.com/cloudkeys/cloudkeys/internal/vectors"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVerifierVectors(t *testing.T) {
	t.Parallel()
	v := vectors.LoadCloudStack(t)
	for _, c := range v.Cases {
		p := params{}
		for k, val := range c.Params {
			p[k] = strings.ReplaceAll(val, "$apiKey", v.APIKey)
		}
		assert.Equal(t, c.Signature, computeSignature(p, v.SecretKey), c.Name)
	}
	// cloudstack-go/cmk's tilde handling gives a signature the server rejects.
	p := params{"apikey": v.APIKey, "command": "listUsers", "response": "json", "keyword": "a~b"}
	assert.NotEqual(t, "C6blbKUaEAK8XthdfF15mV5wVOQ=", computeSignature(p, v.SecretKey))
	// Lowercasing names before sorting is wrong.
	p = params{"apikey": v.APIKey, "command": "listTemplates", "response": "json", "templatefilter": "featured", "templateId": "abc"}
	assert.Equal(t, "WI+DGWAVle9aTqqNr3P+ZkaDeO0=", computeSignature(p, v.SecretKey))
}

func TestCollect(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodPost, "/client/api?a=1&b=q1&b=q2&c=%7E", strings.NewReader("a=body&d=x+y&d=z&e=%zz"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
	body := []byte("a=body&d=x+y&d=z&e=%zz")
	p := collect(r, body, false)
	assert.Equal(t, params{"a": "1", "b": "q2", "c": "~", "d": "x y"}, p, "query wins, last query duplicate, first body duplicate")
	p = collect(r, body, true)
	assert.Equal(t, params{"a": "1", "b": "q1", "c": "~"}, p, "integration port: query only, first duplicate")
}

func TestParseExpires(t *testing.T) {
	t.Parallel()
	want := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{"2025-01-01T00:00:00+0000", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00+00:00", "2025-01-01T01:00:00+0100", "2025-01-01T00:00:00.000Z"} {
		got, ok := parseExpires(s)
		require.True(t, ok, s)
		assert.True(t, want.Equal(got), s)
	}
	_, ok := parseExpires("yesterday")
	assert.False(t, ok)
}

// TestServerRejects checks the fake's verifier end to end with hand-built
// requests: a cmk-style request (no expires) is refused under enforcement,
// a bad signature is refused, login must be POST, writes must be POST
// under enforcement.
func TestServerRejects(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithInMemory(), WithEnforcement())
	defer srv.Close()
	hc := &http.Client{Transport: srv.Transport()}
	sign := func(p params) string {
		p["signature"] = computeSignature(p, srv.AdminSecretKey().Reveal())
		q := url.Values{}
		for k, v := range p {
			q.Set(k, v)
		}
		return q.Encode()
	}
	get := func(q string) int {
		resp, err := hc.Get(srv.APIURL() + "?" + q)
		require.NoError(t, err)
		defer resp.Body.Close()
		return resp.StatusCode
	}
	exp := srv.Now().Add(time.Minute).UTC().Format("2006-01-02T15:04:05-0700")
	base := func() params {
		return params{"apiKey": srv.AdminAPIKey(), "command": "listCapabilities", "response": "json", "signatureversion": "3", "expires": exp}
	}
	assert.Equal(t, 200, get(sign(base())), "mixed-case apiKey is matched case-insensitively")
	p := base()
	delete(p, "signatureversion")
	delete(p, "expires")
	assert.Equal(t, 401, get(sign(p)), "enforcement requires signatureversion 3")
	p = base()
	p["expires"] = srv.Now().Add(16 * time.Minute).UTC().Format(time.RFC3339)
	assert.Equal(t, 401, get(sign(p)))
	q := sign(base())
	assert.Equal(t, 200, get(strings.Replace(q, "command=listCapabilities", "command=listcapabilities", 1)), "the signed string is lowercased whole")
	assert.Equal(t, 401, get(q+"&keyword=x"), "every parameter is signed")
	assert.Equal(t, 401, get("command=listCapabilities&response=json"))
	p = base()
	p["command"], p["id"] = "registerUserKeys", srv.AdminID()
	assert.Equal(t, 400, get(sign(p)), "state-changing commands must be POST (ApiServlet: BAD_REQUEST)")
	assert.Equal(t, 405, get("command=login&username=admin&password=password&response=json"))
	p = base()
	p["command"] = "noSuchCommand"
	resp, err := hc.Get(srv.APIURL() + "?" + sign(p))
	require.NoError(t, err)
	defer resp.Body.Close()
	var body map[string]map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	assert.Equal(t, 400, resp.StatusCode, "enforced: a GET of a command not named like a read, known or not")
	assert.Contains(t, body, "errorresponse")

	lenient := NewServer(WithInMemory()) // stock: enforcement off
	defer lenient.Close()
	p = params{"apikey": lenient.AdminAPIKey(), "command": "listCapabilities", "response": "json"}
	p["signature"] = computeSignature(p, lenient.AdminSecretKey().Reveal())
	q2 := url.Values{}
	for k, v := range p {
		q2.Set(k, v)
	}
	resp2, err := (&http.Client{Transport: lenient.Transport()}).Get(lenient.APIURL() + "?" + q2.Encode())
	require.NoError(t, err)
	defer resp2.Body.Close()
	assert.Equal(t, 200, resp2.StatusCode, "without enforcement a cmk-style request passes")
}

func FuzzCollect(f *testing.F) {
	v := vectors.LoadCloudStack(f)
	for _, c := range v.Cases { // every vector as a signed query and as a form body
		p := url.Values{}
		for k, val := range c.Params {
			p.Set(k, val)
		}
		p.Set("signature", c.Signature)
		f.Add(p.Encode(), "")
		f.Add("", p.Encode())
	}
	for _, s := range []string{"a=1&b=2", "a=%zz&b", "=x&&&", "a=+%20+&a=2", "rules%5B0%5D.rule=list*"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, query, body string) {
		r := httptest.NewRequest(http.MethodPost, "/client/api", strings.NewReader(body))
		r.URL.RawQuery = query
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		p := collect(r, []byte(body), false)
		for k := range p {
			require.NotEmpty(t, k)
		}
		_ = unsignedRequest(p)
	})
}

func FuzzParseExpires(f *testing.F) {
	for _, s := range []string{"2025-01-01T00:00:00+0000", "2025-01-01T00:00:00Z", "", "2025-13-01T00:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { _, _ = parseExpires(s) })
}

func TestSeeding(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithInMemory(), WithVersion(""))
	defer srv.Close()
	assert.Equal(t, "4.22.0.0", srv.Version())
	u := srv.AddUser(UserSpec{Username: "u"})
	kp, ok := srv.GenerateKeys(u.ID)
	require.True(t, ok)
	assert.Len(t, kp.APIKey, 86)
	assert.Len(t, kp.SecretKey.Reveal(), 86)
	kp2, ok := srv.GenerateKeys(u.ID)
	require.True(t, ok)
	keys := srv.UserKeys(u.ID)
	require.Len(t, keys, 1, "4.22 replaces the pair")
	assert.Equal(t, kp2.ID, keys[0].ID)
	assert.Equal(t, kp2.APIKey, keys[0].APIKey)
	assert.True(t, kp2.SecretKey.Equal(keys[0].SecretKey), "Secrets compare with Equal, not reflect.DeepEqual")
	_, ok = srv.GenerateKeys("nobody")
	assert.False(t, ok)
	assert.Len(t, srv.Users(), 3)
	assert.Equal(t, 3, srv.KeysGenerated())
}

// TestPostAllowed is ApiServlet.isStateChangingCommandUsingPOST, case by
// case (shwstppr/cloudstack @c4224f3, the code of apache/cloudstack PR
// #10899).
func TestPostAllowed(t *testing.T) {
	t.Parallel()
	cases := []struct {
		cmd, method string
		p           params
		ok          bool
	}{
		{"listUsers", "GET", nil, true},
		{"getUserKeys", "GET", nil, true},
		{"queryAsyncJobResult", "GET", nil, true},
		{"findHostsForMigration", "GET", nil, true},
		{"ListUsers", "GET", nil, true}, // matched on the lowercased name
		{"list", "GET", nil, false},     // the pattern needs a word after the verb
		{"quotaBalance", "GET", nil, true},
		{"readyForShutdown", "GET", nil, true},
		{"registerUserKeys", "GET", nil, false},
		{"registerUserKeys", "POST", nil, true},
		{"registerUserKeys", "post", nil, false}, // method.equals("POST")
		{"updateUser", "GET", nil, false},
		{"deleteUserKeys", "PUT", nil, false},
		{"updateConfiguration", "GET", nil, false},
		{"updateConfiguration", "GET", params{"name": "Enforce.Post.Requests.And.Timestamps"}, true},
		{"updateConfiguration", "GET", params{"name": "other.setting"}, false},
		{"updateConfiguration", "POST", params{"name": "other.setting"}, true},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.ok, postAllowed(tc.cmd, tc.method, tc.p), "%s %s %v", tc.method, tc.cmd, tc.p)
	}
	assert.Equal(t, "Changes for configuration other.setting needs to be sent using POST request",
		postRequired("updateConfiguration", params{"name": "other.setting"}).text)
	assert.Equal(t, "State changing command updateUser needs to be sent using POST request", postRequired("updateUser", nil).text)
}
