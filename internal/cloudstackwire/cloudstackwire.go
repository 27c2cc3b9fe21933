// Package cloudstackwire is CloudStack's request signature as pure
// functions (the management server's ApiServer.verifyRequest: HMAC-SHA1
// over the sorted, Java-encoded, lowercased parameters) and the encoding
// of the parameters the client sends. Package cloudstack signs every
// request with it; the benchmarks use it directly. It is not part of the
// public API.
package cloudstackwire

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // CloudStack signs with HMAC-SHA1; not our choice.
	"encoding/base64"
	"net/url"
	"sort"
	"strings"
	"time"
)

// ExpiresLayout is the layout of the expires parameter the client sends:
// yyyy-MM-dd'T'HH:mm:ss+0000. Every server version parses it, unlike the
// RFC 3339 "…Z" form, which servers from before 2018 reject.
const ExpiresLayout = "2006-01-02T15:04:05-0700"

// FormatExpires formats t in UTC with [ExpiresLayout], e.g.
// "2025-01-01T00:00:00+0000".
func FormatExpires(t time.Time) string { return t.UTC().Format(ExpiresLayout) }

// EncodeValue encodes s exactly like Java's URLEncoder.encode(s, "UTF-8")
// followed by replaceAll("\\+", "%20"), as the management server does when it
// verifies a signature: A–Z a–z 0–9 . - * _ stay as they are, a space
// becomes %20, every other UTF-8 byte becomes %XX (upper-case hex). Unlike
// Go's url.QueryEscape it encodes "~" (as %7E) and keeps "*".
//
// Invalid UTF-8 is encoded byte by byte; Java would first replace it with
// U+FFFD, so such values cannot be signed portably (send valid UTF-8).
func EncodeValue(s string) string {
	if plainName(s) {
		return s // nothing to encode: no copy
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '.', c == '-', c == '*', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteString("%20")
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// StringToSign returns the string the server signs for params, before it is
// lowercased: every parameter except "signature" (matched case-insensitively),
// names sorted exactly as sent (case-sensitive, byte order), each written as
// name=EncodeValue(first value) with the name raw, joined with "&".
func StringToSign(params url.Values) string {
	names := make([]string, 0, len(params))
	for n := range params {
		if strings.EqualFold(n, "signature") {
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(n)
		b.WriteByte('=')
		var v string
		if vs := params[n]; len(vs) > 0 {
			v = vs[0]
		}
		b.WriteString(EncodeValue(v))
	}
	return b.String()
}

// Sign returns the signature of params under secretKey as the management
// server computes it (ApiServer.verifyRequest): HMAC-SHA1 over the lowercased
// [StringToSign], standard Base64 with padding. The result must be
// percent-encoded on the wire (use [EncodeValue]). It is a pure function.
func Sign(params url.Values, secretKey string) string {
	mac := hmac.New(sha1.New, []byte(secretKey))
	mac.Write([]byte(strings.ToLower(StringToSign(params))))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// EncodeForm writes params as a query string or form body with the names
// sorted and names and values encoded with EncodeValue (first value only,
// as the server reads them).
func EncodeForm(params url.Values) string {
	names := make([]string, 0, len(params))
	for n := range params {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	size := 0
	for n, vs := range params {
		size += len(n) + 2 // '=' and '&'
		if len(vs) > 0 {
			size += len(vs[0]) // more where a byte is %XX: Builder grows then
		}
	}
	b.Grow(size)
	for i, n := range names {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(EncodeValue(n))
		b.WriteByte('=')
		if vs := params[n]; len(vs) > 0 {
			b.WriteString(EncodeValue(vs[0]))
		}
	}
	return b.String()
}

// SignEncoded returns Sign(params, secretKey) reusing enc, the
// EncodeForm of params: when every name is plain (EncodeValue leaves it as
// is) and none is "signature", enc is exactly the string StringToSign
// builds, so the names are not sorted and the values not encoded a second
// time. Otherwise it is Sign.
func SignEncoded(params url.Values, enc, secretKey string) string {
	for n := range params {
		if !plainName(n) || strings.EqualFold(n, "signature") {
			return Sign(params, secretKey)
		}
	}
	mac := hmac.New(sha1.New, []byte(secretKey))
	mac.Write(lowerASCII(enc))
	var sum [sha1.Size]byte
	return base64.StdEncoding.EncodeToString(mac.Sum(sum[:0]))
}

// lowerASCII is []byte(strings.ToLower(s)) for a string of ASCII bytes (an
// EncodeForm result: every other byte is %XX-encoded) in one allocation;
// any other string goes through strings.ToLower.
func lowerASCII(s string) []byte {
	b := make([]byte, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x80:
			return []byte(strings.ToLower(s))
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return b
}

// plainName reports whether EncodeValue leaves s unchanged: only A–Z a–z
// 0–9 . - * _.
func plainName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '*' || c == '_') {
			return false
		}
	}
	return true
}
