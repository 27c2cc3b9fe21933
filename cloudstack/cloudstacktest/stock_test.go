package cloudstacktest_test

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // the server's algorithm
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

// goSign signs like apache/cloudstack-go's newRawRequest / cloudmonkey's
// NewAPIRequest: names sorted with sort.Strings, values url.QueryEscape'd
// with "+"→"%20" and "%2A"→"*", the whole string lowercased, HMAC-SHA1,
// standard Base64 — an implementation independent of the fake's verifier.
// The encoded query keeps the names as given (cloudstack-go sends "apiKey").
func goSign(p url.Values, secret string) string {
	names := make([]string, 0, len(p))
	for n := range p {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, n := range names {
		v := url.QueryEscape(p.Get(n))
		v = strings.ReplaceAll(strings.ReplaceAll(v, "+", "%20"), "%2A", "*")
		parts = append(parts, n+"="+v)
	}
	q := strings.Join(parts, "&")
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(strings.ToLower(q)))
	return q + "&signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(mac.Sum(nil)))
}

// answer is a decoded reply: status, the envelope's name and its inside.
type answer struct {
	status   int
	name     string
	body     map[string]any
	describe string // X-Description
}

func (a answer) errorText() string { s, _ := a.body["errortext"].(string); return s }
func (a answer) errorCode() float64 {
	f, _ := a.body["errorcode"].(float64)
	return f
}

// client sends hand-built requests to a fake.
type client struct {
	t   *testing.T
	srv *cloudstacktest.Server
	hc  *http.Client
}

func newClient(t *testing.T, opts ...cloudstacktest.Option) *client {
	t.Helper()
	srv := cloudstacktest.NewServer(append([]cloudstacktest.Option{cloudstacktest.WithInMemory()}, opts...)...)
	t.Cleanup(srv.Close)
	return &client{t: t, srv: srv, hc: &http.Client{Transport: srv.Transport()}}
}

// send sends query (GET) or body (POST, form).
func (c *client) send(method, query, body string) answer {
	c.t.Helper()
	var rd io.Reader
	if method == http.MethodPost {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.srv.APIURL()+"?"+query, rd)
	require.NoError(c.t, err)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.hc.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	var env map[string]map[string]any
	require.NoError(c.t, json.Unmarshal(raw, &env), string(raw))
	require.Len(c.t, env, 1, string(raw))
	a := answer{status: resp.StatusCode, describe: resp.Header.Get("X-Description")}
	for k, v := range env {
		a.name, a.body = k, v
	}
	return a
}

// signed returns the query of a request signed with the admin's keys the
// way cloudstack-go signs; extra are added first (signatureversion,
// expires, …).
func (c *client) signed(command string, extra url.Values) string {
	p := url.Values{"command": {command}, "apiKey": {c.srv.AdminAPIKey()}, "response": {"json"}}
	for k, v := range extra {
		p[k] = v
	}
	return goSign(p, c.srv.AdminSecretKey().Reveal())
}

func (c *client) expires(d time.Duration) string {
	return c.srv.Now().Add(d).UTC().Format("2006-01-02T15:04:05-0700")
}

