package huaweibcstest

// The API gateway's side of Huawei's AK/SK scheme (SDK-HMAC-SHA256),
// written from the published algorithm (Huawei's "API signing" guide,
// devg-apisign/api-sign-algorithm-002..005, as summarised in
// shared/api/huaweibcs.md §3.2), on purpose without package huaweibcs's
// signer: a bug in the client's signer must not be mirrored here. It shares
// nothing with the client but the known-answer vectors its tests load.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

const akskAlgorithm = "SDK-HMAC-SHA256"

// akskAuth is a parsed Authorization header:
// "SDK-HMAC-SHA256 Access=<ak>, SignedHeaders=<h1;h2>, Signature=<hex>".
type akskAuth struct {
	access        string
	signedHeaders []string // as listed: the gateway trusts the list
	signature     string
}

var errAKSKHeader = errors.New("huaweibcstest: malformed SDK-HMAC-SHA256 Authorization header")

// parseAKSKAuth reads the header as the gateway does: the algorithm, a
// space, then Access, SignedHeaders and Signature, each once, in any order,
// separated by commas (spaces around them ignored). Signed header names are
// lowercase, separated by ';', never "authorization".
func parseAKSKAuth(v string) (akskAuth, error) {
	var a akskAuth
	alg, params, found := strings.Cut(strings.TrimSpace(v), " ")
	if !found || alg != akskAlgorithm {
		return a, errAKSKHeader
	}
	seen := map[string]bool{}
	for _, field := range strings.Split(params, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(field), "=")
		if !ok || value == "" || seen[name] {
			return a, errAKSKHeader
		}
		seen[name] = true
		switch name {
		case "Access":
			a.access = value
		case "Signature":
			a.signature = value
		case "SignedHeaders":
			for _, h := range strings.Split(value, ";") {
				if h == "" || h != strings.ToLower(h) || h == "authorization" {
					return a, errAKSKHeader
				}
				a.signedHeaders = append(a.signedHeaders, h)
			}
		default:
			return a, errAKSKHeader
		}
	}
	if len(seen) != 3 {
		return a, errAKSKHeader
	}
	return a, nil
}

// signs reports whether name is among the signed headers.
func (a akskAuth) signs(name string) bool {
	for _, h := range a.signedHeaders {
		if h == name {
			return true
		}
	}
	return false
}

// gatewayCanonicalRequest rebuilds the canonical request from the request
// as received:
//
//	METHOD
//	canonical URI: the decoded path's segments each percent-encoded (all
//	    but A-Z a-z 0-9 - _ . ~, upper-case hex), ending in '/'
//	canonical query: every key=value of the raw query decoded, sorted by
//	    key then value, each re-encoded the same way ("k=" when empty)
//	canonical headers: "name:value" per signed header, in the listed
//	    order, the value trimmed, several values sorted one per line; host
//	    is the Host the request came with
//	the signed header names joined by ';'
//	hex SHA-256 of the body bytes as received, or the X-Sdk-Content-Sha256
//	    header's value when the request has one
//
// It fails on a query with a malformed percent-escape.
func gatewayCanonicalRequest(r *http.Request, signed []string, body []byte) (string, error) {
	query, err := gatewayQuery(r.URL.RawQuery)
	if err != nil {
		return "", err
	}
	var lines []string
	lines = append(lines, r.Method, gatewayURI(r.URL.Path), query)
	var hdr strings.Builder
	for _, name := range signed {
		var values []string
		if name == "host" {
			values = []string{r.Host}
		} else {
			values = append(values, r.Header.Values(name)...)
		}
		if len(values) == 0 {
			values = []string{""}
		}
		sort.Strings(values)
		for _, v := range values {
			hdr.WriteString(name + ":" + strings.TrimSpace(v) + "\n")
		}
	}
	lines = append(lines, hdr.String(), strings.Join(signed, ";"))
	if h := r.Header.Get("X-Sdk-Content-Sha256"); h != "" {
		lines = append(lines, h)
	} else {
		sum := sha256.Sum256(body)
		lines = append(lines, hex.EncodeToString(sum[:]))
	}
	return strings.Join(lines, "\n"), nil
}

func gatewayURI(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = percentEncode(s)
	}
	u := strings.Join(segs, "/")
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

func gatewayQuery(raw string) (string, error) {
	type kv struct{ k, v string }
	var pairs []kv
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dk, err := url.QueryUnescape(k)
		if err != nil {
			return "", err
		}
		dv, err := url.QueryUnescape(v)
		if err != nil {
			return "", err
		}
		pairs = append(pairs, kv{dk, dv})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = percentEncode(p.k) + "=" + percentEncode(p.v)
	}
	return strings.Join(out, "&"), nil
}

// percentEncode is RFC 3986 encoding with the unreserved set kept.
func percentEncode(s string) string {
	const unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
	var b strings.Builder
	for _, c := range []byte(s) {
		if strings.IndexByte(unreserved, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
	}
	return b.String()
}

// gatewaySignature is hex(HMAC-SHA256(sk, "SDK-HMAC-SHA256\n" + X-Sdk-Date +
// "\n" + hex(SHA-256(canonical request)))).
func gatewaySignature(sk, sdkDate, canonicalRequest string) string {
	crHash := sha256.Sum256([]byte(canonicalRequest))
	mac := hmac.New(sha256.New, []byte(sk))
	mac.Write([]byte(akskAlgorithm + "\n" + sdkDate + "\n" + hex.EncodeToString(crHash[:])))
	return hex.EncodeToString(mac.Sum(nil))
}

// verifyAKSK reports whether a's signature is the one sk gives the request.
func verifyAKSK(sk string, r *http.Request, a akskAuth, body []byte) bool {
	cr, err := gatewayCanonicalRequest(r, a.signedHeaders, body)
	if err != nil {
		return false
	}
	want := gatewaySignature(sk, r.Header.Get("X-Sdk-Date"), cr)
	return hmac.Equal([]byte(want), []byte(a.signature))
}
