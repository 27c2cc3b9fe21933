package onezonetest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
	"github.com/cloudkeys/cloudkeys/onezone"
)

// caller is who a request authenticated as; user nil = nobody.
type caller struct {
	user     *user
	consumer *subject // from x-onedata-consumer-token, when valid
}

func (c caller) nobody() bool { return c.user == nil }

func (c caller) can(priv string) bool { return c.user != nil && c.user.privileges[priv] }

// req is one parsed request handed to an operation.
type req struct {
	r      *http.Request
	w      http.ResponseWriter
	caller caller
	body   map[string]any
	segs   []string
}

// serve routes a request: unknown path → 404 with no body, wrong method →
// 405 with no body (the HTTP layer's answers), then authentication (401),
// then the body (415, malformedData), then the operation.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	p := r.URL.EscapedPath()
	if !strings.HasPrefix(p, onezone.BasePath+"/") {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	var segs []string
	for _, raw := range strings.Split(strings.TrimPrefix(p, onezone.BasePath+"/"), "/") {
		seg, err := url.PathUnescape(raw)
		if err != nil {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		segs = append(segs, seg)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	handlers := s.routeLocked(segs)
	if handlers == nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	h, ok := handlers[r.Method]
	if !ok {
		allow := make([]string, 0, len(handlers))
		for m := range handlers {
			allow = append(allow, m)
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	c, aerr := s.authenticateLocked(r)
	if aerr != nil {
		fakeserver.Unauthenticated(r) // the request log keeps no body
		writeErr(w, aerr)
		return
	}
	rq := &req{r: r, w: w, caller: c, segs: segs, body: map[string]any{}}
	if r.Method == http.MethodPost || r.Method == http.MethodPatch || r.Method == http.MethodPut {
		b, _ := readAll(r)
		if len(bytes.TrimSpace(b)) > 0 {
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != "application/json" {
				w.WriteHeader(http.StatusUnsupportedMediaType)
				return
			}
			dec := json.NewDecoder(bytes.NewReader(b))
			var v any
			if err := dec.Decode(&v); err != nil || dec.More() {
				writeErr(w, e("malformedData", nil))
				return
			}
			m, ok := v.(map[string]any)
			if !ok {
				writeErr(w, e("malformedData", nil))
				return
			}
			rq.body = m
		}
	}
	h(rq)
}

func readAll(r *http.Request) ([]byte, error) {
	var buf bytes.Buffer
	_, err := buf.ReadFrom(r.Body)
	return buf.Bytes(), err
}

// routeLocked returns the method table for a path, or nil.
func (s *Server) routeLocked(segs []string) map[string]func(*req) {
	n := len(segs)
	at := func(i int, v string) bool { return i < n && segs[i] == v }
	switch {
	case n == 1 && at(0, "configuration"):
		return map[string]func(*req){http.MethodGet: s.getConfiguration}
	case n == 3 && at(0, "provider") && at(1, "public") && at(2, "get_current_time"):
		return map[string]func(*req){http.MethodGet: s.getCurrentTime}
	case n == 2 && at(0, "tokens") && segs[1] != "named":
		op := segs[1]
		switch op {
		case "examine":
			return map[string]func(*req){http.MethodPost: s.examine}
		case "confine":
			return map[string]func(*req){http.MethodPost: s.confine}
		case "verify_access_token", "verify_identity_token", "verify_invite_token":
			return map[string]func(*req){http.MethodPost: s.verifyOp(op)}
		case "infer_access_token_scope":
			if v, ok := onezone.ParseVersion(s.set.version); ok && v.Less(mustParse(onezone.MinInferScopeVersion)) {
				return nil // the route does not exist before 21.02.4
			}
			return map[string]func(*req){http.MethodPost: s.inferScope}
		}
		return nil
	case n == 2 && at(0, "tokens") && at(1, "named"):
		return map[string]func(*req){http.MethodGet: s.listAllNamed}
	case n == 3 && at(0, "tokens") && at(1, "named"):
		return map[string]func(*req){http.MethodGet: s.getNamed, http.MethodPatch: s.modifyNamed, http.MethodDelete: s.deleteNamed}
	case n == 4 && at(0, "tokens") && at(1, "named") && at(3, "status"):
		return map[string]func(*req){http.MethodGet: s.namedStatus}
	}
	// Subject-scoped paths.
	var rest []string
	switch {
	case at(0, "user"), at(0, "provider"):
		rest = segs[1:]
	case at(0, "users"), at(0, "providers"):
		if n < 2 {
			return nil
		}
		rest = segs[2:]
	default:
		return nil
	}
	m := len(rest)
	rat := func(i int, v string) bool { return i < m && rest[i] == v }
	switch {
	case m == 2 && rat(0, "tokens") && rat(1, "named"):
		return map[string]func(*req){http.MethodPost: s.createNamed, http.MethodGet: s.listNamed, http.MethodDelete: s.deleteAllNamed}
	case m == 4 && rat(0, "tokens") && rat(1, "named") && rat(2, "name"):
		return map[string]func(*req){http.MethodGet: s.getNamedByName}
	case m == 2 && rat(0, "tokens") && rat(1, "temporary"):
		return map[string]func(*req){http.MethodPost: s.createTemporary, http.MethodGet: s.getGeneration, http.MethodDelete: s.revokeAllTemporary}
	case m == 2 && rat(0, "clusters") && rat(1, "provider_registration_token") && (at(0, "user") || at(0, "users")):
		return map[string]func(*req){http.MethodPost: s.providerRegistrationToken}
	}
	return nil
}

func mustParse(v string) onezone.Version {
	pv, _ := onezone.ParseVersion(v)
	return pv
}

// authenticateLocked applies the credential precedence: X-Auth-Token >
// "Authorization: Bearer " > macaroon > "Authorization: Basic". No
// credentials → nobody. A failing credential → 401 with details.authError.
func (s *Server) authenticateLocked(r *http.Request) (caller, *ozErr) {
	var c caller
	if ct := r.Header.Get("X-Onedata-Consumer-Token"); ct != "" {
		if mt, err := s.checkTokenLocked(ct, "identityToken", verifyCtx{iface: "rest", peerIP: peerIP(r)}); err == nil {
			sub := mt.subject
			c.consumer = &sub
		}
	}
	authz := r.Header.Get("Authorization")
	var tok string
	switch {
	case r.Header.Get("X-Auth-Token") != "":
		tok = r.Header.Get("X-Auth-Token")
	case strings.HasPrefix(authz, "Bearer "):
		tok = strings.TrimPrefix(authz, "Bearer ")
	case r.Header.Get("Macaroon") != "":
		tok = r.Header.Get("Macaroon")
	case strings.HasPrefix(authz, "Basic "):
		u, err := s.basicLocked(strings.TrimPrefix(authz, "Basic "))
		if err != nil {
			return c, unauthorizedWith(err)
		}
		c.user = u
		return c, nil
	default:
		return c, nil
	}
	mt, err := s.checkTokenLocked(tok, "accessToken", verifyCtx{iface: "rest", peerIP: peerIP(r), forAuth: true, consumer: c.consumer})
	if err != nil {
		return c, unauthorizedWith(err)
	}
	if mt.subject.typ != "user" {
		return c, unauthorizedWith(e("tokenSubjectInvalid", nil))
	}
	c.user = s.users[mt.subject.id]
	return c, nil
}

func (s *Server) basicLocked(v string) (*user, *ozErr) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
	if err != nil {
		return nil, e("badBasicCredentials", nil)
	}
	name, pass, ok := strings.Cut(string(raw), ":")
	if !ok {
		return nil, e("badBasicCredentials", nil)
	}
	for _, u := range s.users {
		if u.username != name || name == "" {
			continue
		}
		switch {
		case u.password == "":
			return nil, e("basicAuthNotSupported", nil)
		case u.basicDisabled:
			return nil, e("basicAuthDisabled", nil)
		case u.password != pass:
			return nil, e("badBasicCredentials", nil)
		case u.blocked:
			return nil, e("userBlocked", nil)
		}
		return u, nil
	}
	return nil, e("badBasicCredentials", nil)
}

func peerIP(r *http.Request) string {
	host := r.RemoteAddr
	if h, _, ok := strings.Cut(host, ":"); ok && !strings.Contains(host, "[") {
		host = h
	}
	host = strings.TrimPrefix(host, "[")
	if i := strings.Index(host, "]"); i >= 0 {
		host = host[:i]
	}
	return host
}
