package e24

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// Header names the server reads, spelled as the vendor documents them.
const (
	headerDate = "X-Date"
	headerAuth = "Authorization"
)

// stringToSign is the vendor's $request:
//
//	METHOD "\n" host "\n" X-Date "\n" path[?query] "\n" body
//
// host has no port, pathAndQuery is the escaped path (with /v2/) plus "?" and
// the raw query exactly as sent when there is one, and body is exactly the
// bytes sent (empty when there is none).
func stringToSign(method, host, xDate, pathAndQuery string, body []byte) []byte {
	var b strings.Builder
	b.Grow(len(method) + len(host) + len(xDate) + len(pathAndQuery) + len(body) + 4)
	b.WriteString(strings.ToUpper(method))
	b.WriteByte('\n')
	b.WriteString(host)
	b.WriteByte('\n')
	b.WriteString(xDate)
	b.WriteByte('\n')
	b.WriteString(pathAndQuery)
	b.WriteByte('\n')
	b.Write(body)
	return []byte(b.String())
}

// authorization returns the Authorization header value
// "<apiKey>:<base64(HMAC-SHA256(secret, stringToSign))>" (standard Base64
// with padding; the secret is used as raw bytes).
func authorization(apiKey, secret, method, host, xDate, pathAndQuery string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(stringToSign(method, host, xDate, pathAndQuery, body))
	return apiKey + ":" + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// xDate formats t as RFC 1123 in GMT, like PHP's gmdate('D, d M Y H:i:s T').
func xDate(t time.Time) string { return t.UTC().Format(http.TimeFormat) }

// signOutgoing signs one attempt in place: it sets Content-Type, X-Date
// (computed once from o.Now and used in both the header and the signature)
// and Authorization. It is a pure function of its inputs.
func signOutgoing(apiKey, secret string, o *transport.Outgoing) {
	date := xDate(o.Now)
	pq := o.URL.EscapedPath()
	if o.URL.RawQuery != "" {
		pq += "?" + o.URL.RawQuery
	}
	o.Header.Set("Content-Type", "application/json")
	o.Header.Set(headerDate, date)
	o.Header.Set(headerAuth, authorization(apiKey, secret, o.Method, o.URL.Hostname(), date, pq, o.Body))
}
