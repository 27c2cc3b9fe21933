package huaweibcstest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cloudkeys/cloudkeys/internal/huaweiwire"
)

// FuzzGatewayVerifier feeds the fake gateway's AK/SK parser and verifier
// arbitrary Authorization headers, queries and bodies: it never panics; a
// header it parses names the three fields once each, with lower-case signed
// headers and never "authorization"; and a request our client signed
// verifies, whatever its query and body.
func FuzzGatewayVerifier(f *testing.F) {
	f.Add("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=00", "a=1&b=%20", "{}")
	f.Add("SDK-HMAC-SHA256 Signature=ab,Access=x,SignedHeaders=content-type", "limit=10&offset=0", "")
	f.Add("SDK-HMAC-SHA256 Access=, SignedHeaders=;, Signature=", "%zz", "x")
	f.Add("Bearer x", "k=v;w", "\x00")
	f.Fuzz(func(t *testing.T, header, rawQuery, body string) {
		a, err := parseAKSKAuth(header)
		if err == nil {
			if a.access == "" || a.signature == "" || len(a.signedHeaders) == 0 {
				t.Fatalf("parsed %q into %+v", header, a)
			}
			for _, h := range a.signedHeaders {
				if h == "" || h != strings.ToLower(h) || h == "authorization" {
					t.Fatalf("signed header %q accepted from %q", h, header)
				}
			}
		}
		req, err := http.NewRequest(http.MethodPost, "https://bcs.example.com/v2/p/credentials", strings.NewReader(body))
		if err != nil {
			return
		}
		req.URL.RawQuery = rawQuery
		_, _ = gatewayCanonicalRequest(req, []string{"host", "x-sdk-date"}, []byte(body))
		if err == nil {
			_ = verifyAKSK("SK", req, a, []byte(body))
		}

		// What our client signs, the gateway accepts.
		if strings.ContainsAny(rawQuery, ";%+ ") {
			return // raw escapes and separators are not what the client sends
		}
		out := &http.Request{Method: http.MethodPost, URL: req.URL, Host: "bcs.example.com",
			Header: http.Header{"X-Sdk-Date": {"20261207T120000Z"}, "Host": {"bcs.example.com"}}}
		auth, err := huaweiwire.SignAKSK("AK", "SK", out.Method, out.URL, out.Header, "host;x-sdk-date", []byte(body))
		if err != nil {
			return
		}
		pa, err := parseAKSKAuth(auth)
		if err != nil {
			t.Fatalf("the gateway cannot parse the client's header %q: %v", auth, err)
		}
		if !verifyAKSK("SK", out, pa, []byte(body)) {
			t.Fatalf("the gateway refuses a request the client signed (query %q)", rawQuery)
		}
	})
}
