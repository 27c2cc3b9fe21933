package e24

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/internal/transport"
	"github.com/cloudkeys/cloudkeys/internal/vectors"
)

func TestSignatureVectors(t *testing.T) {
	t.Parallel()
	v := vectors.LoadE24(t)
	for _, c := range v.Cases {
		t.Run(c.Method+" "+c.PathAndQuery, func(t *testing.T) {
			got := authorization(v.APIKey, v.Secret, c.Method, v.Host, v.XDate, c.PathAndQuery, []byte(c.Body))
			assert.Equal(t, c.Authorization, got)
		})
	}
}

// TestSignOutgoingVectors drives the whole per-attempt signer (URL parsing,
// host without port, X-Date from Now) to the same known answers.
func TestSignOutgoingVectors(t *testing.T) {
	t.Parallel()
	v := vectors.LoadE24(t)
	now, err := time.Parse(http.TimeFormat, v.XDate)
	require.NoError(t, err)
	for _, port := range []string{"", ":443", ":8443"} {
		for _, c := range v.Cases {
			t.Run(port+c.Method+" "+c.PathAndQuery, func(t *testing.T) {
				u, err := url.Parse("https://" + v.Host + port + c.PathAndQuery)
				require.NoError(t, err)
				o := &transport.Outgoing{Method: c.Method, URL: u, Header: http.Header{}, Body: []byte(c.Body),
					Now: now.In(time.FixedZone("CEST", 2*3600))}
				signOutgoing(v.APIKey, v.Secret, o)
				assert.Equal(t, c.Authorization, o.Header.Get("Authorization"))
				assert.Equal(t, v.XDate, o.Header.Get("X-Date"))
				assert.Equal(t, "application/json", o.Header.Get("Content-Type"))
			})
		}
	}
}

func TestStringToSign(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, pq, body, want string
	}{
		{"empty body ends in newline", "get", "/v2/account", "", "GET\nh\nD\n/v2/account\n"},
		{"query appended", "GET", "/v2/accounts?limit=1&offset=0", "", "GET\nh\nD\n/v2/accounts?limit=1&offset=0\n"},
		{"body verbatim", "DELETE", "/v2/account/api", `{"api_key":"K"}`, "DELETE\nh\nD\n/v2/account/api\n{\"api_key\":\"K\"}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, string(stringToSign(tc.method, "h", "D", tc.pq, []byte(tc.body))))
		})
	}
}

func FuzzAuthorization(f *testing.F) {
	v := vectors.LoadE24(f)
	for _, c := range v.Cases {
		f.Add(c.Method, c.PathAndQuery, c.Body, v.Secret)
	}
	f.Add("DELETE", "/v2/account/api?x=%20+~", "{\"api_key\":\"ż\"}", "")
	f.Fuzz(func(t *testing.T, method, pq, body, secret string) {
		a := authorization("AK", secret, method, "h.example", "Mon, 04 Jul 2016 14:01:02 GMT", pq, []byte(body))
		b := authorization("AK", secret, method, "h.example", "Mon, 04 Jul 2016 14:01:02 GMT", pq, []byte(body))
		if a != b || !strings.HasPrefix(a, "AK:") || len(a) != len("AK:")+44 {
			t.Fatalf("bad authorization %q", a)
		}
		if secret != "" && len(secret) > 3 && strings.Contains(a, secret) {
			t.Fatalf("secret appears in the header")
		}
	})
}

func FuzzSignOutgoing(f *testing.F) {
	v := vectors.LoadE24(f)
	for _, c := range v.Cases {
		f.Add(c.Method, "https://"+v.Host+c.PathAndQuery, c.Body)
	}
	f.Add("GET", "https://eu-poland-1poznan.api.e24cloud.com/v2/accounts?limit=10&offset=0", "")
	f.Add("PUT", "http://127.0.0.1:8080/v2/account/sshkey", `{"name":"ci","method":"generate"}`)
	f.Fuzz(func(t *testing.T, method, raw, body string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		o := &transport.Outgoing{Method: method, URL: u, Header: http.Header{}, Body: []byte(body), Now: time.Unix(1467640862, 0)}
		signOutgoing("AK", "S", o)
		if !strings.HasPrefix(o.Header.Get("Authorization"), "AK:") {
			t.Fatal("no Authorization")
		}
		if _, err := http.ParseTime(o.Header.Get("X-Date")); err != nil {
			t.Fatalf("X-Date does not parse: %v", err)
		}
	})
}
