package transport

import (
	"net/http"
	"strings"
)

// maxRedirects bounds a redirect chain.
const maxRedirects = 5

// checkRedirect follows a redirect only for GET requests and only to the
// same origin (scheme, host and port), so credentials never reach another
// host and https is never downgraded. Anything else is a *RedirectError,
// returned before the target is contacted.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) == 0 {
		return nil
	}
	if len(via) >= maxRedirects {
		return &RedirectError{Host: req.URL.Host, Reason: "too many redirects"}
	}
	orig := via[0].URL
	if !strings.EqualFold(req.URL.Scheme, orig.Scheme) {
		return &RedirectError{Host: req.URL.Host, Reason: "scheme changes from " + orig.Scheme + " to " + req.URL.Scheme}
	}
	if !sameHostPort(req.URL.Scheme, req.URL.Host, orig.Host) {
		return &RedirectError{Host: req.URL.Host, Reason: "another host than " + orig.Host}
	}
	if via[0].Method != http.MethodGet {
		return &RedirectError{Host: req.URL.Host, Reason: "a " + via[0].Method + " request is never redirected"}
	}
	return nil
}

func sameHostPort(scheme, a, b string) bool {
	return strings.EqualFold(withPort(scheme, a), withPort(scheme, b))
}

func withPort(scheme, host string) string {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
		return host
	}
	if strings.EqualFold(scheme, "https") {
		return host + ":443"
	}
	return host + ":80"
}
