package e24test_test

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/e24/e24test"
	"github.com/cloudkeys/cloudkeys/internal/vectors"
)

// rawRequest sends a hand-signed request to the fake. sign may tamper with
// the inputs of the signature.
func rawRequest(t *testing.T, srv *e24test.Server, method, pathAndQuery, body string, hdr func(h http.Header)) (int, map[string]any) {
	t.Helper()
	key, sec := srv.AdminKey()
	u, err := url.Parse(srv.URL())
	require.NoError(t, err)
	date := srv.Now().UTC().Format(http.TimeFormat)
	req, err := http.NewRequest(method, srv.URL()+pathAndQuery, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Date", date)
	req.Header.Set("Authorization", e24test.Signature(key, sec.Reveal(), method, u.Hostname(), date, pathAndQuery, []byte(body)))
	if hdr != nil {
		hdr(req.Header)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), string(b))
	return resp.StatusCode, m
}

func TestFakeAuthChecks(t *testing.T) {
	t.Parallel()
	srv := e24test.NewServer()
	defer srv.Close()
	key, sec := srv.AdminKey()
	u, _ := url.Parse(srv.URL())

	tests := []struct {
		name   string
		method string
		pq     string
		body   string
		hdr    func(h http.Header)
		status int
	}{
		{name: "valid", method: "GET", pq: "/v2/account", status: 200},
		{name: "valid with query", method: "GET", pq: "/v2/accounts?limit=1&offset=0", status: 200},
		{name: "missing X-Date", method: "GET", pq: "/v2/account", hdr: func(h http.Header) { h.Del("X-Date") }, status: 401},
		{name: "garbage X-Date", method: "GET", pq: "/v2/account", hdr: func(h http.Header) { h.Set("X-Date", "yesterday") }, status: 401},
		{name: "missing Authorization", method: "GET", pq: "/v2/account", hdr: func(h http.Header) { h.Del("Authorization") }, status: 401},
		{name: "scheme word", method: "GET", pq: "/v2/account", hdr: func(h http.Header) { h.Set("Authorization", "HMAC "+h.Get("Authorization")) }, status: 401},
		{name: "no signature", method: "GET", pq: "/v2/account", hdr: func(h http.Header) { h.Set("Authorization", key+":") }, status: 401},
		{name: "wrong Content-Type", method: "GET", pq: "/v2/account", hdr: func(h http.Header) { h.Set("Content-Type", "text/plain") }, status: 400},
		{name: "date changed after signing", method: "GET", pq: "/v2/account", hdr: func(h http.Header) {
			h.Set("X-Date", time.Now().Add(time.Second).UTC().Format(time.RFC1123Z))
		}, status: 401},
		{name: "signed with port", method: "GET", pq: "/v2/account", hdr: func(h http.Header) {
			d := h.Get("X-Date")
			h.Set("Authorization", e24test.Signature(key, sec.Reveal(), "GET", u.Host, d, "/v2/account", nil))
		}, status: 401},
		{name: "query not signed", method: "GET", pq: "/v2/accounts?limit=1&offset=0", hdr: func(h http.Header) {
			d := h.Get("X-Date")
			h.Set("Authorization", e24test.Signature(key, sec.Reveal(), "GET", u.Hostname(), d, "/v2/accounts", nil))
		}, status: 401},
		{name: "path without /v2", method: "GET", pq: "/v2/account", hdr: func(h http.Header) {
			d := h.Get("X-Date")
			h.Set("Authorization", e24test.Signature(key, sec.Reveal(), "GET", u.Hostname(), d, "/account", nil))
		}, status: 401},
		{name: "body not signed", method: "DELETE", pq: "/v2/account/api", body: `{"api_key":"x"}`, hdr: func(h http.Header) {
			d := h.Get("X-Date")
			h.Set("Authorization", e24test.Signature(key, sec.Reveal(), "DELETE", u.Hostname(), d, "/v2/account/api", nil))
		}, status: 401},
		{name: "signed body, unknown key", method: "DELETE", pq: "/v2/account/api", body: `{"api_key":"x"}`, status: 404},
		{name: "trailing comma is not JSON", method: "DELETE", pq: "/v2/account/api", body: `{"api_key":"x",}`, status: 400},
		{name: "unknown path", method: "GET", pq: "/v2/nothing", status: 404},
		{name: "wrong method", method: "POST", pq: "/v2/account/api", body: `{}`, status: 405},
		{name: "ssh id not a number", method: "DELETE", pq: "/v2/account/abc/sshkey", status: 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, m := rawRequest(t, srv, tc.method, tc.pq, tc.body, tc.hdr)
			assert.Equal(t, tc.status, status, m)
			if tc.status == 200 {
				assert.Equal(t, true, m["success"])
			} else {
				assert.Equal(t, false, m["success"])
				assert.NotEmpty(t, m["error"])
			}
		})
	}
}

