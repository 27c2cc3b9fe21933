package e24

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

func TestCheckAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		body     string
		ok       bool
		wantCode int
		code     string
		msg      string
		sentinel error
		bad      string // the problem of a *transport.BadAnswer (a 2xx that cannot be read)
	}{
		{name: "success", status: 200, body: `{"success":true}`, ok: true},
		{name: "success string", status: 200, body: `{"success":"true","x":1}`, ok: true},
		{name: "200 success false", status: 200, body: `{"success":false,"error":"nope"}`, msg: "nope"},
		{name: "200 success false, no message", status: 200, body: `{"success":false}`, msg: `answer has no "success": true`},
		{name: "200 neither success nor error", status: 200, body: `{"account":{}}`, bad: `neither "success" nor an error in the answer`},
		{name: "200 not json", status: 200, body: `<html>oops</html>`, bad: "invalid JSON at offset 1"},
		{name: "200 PHP notice after the JSON", status: 200, body: `{"success":true,"api":[{"api_key":"K","secret_key":"S"}]}` + "\n<br />\n<b>Notice</b>: Undefined index", bad: "invalid JSON at offset 59"},
		{name: "200 json array", status: 200, body: `[1]`, bad: "unexpected JSON array"},
		{name: "401 string error", status: 401, body: `{"success":false,"error":"invalid signature"}`, wantCode: 401, msg: "invalid signature", sentinel: cloudkeys.ErrUnauthorized},
		{name: "404 object error", status: 404, body: `{"success":false,"error":{"code":42,"message":"gone"}}`, wantCode: 404, code: "42", msg: "gone", sentinel: cloudkeys.ErrNotFound},
		{name: "400 message and errors", status: 400, body: `{"success":false,"message":"bad","errors":["a",{"message":"b"}]}`, wantCode: 400, msg: "bad; a; b", sentinel: cloudkeys.ErrInvalidRequest},
		{name: "500 html", status: 500, body: "<html><body><h1>502 Bad Gateway</h1></body></html>", wantCode: 500, msg: "502 Bad Gateway", sentinel: cloudkeys.ErrServer},
		{name: "403 empty", status: 403, body: "", wantCode: 403, sentinel: cloudkeys.ErrForbidden},
		{name: "409 code field", status: 409, body: `{"success":false,"code":"dup"}`, wantCode: 409, code: "dup", sentinel: cloudkeys.ErrConflict},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := testClient(t).checkAnswer(&transport.Request{}, &transport.Response{StatusCode: tc.status, Body: []byte(tc.body)})
			if tc.ok {
				require.NoError(t, err)
				return
			}
			if tc.bad != "" {
				var ba *transport.BadAnswer
				require.ErrorAs(t, err, &ba)
				assert.Equal(t, tc.bad, ba.Problem)
				assert.NotContains(t, err.Error(), "Notice")
				return
			}
			var ae *cloudkeys.APIError
			require.True(t, errors.As(err, &ae), "%v", err)
			assert.Equal(t, tc.wantCode, ae.StatusCode)
			assert.Equal(t, tc.code, ae.Code)
			if tc.msg != "" {
				assert.Equal(t, tc.msg, ae.Message)
			}
			if tc.sentinel != nil {
				assert.ErrorIs(t, err, tc.sentinel)
			}
		})
	}
}