// TestStockServerAndEnforcement: what enforce.post.requests.and.timestamps
// gates, request by request, on a stock fake (the default) and on one with
// WithEnforcement. Sources: apache/cloudstack ApiServer.java @02182a1
// (ConfigKey default "false"; verifyRequest) and ApiServlet.java as of PR
// #10899 (shwstppr/cloudstack @c4224f3, processRequestInContext,
// isStateChangingCommandUsingPOST).
func TestStockServerAndEnforcement(t *testing.T) {
	t.Parallel()
	const bad = "unable to verify user credentials and/or request signature"
	type want struct {
		status int
		text   string
		name   string
	}
	cases := []struct {
		name     string
		source   string
		method   string
		build    func(c *client) string
		stock    want
		enforced want
	}{
		{"cloudstack-go v2.16.1 style: no signatureversion, no expires (GET listUsers)",
			"verifyRequest: the version is checked only when enforced", http.MethodGet,
			func(c *client) string { return c.signed("listUsers", nil) },
			want{200, "", "listusersresponse"}, want{401, bad, "listusersresponse"}},
		{"no signatureversion, expires in the past: ignored unless enforced",
			"verifyRequest: expires is read only with signatureversion 3", http.MethodGet,
			func(c *client) string { return c.signed("listUsers", url.Values{"expires": {c.expires(-time.Hour)}}) },
			want{200, "", "listusersresponse"}, want{401, bad, "listusersresponse"}},
		{"signatureversion 3, expires in the past: refused either way",
			"verifyRequest: expiresTS.before(now)", http.MethodGet,
			func(c *client) string {
				return c.signed("listUsers", url.Values{"signatureversion": {"3"}, "expires": {c.expires(-time.Minute)}})
			},
			want{401, bad, "listusersresponse"}, want{401, bad, "listusersresponse"}},
		{"signatureversion 3, expires an hour ahead: refused only when enforced",
			"verifyRequest: the 15-minute threshold applies when enforced", http.MethodGet,
			func(c *client) string {
				return c.signed("listUsers", url.Values{"signatureversion": {"3"}, "expires": {c.expires(time.Hour)}})
			},
			want{200, "", "listusersresponse"}, want{401, bad, "listusersresponse"}},
		{"signatureversion 3 without expires: refused either way",
			"verifyRequest: Missing Expires parameter", http.MethodGet,
			func(c *client) string { return c.signed("listUsers", url.Values{"signatureversion": {"3"}}) },
			want{401, bad, "listusersresponse"}, want{401, bad, "listusersresponse"}},
		{"a Node client sending every command as GET: registerUserKeys",
			"ApiServlet: isStateChangingCommandUsingPOST, ApiErrorCode.BAD_REQUEST", http.MethodGet,
			func(c *client) string {
				u := c.srv.AddUser(cloudstacktest.UserSpec{Username: "node"})
				return c.signed("registerUserKeys", url.Values{"id": {u.ID}, "signatureversion": {"3"}, "expires": {c.expires(time.Minute)}})
			},
			want{200, "", "registeruserkeysresponse"},
			want{400, "State changing command registerUserKeys needs to be sent using POST request", "registeruserkeysresponse"}},
		{"updateUser as GET",
			"ApiServlet: every command not named get*/list*/query*/find* is state-changing", http.MethodGet,
			func(c *client) string {
				return c.signed("updateUser", url.Values{"id": {c.srv.AdminID()}, "signatureversion": {"3"}, "expires": {c.expires(time.Minute)}})
			},
			want{200, "", "updateuserresponse"},
			want{400, "State changing command updateUser needs to be sent using POST request", "updateuserresponse"}},
		{"the method check comes before authentication",
			"ApiServlet: the check precedes verifyRequest", http.MethodGet,
			func(c *client) string { return "command=registerUserKeys&id=x&response=json" },
			want{401, bad, "registeruserkeysresponse"},
			want{400, "State changing command registerUserKeys needs to be sent using POST request", "registeruserkeysresponse"}},
		{"reads stay GET: listApis",
			"ApiServlet: GET_REQUEST_COMMANDS ^(get|list|query|find)(\\w+)+$", http.MethodGet,
			func(c *client) string {
				return c.signed("listApis", url.Values{"name": {"listApis"}, "signatureversion": {"3"}, "expires": {c.expires(time.Minute)}})
			},
			want{200, "", "listapisresponse"}, want{200, "", "listapisresponse"}},
		{"reads stay GET: getUserKeys",
			"ApiServlet: GET_REQUEST_COMMANDS", http.MethodGet,
			func(c *client) string {
				return c.signed("getUserKeys", url.Values{"id": {c.srv.AdminID()}, "signatureversion": {"3"}, "expires": {c.expires(time.Minute)}})
			},
			want{200, "", "getuserkeysresponse"}, want{200, "", "getuserkeysresponse"}},
		{"an unknown state-changing command: errorresponse",
			"getSerializedApiError: no command class, errorresponse", http.MethodGet,
			func(c *client) string {
				return c.signed("frobnicate", url.Values{"signatureversion": {"3"}, "expires": {c.expires(time.Minute)}})
			},
			want{432, "", "errorresponse"}, // the fake's unknown command (a signed one is a 401 on a real server)
			want{400, "State changing command frobnicate needs to be sent using POST request", "errorresponse"}},
	}
	for _, tc := range cases {
		for _, mode := range []struct {
			name string
			opts []cloudstacktest.Option
			want want
		}{{"stock", nil, tc.stock}, {"enforced", []cloudstacktest.Option{cloudstacktest.WithEnforcement()}, tc.enforced}} {
			t.Run(tc.name+"/"+mode.name, func(t *testing.T) {
				t.Parallel()
				c := newClient(t, mode.opts...)
				a := c.send(tc.method, tc.build(c), "")
				assert.Equal(t, mode.want.status, a.status, "%s: %v", tc.source, a.body)
				assert.Equal(t, mode.want.name, a.name)
				if mode.want.text != "" {
					assert.Equal(t, mode.want.text, a.errorText())
					assert.InDelta(t, mode.want.status, a.errorCode(), 0)
				}
				if mode.want.status == 400 {
					assert.InDelta(t, 9999, a.body["cserrorcode"], 0, "a ServerApiException's cserrorcode")
				}
			})
		}
	}
}

