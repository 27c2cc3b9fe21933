package e24test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
)

// Signature computes the Authorization value the real server expects:
// "<apiKey>:" + base64(HMAC-SHA256(secret, METHOD\nhost\nX-Date\npathAndQuery\nbody)).
// It is written independently of the client's signer so that the two check
// each other.
func Signature(apiKey, secret, method, host, xDate, pathAndQuery string, body []byte) string {
	msg := method + "\n" + host + "\n" + xDate + "\n" + pathAndQuery + "\n" + string(body)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(msg))
	return apiKey + ":" + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// parseAuthorization splits "<apiKey>:<signature>". The signature is
// standard Base64 and holds no ':', so the last ':' separates them.
func parseAuthorization(v string) (apiKey, sig string, ok bool) {
	i := strings.LastIndexByte(v, ':')
	if i <= 0 || i == len(v)-1 {
		return "", "", false
	}
	return v[:i], v[i+1:], true
}

// requestHost is the request's host without a port, as PHP's parse_url
// gives it.
func requestHost(r *http.Request) string {
	h := r.Host
	if h == "" {
		h = r.URL.Host
	}
	return (&url.URL{Host: h}).Hostname()
}

// requestPathAndQuery is the path and query exactly as sent on the request
// line.
func requestPathAndQuery(r *http.Request) string {
	if r.RequestURI != "" && strings.HasPrefix(r.RequestURI, "/") {
		return r.RequestURI
	}
	return r.URL.RequestURI()
}

// authenticate verifies the headers and the signature and returns the
// caller's account, or writes a 401 (400 for a wrong Content-Type). A
// request that fails authentication is marked fakeserver.Unauthenticated:
// the request log keeps no body.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, body []byte) *account {
	w = fakeserver.RejectingWriter(w, r)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "application/json") {
		writeError(w, http.StatusBadRequest, "Content-Type must be application/json")
		return nil
	}
	date := r.Header.Get("X-Date")
	if date == "" {
		writeError(w, http.StatusUnauthorized, "missing X-Date header")
		return nil
	}
	t, err := ParseXDate(date)
	if err != nil {
		writeError(w, http.StatusUnauthorized, "X-Date is not an RFC 1123 date")
		return nil
	}
	key, sig, ok := parseAuthorization(r.Header.Get("Authorization"))
	if !ok {
		writeError(w, http.StatusUnauthorized, "missing or malformed Authorization header")
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.Now().Sub(t); d > s.skew || -d > s.skew {
		writeError(w, http.StatusUnauthorized, "request expired: X-Date too far from server time")
		return nil
	}
	acc, k := s.accountByKey(key)
	if acc == nil {
		writeError(w, http.StatusUnauthorized, "unknown API key")
		return nil
	}
	want := Signature(k.key, k.secret, r.Method, requestHost(r), date, requestPathAndQuery(r), body)
	if !hmac.Equal([]byte(want), []byte(key+":"+sig)) {
		writeError(w, http.StatusUnauthorized, "invalid signature")
		return nil
	}
	return acc
}
