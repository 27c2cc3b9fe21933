package cloudstack_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/internal/cloudstackwire"
)

const (
	mockURL = "https://cs.example.com/client/api"
	mockAK  = "AK-test"
	mockSK  = "SK-test"
)

var mockNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

type captured struct {
	Method, RawQuery, Body string
	Header                 http.Header
}

type wire struct {
	mu   sync.Mutex
	reqs []captured
	mock *httpmock.MockTransport
}

func (w *wire) last(t *testing.T) captured {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	require.NotEmpty(t, w.reqs)
	return w.reqs[len(w.reqs)-1]
}

// newWire returns a client whose HTTP goes to httpmock; each method answers
// with the bodies given, in order (the last one repeats).
func newWire(t *testing.T, creds cloudstack.Credentials, bodies ...string) (*cloudstack.Client, *wire) {
	t.Helper()
	w := &wire{mock: httpmock.NewMockTransport()}
	n := 0
	responder := func(r *http.Request) (*http.Response, error) {
		var b []byte
		if r.Body != nil {
			b, _ = io.ReadAll(r.Body)
		}
		w.mu.Lock()
		w.reqs = append(w.reqs, captured{Method: r.Method, RawQuery: r.URL.RawQuery, Body: string(b), Header: r.Header.Clone()})
		body := bodies[min(n, len(bodies)-1)]
		n++
		w.mu.Unlock()
		resp := httpmock.NewStringResponse(200, body)
		resp.Header.Set("Content-Type", "application/json; charset=UTF-8")
		if strings.Contains(body, `"loginresponse"`) {
			resp.Header.Add("Set-Cookie", "JSESSIONID=JSID123456; Path=/client; HttpOnly")
			resp.Header.Add("Set-Cookie", "sessionkey=SESSKEY12345; HttpOnly")
		}
		return resp, nil
	}
	w.mock.RegisterResponder(http.MethodGet, mockURL, responder)
	w.mock.RegisterResponder(http.MethodPost, mockURL, responder)
	c, err := cloudstack.New(mockURL, creds, cloudkeys.WithHTTPClient(&http.Client{Transport: w.mock}),
		cloudkeys.WithClock(func() time.Time { return mockNow }), fastRetry, cloudstack.WithPollInterval(time.Millisecond))
	require.NoError(t, err)
	return c, w
}

// signed returns the exact encoded parameters the client must send for
// params plus the API-key fields, signature last.
func signed(params url.Values) string {
	p := url.Values{}
	for k, v := range params {
		p[k] = v
	}
	p.Set("apikey", mockAK)
	p.Set("response", "json")
	p.Set("signatureversion", "3")
	p.Set("expires", "2026-01-02T03:09:05+0000")
	return sortedEncode(p) + "&signature=" + cloudstackwire.EncodeValue(cloudstackwire.Sign(p, mockSK))
}

func sortedEncode(p url.Values) string {
	// url.Values.Encode sorts by name; convert its "+" and "~" / "*" to the
	// Java forms the client uses.
	s := p.Encode()
	s = strings.ReplaceAll(s, "+", "%20")
	s = strings.ReplaceAll(s, "~", "%7E")
	s = strings.ReplaceAll(s, "%2A", "*")
	return s
}

