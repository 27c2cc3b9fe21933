// Package huaweiwire is Huawei's API-gateway AK/SK signature
// (SDK-HMAC-SHA256) as pure functions: SignAKSK, VerifyAKSK, the canonical
// request, the Authorization header. Package huaweibcs signs every AK/SK
// request with it; its fake's tests, the benchmarks and bench/peers (which
// compares it with Huawei's own SDK) use it directly. It is not part of the
// public API.
package huaweiwire

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Signing constants of Huawei's API-gateway AK/SK scheme.
const (
	// Algorithm is the scheme name that opens the Authorization header.
	Algorithm = "SDK-HMAC-SHA256"
	// DateFormat is the layout of the X-Sdk-Date header (UTC).
	DateFormat = "20060102T150405Z"
	// HeaderSdkDate carries the signing time; it is always signed.
	HeaderSdkDate = "X-Sdk-Date"
	// HeaderProjectID carries the project id of an AK/SK request; it is signed.
	HeaderProjectID = "X-Project-Id"
	// HeaderAuthToken carries an IAM token (Token and Password credentials).
	HeaderAuthToken = "X-Auth-Token"
	// HeaderSecurityToken carries the session token of temporary AK/SK; it is signed.
	HeaderSecurityToken = "X-Security-Token"

	// DefaultSignedHeaders is what this client signs on an AK/SK request.
	DefaultSignedHeaders = "host;x-project-id;x-sdk-date"

	emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// errSign reports input a signature cannot be computed from.
var (
	errNoDate          = errors.New("huaweibcs: X-Sdk-Date header missing")
	errSignedHeaders   = errors.New("huaweibcs: signed headers must be lowercase names separated by ';' and include x-sdk-date, never authorization")
	errNoAccessKey     = errors.New("huaweibcs: empty access key")
	errNoSecretKey     = errors.New("huaweibcs: empty secret key")
	errBadAuthHeader   = errors.New("huaweibcs: malformed SDK-HMAC-SHA256 Authorization header")
	errAuthUnsupported = errors.New("huaweibcs: unsupported Authorization scheme")
)

// SignAKSK returns the Authorization header value for one request signed
// with Huawei's SDK-HMAC-SHA256 scheme:
//
//	CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n hex(sha256(body))
//	StringToSign     = "SDK-HMAC-SHA256" \n X-Sdk-Date \n hex(sha256(CanonicalRequest))
//	Signature        = hex(HMAC-SHA256(sk, StringToSign))
//
// It is a pure function of its inputs. The X-Sdk-Date header must already be
// in h (the caller sets it from its clock). signedHeaders is the list sent in
// the header, lowercase names joined with ';' in the order they are
// canonicalised (sorted, e.g. DefaultSignedHeaders); "host" is read from a
// Host entry of h, else from u.Host. The canonical URI is u.Path with each
// segment escaped and a trailing '/'; the canonical query is u.RawQuery
// decoded, re-escaped with %20 for spaces and sorted by key then value; the
// payload hash is over the exact body bytes.
func SignAKSK(ak, sk, method string, u *url.URL, h http.Header, signedHeaders string, body []byte) (string, error) {
	if ak == "" {
		return "", errNoAccessKey
	}
	if sk == "" {
		return "", errNoSecretKey
	}
	sig, err := signature(sk, method, u, h, signedHeaders, body)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.Grow(len(Algorithm) + len(ak) + len(signedHeaders) + 64 + 40)
	b.WriteString(Algorithm)
	b.WriteString(" Access=")
	b.WriteString(ak)
	b.WriteString(", SignedHeaders=")
	b.WriteString(signedHeaders)
	b.WriteString(", Signature=")
	b.Write(sig[:])
	return b.String(), nil
}

// CanonicalRequest returns the canonical request SignAKSK hashes, for
// debugging a signature mismatch. It contains no secret.
func CanonicalRequest(method string, u *url.URL, h http.Header, signedHeaders string, body []byte) (string, error) {
	if err := checkSignedHeaders(signedHeaders); err != nil {
		return "", err
	}
	return string(appendCanonicalRequest(nil, method, u, h, signedHeaders, body)), nil
}

// VerifyAKSK reports whether sig (lowercase hex) is the right one for
// the request, in constant time. Fakes and gateways use it.
func VerifyAKSK(sk, method string, u *url.URL, h http.Header, signedHeaders string, body []byte, sig string) bool {
	want, err := signature(sk, method, u, h, signedHeaders, body)
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare(want[:], []byte(sig)) == 1
}

// signature computes the lowercase hex signature.
func signature(sk, method string, u *url.URL, h http.Header, signedHeaders string, body []byte) ([64]byte, error) {
	var out [64]byte
	if err := checkSignedHeaders(signedHeaders); err != nil {
		return out, err
	}
	date := headerValue(h, "x-sdk-date")
	if date == "" {
		return out, errNoDate
	}
	var crBuf [1024]byte
	cr := appendCanonicalRequest(crBuf[:0], method, u, h, signedHeaders, body)
	crHash := sha256.Sum256(cr)

	// StringToSign, directly after the HMAC inner pad.
	var msg [64 + 256]byte
	key := []byte(sk)
	if len(key) > 64 {
		k := sha256.Sum256(key)
		key = k[:]
	}
	for i := range 64 {
		var kb byte
		if i < len(key) {
			kb = key[i]
		}
		msg[i] = kb ^ 0x36
	}
	m := append(msg[:64], Algorithm...)
	m = append(m, '\n')
	m = append(m, date...)
	m = append(m, '\n')
	m = hex.AppendEncode(m, crHash[:])
	inner := sha256.Sum256(m)

	var outer [64 + 32]byte
	for i := range 64 {
		var kb byte
		if i < len(key) {
			kb = key[i]
		}
		outer[i] = kb ^ 0x5c
	}
	copy(outer[64:], inner[:])
	mac := sha256.Sum256(outer[:])
	hex.Encode(out[:], mac[:])
	return out, nil
}

// checkSignedHeaders accepts lowercase names separated by ';' that include
// x-sdk-date and never authorization.
func checkSignedHeaders(s string) error {
	if s == "" {
		return errSignedHeaders
	}
	hasDate := false
	for name := range strings.SplitSeq(s, ";") {
		if name == "" || name == "authorization" {
			return errSignedHeaders
		}
		for i := 0; i < len(name); i++ {
			c := name[i]
			if c >= 'A' && c <= 'Z' || c <= ' ' || c >= 0x7f || c == ':' {
				return errSignedHeaders
			}
		}
		if name == "x-sdk-date" {
			hasDate = true
		}
	}
	if !hasDate {
		return errSignedHeaders
	}
	return nil
}

func appendCanonicalRequest(b []byte, method string, u *url.URL, h http.Header, signedHeaders string, body []byte) []byte {
	b = append(b, method...)
	b = append(b, '\n')
	b = appendCanonicalURI(b, u.Path)
	b = append(b, '\n')
	b = appendCanonicalQuery(b, u.RawQuery)
	b = append(b, '\n')
	for name := range strings.SplitSeq(signedHeaders, ";") {
		b = appendCanonicalHeader(b, name, h, u)
	}
	b = append(b, '\n')
	b = append(b, signedHeaders...)
	b = append(b, '\n')
	if v := headerValue(h, "x-sdk-content-sha256"); v != "" {
		return append(b, v...)
	}
	if len(body) == 0 {
		return append(b, emptySHA256...)
	}
	sum := sha256.Sum256(body)
	return hex.AppendEncode(b, sum[:])
}

// appendCanonicalURI escapes each path segment and ends the result with '/'.
func appendCanonicalURI(b []byte, path string) []byte {
	if path == "" {
		return append(b, '/')
	}
	for i := 0; i < len(path); i++ {
		if path[i] == '/' {
			b = append(b, '/')
			continue
		}
		b = appendEscapedByte(b, path[i])
	}
	if path[len(path)-1] != '/' {
		b = append(b, '/')
	}
	return b
}

type queryPair struct{ k, v string }

// appendCanonicalQuery decodes raw (as url.ParseQuery does: '+' is a space),
// sorts by key then value, and re-escapes both with %20 for spaces.
func appendCanonicalQuery(b []byte, raw string) []byte {
	if raw == "" {
		return b
	}
	var arr [8]queryPair
	pairs := arr[:0]
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" || strings.IndexByte(part, ';') >= 0 {
			continue // url.ParseQuery drops these too
		}
		k, v, _ := strings.Cut(part, "=")
		dk, err := unescapeQuery(k)
		if err != nil {
			continue
		}
		dv, err := unescapeQuery(v)
		if err != nil {
			continue
		}
		pairs = append(pairs, queryPair{dk, dv})
	}
	slices.SortFunc(pairs, func(a, c queryPair) int {
		if r := strings.Compare(a.k, c.k); r != 0 {
			return r
		}
		return strings.Compare(a.v, c.v)
	})
	for i, p := range pairs {
		if i > 0 {
			b = append(b, '&')
		}
		b = appendEscaped(b, p.k)
		b = append(b, '=')
		b = appendEscaped(b, p.v)
	}
	return b
}