// TestLogoutIsNotMethodChecked: ApiServlet answers logout (an API
// authenticator) before the POST check.
func TestLogoutIsNotMethodChecked(t *testing.T) {
	t.Parallel()
	c := newClient(t, cloudstacktest.WithEnforcement())
	assert.NotEqual(t, 400, c.send(http.MethodGet, "command=logout&response=json", "").status)
}

// TestWithoutEnforcementIsTheDefault: the deprecated option still compiles
// and gives the stock behaviour, and undoes an earlier WithEnforcement.
func TestWithoutEnforcementIsTheDefault(t *testing.T) {
	t.Parallel()
	for _, opts := range [][]cloudstacktest.Option{
		{cloudstacktest.WithoutEnforcement()},
		{cloudstacktest.WithEnforcement(), cloudstacktest.WithoutEnforcement()},
	} {
		c := newClient(t, opts...)
		assert.Equal(t, 200, c.send(http.MethodGet, c.signed("listUsers", nil), "").status)
	}
}

// TestControlCharacters: ApiServer.checkCharacterInkParams (apache/cloudstack
// ApiServer.java @02182a1), run by handleRequest after verifyRequest,
// enforced or not: CONTROL_CHARACTERS = [\000-\011\013-\014\016-\037\177],
// every parameter but activationrule, 431 with X-Description.
func TestControlCharacters(t *testing.T) {
	t.Parallel()
	const msg = "Received value containing illegal ASCII non-printable characters for parameter "
	cases := []struct {
		name, command, param, value string
		status                      int
		envelope                    string
	}{
		{"TAB in a keyword", "listUsers", "keyword", "a\tb", 431, "listusersresponse"},
		{"NUL", "listUsers", "keyword", "a\x00b", 431, "listusersresponse"},
		{"vertical tab", "listUsers", "keyword", "\x0b", 431, "listusersresponse"},
		{"form feed", "listUsers", "keyword", "\x0c", 431, "listusersresponse"},
		{"unit separator", "listUsers", "keyword", "\x1f", 431, "listusersresponse"},
		{"DEL", "listUsers", "keyword", "x\x7f", 431, "listusersresponse"},
		{"LF is allowed (the pattern skips \\012)", "listUsers", "keyword", "a\nb", 200, "listusersresponse"},
		{"CR is allowed (the pattern skips \\015)", "listUsers", "keyword", "a\rb", 200, "listusersresponse"},
		{"a parameter the command does not have is checked too", "listUsers", "nonsense", "\t", 431, "listusersresponse"},
		{"activationrule is exempt", "listUsers", "activationrule", "\t", 200, "listusersresponse"},
		{"an unknown command: checked before the 432", "frobnicate", "x", "\t", 431, "errorresponse"},
		{"in a key set by updateUser", "updateUser", "usersecretkey", "s3cr\tt", 431, "updateuserresponse"},
		{"non-ASCII is fine", "listUsers", "keyword", "café 日本", 200, "listusersresponse"},
	}
	for _, tc := range cases {
		for _, mode := range []struct {
			name string
			opts []cloudstacktest.Option
		}{{"stock", nil}, {"enforced", []cloudstacktest.Option{cloudstacktest.WithEnforcement()}}} {
			t.Run(tc.name+"/"+mode.name, func(t *testing.T) {
				t.Parallel()
				c := newClient(t, mode.opts...)
				p := url.Values{tc.param: {tc.value}, "signatureversion": {"3"}, "expires": {c.expires(time.Minute)}}
				if tc.command == "updateUser" {
					p.Set("id", c.srv.AdminID())
					p.Set("userapikey", "k")
				}
				method := http.MethodGet
				q, body := c.signed(tc.command, p), ""
				if !strings.HasPrefix(tc.command, "list") { // state-changing: POST, as enforcement wants
					method, q, body = http.MethodPost, "", q
				}
				a := c.send(method, q, body)
				require.Equal(t, tc.status, a.status, "%v", a.body)
				assert.Equal(t, tc.envelope, a.name)
				if tc.status == 431 {
					assert.Equal(t, msg+tc.param, a.errorText())
					assert.Equal(t, msg+tc.param, a.describe)
					assert.InDelta(t, 9999, a.body["cserrorcode"], 0)
				}
			})
		}
	}
	t.Run("a bad signature is a 401 first", func(t *testing.T) {
		t.Parallel()
		c := newClient(t)
		q := c.signed("listUsers", url.Values{"keyword": {"\t"}})
		assert.Equal(t, 401, c.send(http.MethodGet, q+"&page=1", "").status)
	})
	t.Run("integration port", func(t *testing.T) {
		t.Parallel()
		c := newClient(t, cloudstacktest.WithIntegrationPort())
		a := c.send(http.MethodGet, "command=listUsers&keyword=%09&response=json", "")
		assert.Equal(t, 431, a.status)
		assert.Equal(t, msg+"keyword", a.errorText())
	})
}