func TestWireReads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tr := true
	cases := []struct {
		name   string
		answer string
		run    func(c *cloudstack.Client) error
		params url.Values
	}{
		{"listCapabilities", `{"listcapabilitiesresponse":{"capability":{"cloudstackversion":"4.22.1.0"}}}`,
			func(c *cloudstack.Client) error { _, err := c.ListCapabilities(ctx); return err },
			url.Values{"command": {"listCapabilities"}}},
		{"getUserKeys", `{"getuserkeysresponse":{"userkeys":{"apikey":"a","secretkey":"s","apikeyaccess":true}}}`,
			func(c *cloudstack.Client) error {
				_, err := c.GetUserKeys(ctx, "3988a617-a622-11f1-a89d-ee147cfcbd84")
				return err
			},
			url.Values{"command": {"getUserKeys"}, "id": {"3988a617-a622-11f1-a89d-ee147cfcbd84"}}},
		{"getUser", `{"getuserresponse":{"user":{"id":"u1","apikey":"k~1"}}}`,
			func(c *cloudstack.Client) error { _, err := c.GetUserByAPIKey(ctx, "k~1*"); return err },
			url.Values{"command": {"getUser"}, "userapikey": {"k~1*"}}},
		{"listUsers", `{"listusersresponse":{}}`,
			func(c *cloudstack.Client) error {
				_, err := collect(c.ListUsers(ctx, cloudstack.ListUsersOptions{Keyword: "John Smith", ListAll: &tr, PageSize: 10}))
				return err
			},
			url.Values{"command": {"listUsers"}, "keyword": {"John Smith"}, "listall": {"true"}, "page": {"1"}, "pagesize": {"10"}}},
		{"listUserKeys", `{"listuserkeysresponse":{}}`,
			func(c *cloudstack.Client) error {
				_, err := collect(c.ListUserKeys(ctx, cloudstack.ListUserKeysOptions{UserID: "u1", ShowPermissions: &tr}))
				return err
			},
			url.Values{"command": {"listUserKeys"}, "userid": {"u1"}, "showpermissions": {"true"}, "page": {"1"}, "pagesize": {"500"}}},
		{"listUserKeyRules", `{"listuserkeyrulesresponse":{"keypermission":[{"rule":"list*","permission":"allow"}]}}`,
			func(c *cloudstack.Client) error { _, err := c.ListUserKeyRules(ctx, "kp1"); return err },
			url.Values{"command": {"listUserKeyRules"}, "id": {"kp1"}}},
		{"queryAsyncJobResult", `{"queryasyncjobresultresponse":{"jobid":"j1","jobstatus":0}}`,
			func(c *cloudstack.Client) error { _, err := c.QueryAsyncJobResult(ctx, "j1"); return err },
			url.Values{"command": {"queryAsyncJobResult"}, "jobid": {"j1"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, w := newWire(t, cloudstack.APIKey(mockAK, mockSK), tc.answer)
			require.NoError(t, tc.run(c))
			r := w.last(t)
			assert.Equal(t, http.MethodGet, r.Method)
			assert.Equal(t, signed(tc.params), r.RawQuery)
			assert.Empty(t, r.Body)
			assert.Empty(t, r.Header.Get("Content-Type"))
			assert.Contains(t, r.Header.Get("User-Agent"), "cloudkeys-go/")
		})
	}
}

func TestWireWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	start := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		answers []string
		run     func(c *cloudstack.Client) error
		params  url.Values
	}{
		{"registerUserKeys 4.22", []string{`{"registeruserkeysresponse":{"userkeys":{"apikey":"a","secretkey":"s"}}}`},
			func(c *cloudstack.Client) error {
				_, err := c.RegisterUserKeys(ctx, cloudstack.RegisterUserKeysRequest{ID: "u1"})
				return err
			},
			url.Values{"command": {"registerUserKeys"}, "id": {"u1"}}},
		{"registerUserKeys 4.23", []string{`{"registeruserkeysresponse":{"jobid":"j1","id":"kp1"}}`,
			`{"queryasyncjobresultresponse":{"jobid":"j1","jobstatus":1,"jobresulttype":"object","jobresult":{"userkeys":{"id":"kp1","apikey":"a","secretkey":"s"}}}}`},
			func(c *cloudstack.Client) error {
				kp, err := c.RegisterUserKeys(ctx, cloudstack.RegisterUserKeysRequest{ID: "u1", Name: "ci key", Description: "a~b",
					StartDate: start, EndDate: start.Add(24 * time.Hour),
					Rules: []cloudstack.KeyRule{{Rule: "list*", Permission: "Allow", Description: "reads"}, {Rule: "*", Permission: "deny"}}})
				if err == nil && kp.ID != "kp1" {
					t.Errorf("id %q", kp.ID)
				}
				return err
			},
			url.Values{"command": {"registerUserKeys"}, "id": {"u1"}, "name": {"ci key"}, "description": {"a~b"},
				"startdate": {"2026-02-01T00:00:00+0000"}, "enddate": {"2026-02-02T00:00:00+0000"},
				"rules[0].rule": {"list*"}, "rules[0].permission": {"allow"}, "rules[0].description": {"reads"},
				"rules[1].rule": {"*"}, "rules[1].permission": {"deny"}}},
		{"deleteUserKeys", []string{`{"deleteuserkeysresponse":{"jobid":"j2"}}`,
			`{"queryasyncjobresultresponse":{"jobid":"j2","jobstatus":1,"jobresult":{"success":true}}}`},
			func(c *cloudstack.Client) error { return c.DeleteUserKeys(ctx, "kp1") },
			url.Values{"command": {"deleteUserKeys"}, "keypairid": {"kp1"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, w := newWire(t, cloudstack.APIKey(mockAK, mockSK), tc.answers...)
			require.NoError(t, tc.run(c))
			w.mu.Lock()
			r := w.reqs[0]
			w.mu.Unlock()
			assert.Equal(t, http.MethodPost, r.Method)
			assert.Empty(t, r.RawQuery)
			assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
			assert.Equal(t, signed(tc.params), r.Body)
			if len(tc.answers) > 1 {
				poll := w.last(t)
				assert.Equal(t, http.MethodGet, poll.Method)
				assert.Contains(t, poll.RawQuery, "command=queryAsyncJobResult")
			}
		})
	}
}

func TestWireLoginAndSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, w := newWire(t, cloudstack.Login("admin", "p&ss word~", "/acme"),
		`{"loginresponse":{"username":"admin","userid":"u1","timeout":"1800","sessionkey":"SESSKEY12345","type":"1"}}`,
		`{"getuserkeysresponse":{"userkeys":{}}}`)
	lr, err := c.Login(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1800, lr.Timeout)
	r := w.last(t)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "command=login&domain=%2Facme&password=p%26ss%20word%7E&response=json&username=admin", r.Body)
	assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))

	_, err = c.GetUserKeys(ctx, "u1")
	require.NoError(t, err)
	r = w.last(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "command=getUserKeys&id=u1&response=json&sessionkey=SESSKEY12345", r.RawQuery)
	assert.Equal(t, "JSESSIONID=JSID123456; sessionkey=SESSKEY12345", r.Header.Get("Cookie"))
}

func TestWireIntegrationPort(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, w := newWire(t, cloudstack.IntegrationPort(), `{"registeruserkeysresponse":{"userkeys":{"apikey":"a","secretkey":"s"}}}`)
	_, err := c.RegisterUserKeys(ctx, cloudstack.RegisterUserKeysRequest{ID: "u 1"})
	require.NoError(t, err)
	r := w.last(t)
	assert.Equal(t, http.MethodGet, r.Method, "the integration port reads only the query")
	assert.Equal(t, "command=registerUserKeys&id=u%201&response=json", r.RawQuery)
	assert.Empty(t, r.Body)
}

func TestWireAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Paging: stops on a short page, even though count (4.23 bug) is larger.
	c, w := newWire(t, cloudstack.APIKey(mockAK, mockSK),
		`{"listuserkeysresponse":{"count":99,"userapikey":[{"id":"1"},{"id":"2"}]}}`,
		`{"listuserkeysresponse":{"count":99,"userapikey":[{"id":"3"}]}}`)
	got, err := collect(c.ListUserKeys(ctx, cloudstack.ListUserKeysOptions{PageSize: 2}))
	require.NoError(t, err)
	assert.Len(t, got, 3)
	w.mu.Lock()
	assert.Len(t, w.reqs, 2)
	w.mu.Unlock()

	// Dates in CloudStack's format.
	c, _ = newWire(t, cloudstack.APIKey(mockAK, mockSK),
		`{"listuserkeysresponse":{"count":1,"userapikey":[{"uuid":"x","created":"2026-08-20T08:51:52-0300","enddate":"2026-09-20T08:51:52-0300","accounttype":"DOMAIN_ADMIN"}]}}`)
	got, err = collect(c.ListUserKeys(ctx, cloudstack.ListUserKeysOptions{}))
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "x", got[0].ID)
	assert.Equal(t, time.Date(2026, 8, 20, 11, 51, 52, 0, time.UTC), got[0].Created.UTC())
	assert.Equal(t, "DOMAIN_ADMIN", got[0].AccountType)

	// A non-JSON 200 is an error, not a panic.
	c, _ = newWire(t, cloudstack.APIKey(mockAK, mockSK), `<html>oops</html>`)
	_, err = c.ListCapabilities(ctx)
	require.Error(t, err)

	// A failed job with a text result.
	c, _ = newWire(t, cloudstack.APIKey(mockAK, mockSK), `{"deleteuserkeysresponse":{"jobid":"j"}}`,
		`{"queryasyncjobresultresponse":{"jobid":"j","jobstatus":2,"jobresultcode":530,"jobresulttype":"text","jobresult":"it broke"}}`)
	err = c.DeleteUserKeys(ctx, "kp")
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "it broke", ae.Message)

	// Bad input never reaches the wire.
	c, w = newWire(t, cloudstack.APIKey(mockAK, mockSK), `{}`)
	_, err = c.GetUserKeys(ctx, "")
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	require.ErrorIs(t, c.DeleteUserKeys(ctx, ""), cloudkeys.ErrInvalidRequest)
	_, err = c.GetKey(ctx, "")
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	assert.Equal(t, 0, w.mock.GetTotalCallCount())
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		endpoint string
		creds    cloudstack.Credentials
		field    string
	}{
		{mockURL, cloudstack.APIKey("", "s"), "apiKey"},
		{mockURL, cloudstack.APIKey("a", ""), "secretKey"},
		{mockURL, cloudstack.Login("", "p", ""), "username"},
		{mockURL, cloudstack.Login("u", "", ""), "password"},
		{mockURL, cloudstack.Credentials{}, "creds"},
		{"ftp://x/client/api", cloudstack.IntegrationPort(), "endpoint"},
	} {
		_, err := cloudstack.New(tc.endpoint, tc.creds)
		var ie *cloudkeys.InvalidInputError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, tc.field, ie.Field)
	}
	assert.Equal(t, "[REDACTED]", cloudstack.APIKey("a", "b").String())
}