// unescapeQuery is url.QueryUnescape without an allocation for plain text.
func unescapeQuery(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, nil
	}
	return url.QueryUnescape(s)
}

func appendCanonicalHeader(b []byte, name string, h http.Header, u *url.URL) []byte {
	vals := headerValues(h, name)
	if name == "host" && len(vals) == 0 {
		b = append(b, "host:"...)
		b = append(b, strings.TrimSpace(u.Host)...)
		return append(b, '\n')
	}
	if len(vals) == 0 {
		b = append(b, name...)
		b = append(b, ':')
		return append(b, '\n')
	}
	if len(vals) > 1 && !slices.IsSorted(vals) {
		vals = slices.Clone(vals)
		slices.Sort(vals)
	}
	for _, v := range vals {
		b = append(b, name...)
		b = append(b, ':')
		b = append(b, strings.TrimSpace(v)...)
		b = append(b, '\n')
	}
	return b
}

// canonicalNames avoids an allocation for the names signed in practice.
var canonicalNames = map[string]string{
	"host":                 "Host",
	"x-sdk-date":           "X-Sdk-Date",
	"x-project-id":         "X-Project-Id",
	"x-domain-id":          "X-Domain-Id",
	"x-security-token":     "X-Security-Token",
	"content-type":         "Content-Type",
	"user-agent":           "User-Agent",
	"x-sdk-content-sha256": "X-Sdk-Content-Sha256",
}