// TestListApis: listApis as the API Discovery plugin answers it
// (ListApisCmd, ApiDiscoveryServiceImpl.listApis, ApiDiscoveryResponse).
func TestListApis(t *testing.T) {
	t.Parallel()
	names := func(a answer) []string {
		var out []string
		for _, x := range a.body["api"].([]any) {
			out = append(out, x.(map[string]any)["name"].(string))
		}
		return out
	}
	get := func(c *client, extra url.Values) answer {
		return c.send(http.MethodGet, c.signed("listApis", extra), "")
	}
	t.Run("4.22: every command the fake has", func(t *testing.T) {
		t.Parallel()
		c := newClient(t)
		a := get(c, nil)
		require.Equal(t, 200, a.status, "%v", a.body)
		got := names(a)
		assert.InDelta(t, len(got), a.body["count"], 0)
		for _, n := range []string{"listApis", "listUsers", "getUser", "getUserKeys", "registerUserKeys", "updateUser", "listCapabilities", "queryAsyncJobResult", "login", "logout"} {
			assert.Contains(t, got, n)
		}
		assert.NotContains(t, got, "listUserKeys", "a 4.23 command")
	})
	t.Run("4.23: the key-pair commands", func(t *testing.T) {
		t.Parallel()
		c := newClient(t, cloudstacktest.WithVersion("4.23.0.0"))
		got := names(get(c, nil))
		for _, n := range []string{"listUserKeys", "deleteUserKeys", "listUserKeyRules", "registerUserKeys"} {
			assert.Contains(t, got, n)
		}
		a := get(c, url.Values{"name": {"registerUserKeys"}})
		api := a.body["api"].([]any)[0].(map[string]any)
		assert.Equal(t, true, api["isasync"], "RegisterUserKeysCmd is a BaseAsyncCmd")
	})
	t.Run("name=updateUser", func(t *testing.T) {
		t.Parallel()
		c := newClient(t)
		a := get(c, url.Values{"name": {"updateUser"}})
		require.Equal(t, 200, a.status)
		assert.InDelta(t, 1, a.body["count"], 0)
		api := a.body["api"].([]any)[0].(map[string]any)
		assert.Equal(t, "updateUser", api["name"])
		assert.Equal(t, "Updates a user account", api["description"])
		assert.Equal(t, false, api["isasync"])
		assert.NotContains(t, api, "since", "Gson leaves out a null since")
		params := map[string]map[string]any{}
		for _, x := range api["params"].([]any) {
			m := x.(map[string]any)
			params[m["name"].(string)] = m
		}
		require.Contains(t, params, "userapikey")
		require.Contains(t, params, "usersecretkey")
		assert.Equal(t, map[string]any{"name": "id", "description": "User uuid", "type": "uuid", "length": float64(255), "required": true,
			"related": "getUser,listUsers,updateUser"}, params["id"])
		assert.Equal(t, "The secret key for the user. Must be specified with userApiKey", params["usersecretkey"]["description"])
		assert.Equal(t, false, params["usersecretkey"]["required"])
		assert.NotEmpty(t, api["response"])
	})
	t.Run("name is matched exactly", func(t *testing.T) {
		t.Parallel()
		c := newClient(t)
		for _, n := range []string{"updateuser", "nosuchcommand"} {
			a := get(c, url.Values{"name": {n}})
			assert.Equal(t, 530, a.status)
			assert.Equal(t, "Api Discovery plugin was unable to find an api by that name or process any apis", a.errorText())
			assert.Equal(t, "listapisresponse", a.name)
		}
	})
	t.Run("a user may call it", func(t *testing.T) {
		t.Parallel()
		c := newClient(t)
		u := c.srv.AddUser(cloudstacktest.UserSpec{Username: "lister"})
		kp, ok := c.srv.GenerateKeys(u.ID)
		require.True(t, ok)
		q := goSign(url.Values{"command": {"listApis"}, "apiKey": {kp.APIKey}, "response": {"json"}, "name": {"getUserKeys"}}, kp.SecretKey.Reveal())
		a := c.send(http.MethodGet, q, "")
		require.Equal(t, 200, a.status)
		assert.Equal(t, "4.10.0", a.body["api"].([]any)[0].(map[string]any)["since"])
	})
}