func TestFakeEnvelopes(t *testing.T) {
	t.Parallel()
	srv := e24test.NewServer()
	defer srv.Close()
	status, m := rawRequest(t, srv, "PUT", "/v2/account/sshkey", `{"name":"ci","method":"generate"}`, nil)
	require.Equal(t, 200, status, m)
	one, ok := m["sshkeys"].(map[string]any)
	require.True(t, ok, "sshkeys is one object")
	assert.EqualValues(t, 1, one["id"])
	status, m = rawRequest(t, srv, "GET", "/v2/account", "", nil)
	require.Equal(t, 200, status)
	acc := m["account"].(map[string]any)
	assert.IsType(t, []any{}, acc["sshkeys"])
	assert.IsType(t, []any{}, acc["api"])
	groups := acc["groups"].([]any)
	assert.IsType(t, float64(0), groups[0].(map[string]any)["id"], "group ids are numbers")
	status, m = rawRequest(t, srv, "PUT", "/v2/account/api", "", nil)
	require.Equal(t, 200, status)
	assert.IsType(t, map[string]any{}, m["api"])
}

func TestFakeFailNextBody(t *testing.T) {
	t.Parallel()
	srv := e24test.NewServer()
	defer srv.Close()
	srv.FailNext(1, 429)
	status, m := rawRequest(t, srv, "GET", "/v2/account", "", nil)
	assert.Equal(t, 429, status)
	assert.Equal(t, map[string]any{"success": false, "error": "Too Many Requests"}, m)
}

func TestFingerprint(t *testing.T) {
	t.Parallel()
	// An ed25519 blob built by hand: string "ssh-ed25519", string key.
	var blob bytes.Buffer
	for _, s := range [][]byte{[]byte("ssh-ed25519"), bytes.Repeat([]byte{1}, 32)} {
		_ = binary.Write(&blob, binary.BigEndian, uint32(len(s)))
		blob.Write(s)
	}
	line := "ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob.Bytes()) + " c"
	typ, got, err := e24test.ParseAuthorizedKey(line)
	require.NoError(t, err)
	assert.Equal(t, "ssh-ed25519", typ)
	assert.Equal(t, blob.Bytes(), got)
	sum := md5.Sum(blob.Bytes())
	want := make([]string, 0, len(sum))
	for _, b := range sum {
		want = append(want, hex.EncodeToString([]byte{b}))
	}
	assert.Equal(t, strings.Join(want, ":"), e24test.Fingerprint(got))

	for _, bad := range []string{"", "ssh-ed25519", "ssh-rsa " + base64.StdEncoding.EncodeToString(blob.Bytes()), "ssh-ed25519 !!!", "ssh-ed25519 AAAA"} {
		_, _, err := e24test.ParseAuthorizedKey(bad)
		assert.Error(t, err, bad)
	}
}

func FuzzParseAuthorizedKey(f *testing.F) {
	f.Add("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB c")
	f.Add("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ== x")
	f.Add("x /////w==")
	f.Fuzz(func(t *testing.T, line string) {
		typ, blob, err := e24test.ParseAuthorizedKey(line)
		if err == nil && (typ == "" && len(blob) < 4) {
			t.Fatal("accepted an empty key")
		}
		if err == nil {
			_ = e24test.Fingerprint(blob)
		}
	})
}

func FuzzSignature(f *testing.F) {
	v := vectors.LoadE24(f)
	for _, c := range v.Cases {
		f.Add(c.Method, c.PathAndQuery, c.Body, v.Secret)
	}
	f.Add("GET", "/v2/account", "", "EXAMPLESECRET")
	f.Add("PUT", "/v2/account/sshkey", `{"name":"ci","method":"generate"}`, "EXAMPLESECRET")
	f.Fuzz(func(t *testing.T, method, pq, body, secret string) {
		a := e24test.Signature("AK", secret, method, "h", "D", pq, []byte(body))
		if !strings.HasPrefix(a, "AK:") || len(a) != 47 {
			t.Fatalf("bad %q", a)
		}
	})
}