func headerValues(h http.Header, lower string) []string {
	key, ok := canonicalNames[lower]
	if !ok {
		key = http.CanonicalHeaderKey(lower)
	}
	if v, ok := h[key]; ok {
		return v
	}
	for k, v := range h { // a non-canonical key set by direct map access
		if strings.EqualFold(k, lower) {
			return v
		}
	}
	return nil
}

func headerValue(h http.Header, lower string) string {
	if v := headerValues(h, lower); len(v) > 0 {
		return v[0]
	}
	return ""
}

const upperHex = "0123456789ABCDEF"

func shouldEscape(c byte) bool {
	switch {
	case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		return false
	case c == '-', c == '_', c == '.', c == '~':
		return false
	}
	return true
}

func appendEscapedByte(b []byte, c byte) []byte {
	if shouldEscape(c) {
		return append(b, '%', upperHex[c>>4], upperHex[c&15])
	}
	return append(b, c)
}

// appendEscaped escapes everything but A-Z a-z 0-9 - _ . ~ as uppercase %XX.
func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		b = appendEscapedByte(b, s[i])
	}
	return b
}

// AuthorizationParts is a parsed SDK-HMAC-SHA256 Authorization header.
type AuthorizationParts struct {
	Access        string // the access key id
	SignedHeaders string // lowercase names joined with ';'
	Signature     string // lowercase hex; never log it
}

// ParseAuthorization parses "SDK-HMAC-SHA256 Access=<ak>, SignedHeaders=<a;b>,
// Signature=<hex>". The three parts may come in any order.
func ParseAuthorization(v string) (AuthorizationParts, error) {
	var p AuthorizationParts
	alg, rest, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok {
		return p, errBadAuthHeader
	}
	if alg != Algorithm {
		return p, errAuthUnsupported
	}
	for part := range strings.SplitSeq(rest, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return p, errBadAuthHeader
		}
		switch k {
		case "Access":
			p.Access = val
		case "SignedHeaders":
			p.SignedHeaders = val
		case "Signature":
			p.Signature = val
		default:
			return p, errBadAuthHeader
		}
	}
	if p.Access == "" || p.SignedHeaders == "" || p.Signature == "" {
		return p, errBadAuthHeader
	}
	return p, nil
}