func TestDecodeAccountLenient(t *testing.T) {
	t.Parallel()
	body := `{"success":true,"account":{"id":7,"name":"A","email":"a@x","phone":null,
	 "notification":{"email":"n@x","phone":"1"},
	 "e24files":{"s3":{"api_id":"S3ID","secret_key":"S3SECRET"},"swift":{"api_id":"SWID","secret_key":"SWSECRET"}},
	 "api":[{"api_key":"K1","secret_key":"SEC1"},{"api_key":12345,"secret_key":null}],
	 "sshkeys":[{"id":"3","name":"ci","fingerprint":"aa:bb"}],
	 "groups":[{"id":12,"name":"g"},{"id":"g2","name":"h"}]}}`
	var out struct {
		Account *Account `json:"account"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &out))
	a := out.Account
	assert.Equal(t, "7", a.ID)
	assert.Equal(t, "n@x", a.Notification.Email)
	assert.Equal(t, "S3SECRET", a.E24Files.S3.SecretKey.Reveal())
	assert.Equal(t, "SWID", a.E24Files.Swift.APIID)
	require.Len(t, a.API, 2)
	assert.Equal(t, "SEC1", a.API[0].SecretKey.Reveal())
	assert.Equal(t, "12345", a.API[1].APIKey)
	assert.True(t, a.API[1].SecretKey.IsZero())
	require.Len(t, a.SSHKeys, 1)
	assert.Equal(t, int64(3), a.SSHKeys[0].ID)
	assert.Equal(t, []Group{{"12", "g"}, {"g2", "h"}}, a.Groups)
	s := fmt.Sprintf("%+v %#v %v", a, a, *a)
	for _, secret := range []string{"S3SECRET", "SWSECRET", "SEC1"} {
		assert.NotContains(t, s, secret)
	}
}

func TestDecodeSSHKeyKeepsExtras(t *testing.T) {
	t.Parallel()
	var out struct {
		SSHKeys oneOrMany[SSHKey] `json:"sshkeys"`
	}
	body := `{"sshkeys":{"id":5,"name":"n","fingerprint":"f","private_key":"-----BEGIN PRIVATE KEY-----X","public_key":"ssh-ed25519 AAAA","weird":{"a":1}}}`
	require.NoError(t, json.Unmarshal([]byte(body), &out))
	require.Len(t, out.SSHKeys, 1)
	k := out.SSHKeys[0]
	assert.Equal(t, int64(5), k.ID)
	assert.Equal(t, "-----BEGIN PRIVATE KEY-----X", k.PrivateKey.Reveal())
	assert.Equal(t, "ssh-ed25519 AAAA", k.PublicKey)
	assert.Equal(t, `{"a":1}`, k.Extra["weird"].Reveal())
	assert.NotContains(t, fmt.Sprintf("%+v", k), "PRIVATE")
}

func TestDecodeUserFilesPending(t *testing.T) {
	t.Parallel()
	for _, files := range []string{`null`, `[]`, `""`, `{}`} {
		var u User
		require.NoError(t, json.Unmarshal([]byte(`{"id":1,"email":"e","api":[],"e24files":`+files+`}`), &u), files)
		assert.Nil(t, u.E24Files, files)
	}
}

func FuzzCheckAnswer(f *testing.F) {
	f.Add(200, []byte(`{"success":true}`))
	f.Add(200, []byte(`{"success":false,"error":{"code":1,"message":"m"}}`))
	f.Add(401, []byte(`{"success":false,"error":"x","errors":[{"message":"y"},"z",3]}`))
	f.Add(502, []byte(`<html>bad gateway</html>`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		err := testClient(t).checkAnswer(&transport.Request{}, &transport.Response{StatusCode: status, Body: body})
		if err == nil && (status < 200 || status > 299) {
			t.Fatalf("status %d accepted", status)
		}
		if err != nil {
			_ = err.Error()
		}
		var ba *transport.BadAnswer
		if errors.As(err, &ba) {
			if status < 200 || status > 299 {
				t.Fatalf("status %d called unreadable: only a success answer can be", status)
			}
			if len(body) >= 8 && strings.Contains(ba.Problem, string(body)) {
				t.Fatalf("the problem quotes the answer: %q", ba.Problem)
			}
		}
	})
}

func FuzzDecodeAccount(f *testing.F) {
	f.Add([]byte(`{"id":"u","api":[{"api_key":"k","secret_key":"s"}],"sshkeys":{"id":1},"groups":[{"id":1}],"e24files":[]}`))
	f.Add([]byte(`{"id":1.5,"sshkeys":[{"id":"x"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var a Account
		if err := json.Unmarshal(b, &a); err != nil {
			_ = err.Error()
		}
		var u User
		_ = json.Unmarshal(b, &u)
		var k SSHKey
		_ = json.Unmarshal(b, &k)
	})
}

// testClient is a client for the tests that call its hooks directly.
func testClient(tb testing.TB) *Client {
	tb.Helper()
	c, err := New("https://e24.example.com", APIKey("test-key", "test-secret-value"))
	require.NoError(tb, err)
	return c
}
