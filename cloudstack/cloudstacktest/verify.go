package cloudstacktest

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // the server's algorithm
	"encoding/base64"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// params are the request parameters as the servlet sees them: names as
// received (decoded), one value each.
type params map[string]string

// collect gathers parameters like ApiServlet: the servlet's parameter map
// (query, then an application/x-www-form-urlencoded body for POST; value[0]
// wins), then utf8Fixup re-parses the raw query and overwrites those names,
// the last duplicate winning. The integration port reads only the query,
// first duplicate winning.
func collect(r *http.Request, body []byte, integration bool) params {
	p := params{}
	if integration {
		for _, kv := range splitPairs(r.URL.RawQuery) {
			if _, ok := p[kv[0]]; !ok {
				p[kv[0]] = kv[1]
			}
		}
		return p
	}
	first := func(pairs [][2]string) {
		for _, kv := range pairs {
			if _, ok := p[kv[0]]; !ok {
				p[kv[0]] = kv[1]
			}
		}
	}
	query := splitPairs(r.URL.RawQuery)
	first(query)
	if r.Method == http.MethodPost {
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && mt == "application/x-www-form-urlencoded" {
			first(splitPairs(string(body)))
		}
	}
	for _, kv := range query { // utf8Fixup: last wins
		p[kv[0]] = kv[1]
	}
	return p
}

// splitPairs splits a query on "&" and "=" (limit 2) and decodes both sides
// like URLDecoder ("+" is a space). Undecodable pairs are dropped.
func splitPairs(s string) [][2]string {
	var out [][2]string
	for _, part := range strings.Split(s, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		n, err1 := url.QueryUnescape(name)
		v, err2 := url.QueryUnescape(value)
		if err1 != nil || err2 != nil || n == "" {
			continue
		}
		out = append(out, [2]string{n, v})
	}
	return out
}

// get returns a parameter by exact name.
func (p params) get(name string) string { return p[name] }

// fold returns a parameter matched case-insensitively, as the server does
// for apikey, signatureversion and expires.
func (p params) fold(name string) string {
	if v, ok := p[name]; ok {
		return v
	}
	for k, v := range p {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// javaURLEncode encodes like java.net.URLEncoder.encode(s, "UTF-8"): it is
// derived independently of the client (from url.QueryEscape plus the three
// known differences) so that the two cross-check each other.
func javaURLEncode(s string) string {
	e := url.QueryEscape(s)               // space → "+", "~" kept, "*" → %2A
	e = strings.ReplaceAll(e, "~", "%7E") // URLEncoder encodes "~"
	e = strings.ReplaceAll(e, "%2A", "*") // and keeps "*"
	return e
}

// unsignedRequest builds the string ApiServer.verifyRequest signs: names as
// received sorted case-sensitively, every one but "signature", name raw,
// value URLEncoder-encoded with "+" rewritten to "%20", lowercased whole.
func unsignedRequest(p params) string {
	names := make([]string, 0, len(p))
	for n := range p {
		if !strings.EqualFold(n, "signature") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, n := range names {
		parts = append(parts, n+"="+strings.ReplaceAll(javaURLEncode(p[n]), "+", "%20"))
	}
	return strings.ToLower(strings.Join(parts, "&"))
}

// computeSignature is HmacSHA1(secret, unsignedRequest), standard Base64.
func computeSignature(p params, secret string) string {
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(unsignedRequest(p)))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// parseExpires parses expires like DateUtil.parseTZDateString: ISO offset
// date-time ("…Z", "+00:00", fractions), yyyy-MM-dd'T'HH:mm:ssZ ("+0000"),
// and the legacy yyyy-MM-dd'T'HH:mm:ss'Z'Z.
func parseExpires(s string) (time.Time, bool) {
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05-0700", "2006-01-02T15:04:05.000000-0700", "2006-01-02T15:04:05Z-0700"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
