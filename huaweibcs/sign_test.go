package huaweibcs

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cloudkeys/cloudkeys/internal/huaweiwire"
	"github.com/cloudkeys/cloudkeys/internal/vectors"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vectorRequest builds the URL and headers of a vector case.
func vectorRequest(t testing.TB, v vectors.HuaweiCase) (*url.URL, http.Header) {
	u, err := url.Parse(v.URL)
	require.NoError(t, err)
	h := make(http.Header)
	for k, val := range v.Headers {
		h.Set(k, val)
	}
	return u, h
}

func TestSignVectors(t *testing.T) {
	t.Parallel()
	cases := vectors.LoadHuawei(t)
	require.Len(t, cases, 6, "expected all six published vectors")
	for _, v := range cases {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			u, h := vectorRequest(t, v)
			got, err := huaweiwire.SignAKSK(v.AK, v.SK, v.Method, u, h, v.SignedHeaders, []byte(v.Body))
			require.NoError(t, err)
			assert.Equal(t, v.Authorization, got)
			if v.HashedCR != "" {
				cr, err := huaweiwire.CanonicalRequest(v.Method, u, h, v.SignedHeaders, []byte(v.Body))
				require.NoError(t, err)
				sum := sha256.Sum256([]byte(cr))
				assert.Equal(t, v.HashedCR, hex.EncodeToString(sum[:]))
			}
			parts, err := huaweiwire.ParseAuthorization(got)
			require.NoError(t, err)
			assert.True(t, huaweiwire.VerifyAKSK(v.SK, v.Method, u, h, v.SignedHeaders, []byte(v.Body), parts.Signature))
			assert.False(t, huaweiwire.VerifyAKSK(v.SK+"x", v.Method, u, h, v.SignedHeaders, []byte(v.Body), parts.Signature))
		})
	}
}

func TestParseAuthorization(t *testing.T) {
	t.Parallel()
	p, err := huaweiwire.ParseAuthorization("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=abc")
	require.NoError(t, err)
	assert.Equal(t, huaweiwire.AuthorizationParts{Access: "AK", SignedHeaders: "host;x-sdk-date", Signature: "abc"}, p)
	for _, bad := range []string{"", "Bearer x", "SDK-HMAC-SHA256", "SDK-HMAC-SHA256 Access=AK", "SDK-HMAC-SHA256 Access=AK, Foo=1, SignedHeaders=a, Signature=b"} {
		_, err := huaweiwire.ParseAuthorization(bad)
		assert.Error(t, err, bad)
	}
}

func BenchmarkSignAKSK(b *testing.B) {
	u, _ := url.Parse("https://bcs.ap-southeast-3.myhuaweicloud.com/v1/0123456789abcdef0123456789abcdef/node-provider/credentials?limit=10&offset=0")
	h := http.Header{"X-Sdk-Date": {"20240101T000000Z"}, "X-Project-Id": {"0123456789abcdef0123456789abcdef"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := huaweiwire.SignAKSK("AccessKey", "SecretKey", "GET", u, h, huaweiwire.DefaultSignedHeaders, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzSignAKSK(f *testing.F) {
	for _, v := range vectors.LoadHuawei(f) {
		f.Add(v.Method, v.URL, v.SignedHeaders, []byte(v.Body))
	}
	f.Add("GET", "https://h/p?limit=1", "x-sdk-date", []byte(""))
	f.Add("POST", "https://h/v1/ü/a b?q=%20+x&q=1&z", "host;x-project-id;x-sdk-date", []byte("{}\n"))
	f.Add("DELETE", "http://127.0.0.1:1/%2F", "host;x-sdk-date", []byte{0xff})
	f.Fuzz(func(t *testing.T, method, rawURL, signed string, body []byte) {
		u, err := url.Parse(rawURL)
		if err != nil {
			return
		}
		h := http.Header{"X-Sdk-Date": {"20240101T000000Z"}, "X-Project-Id": {"p"}}
		auth, err := huaweiwire.SignAKSK("AK", "SK", method, u, h, signed, body)
		if err != nil {
			return
		}
		p, err := huaweiwire.ParseAuthorization(auth)
		if err != nil {
			if strings.ContainsAny(signed, ", =") {
				return
			}
			t.Fatalf("cannot parse own header: %v", err)
		}
		if !huaweiwire.VerifyAKSK("SK", method, u, h, signed, body, p.Signature) {
			t.Fatal("own signature does not verify")
		}
	})
}

func FuzzParseAuthorization(f *testing.F) {
	for _, v := range vectors.LoadHuawei(f) {
		f.Add(v.Authorization)
	}
	f.Add("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=abc")
	f.Add("SDK-HMAC-SHA256 ,,,")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = huaweiwire.ParseAuthorization(s)
	})
}
