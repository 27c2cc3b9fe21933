package cloudstacktest

import (
	"crypto/subtle"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
)

// caller is the authenticated user of a request.
type caller struct {
	u    *user
	pair *pair // the key pair used to sign, if any
}

func (c caller) rootAdmin() bool { return c.u.accountType == AccountTypeAdmin }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != APIPath {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<html><body><h1>HTTP Status 404 – Not Found</h1></body></html>"))
		return
	}
	body, _ := io.ReadAll(r.Body)
	p := collect(r, body, s.cfg.integration)
	cmd := p.get("command")
	format := strings.ToLower(p.get("response"))
	if format == "" {
		format = "xml"
	}
	if len(p) == 0 || cmd == "" {
		writeError(w, "", format, &apiError{code: 432, cs: 9999, text: "no command specified", global: true})
		return
	}
	lc := strings.ToLower(cmd)

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()

	if s.cfg.integration {
		// ApiServer.handle: parameters a command refuses on the admin port
		// (acceptedOnAdminPort=false) are a 531, then handleRequest, whose
		// first step is checkCharacterInkParams.
		if lc == "login" || lc == "logout" {
			writeError(w, cmd, format, permissionError("Parameter %s can't be passed through the API integration port", "command"))
			return
		}
		if e := adminPortParam(cmd, p); e != nil {
			writeError(w, cmd, format, e)
			return
		}
		if e := s.checkCharacters(cmd, p); e != nil {
			writeError(w, s.envelope(cmd), format, e)
			return
		}
		s.dispatch(w, cmd, format, p, caller{u: s.users[SystemUserID]}, now)
		return
	}

	switch lc {
	case "login":
		if r.Method != http.MethodPost {
			writeError(w, cmd, format, errorf(405, 9999, "Method not allowed: login must be a POST"))
			return
		}
		s.login(w, cmd, format, p, now)
		return
	}

	// ApiServlet answers login and logout (its API authenticators) before
	// this check, and checks the method before it authenticates.
	if s.cfg.enforce && lc != "logout" && !postAllowed(cmd, r.Method, p) {
		writeError(w, s.envelope(cmd), format, postRequired(cmd, p))
		return
	}

	c, aerr := s.authenticate(r, p, now)
	if aerr != nil {
		fakeserver.Unauthenticated(r) // the request log keeps no body
		writeError(w, cmd, format, aerr)
		return
	}
	if lc == "logout" {
		s.logout(w, r, cmd, format)
		return
	}
	if c.pair != nil && !pairAllows(c.pair, cmd) {
		writeError(w, cmd, format, errorf(401, 0, "The given command '%s' either does not exist, is not available for user.", cmd))
		return
	}
	// ApiServer.handleRequest begins with checkCharacterInkParams, after
	// verifyRequest: a value with a control character is a 431 even for
	// a command the server does not know.
	if e := s.checkCharacters(cmd, p); e != nil {
		writeError(w, s.envelope(cmd), format, e)
		return
	}
	s.dispatch(w, cmd, format, p, c, now)
}

// authenticate is ApiServer.verifyRequest plus the servlet's session check:
// a JSESSIONID naming a live session must come with a matching sessionkey
// (as parameter and/or cookie: at least one, all equal); otherwise the
// request must be signed.
func (s *Server) authenticate(r *http.Request, p params, now time.Time) (caller, *apiError) {
	if ck, err := r.Cookie("JSESSIONID"); err == nil {
		if sess := s.sessions[ck.Value]; sess != nil {
			if now.Sub(sess.lastUsed) > sessionTimeout*time.Second {
				delete(s.sessions, ck.Value)
				return caller{}, errSession
			}
			var keys []string
			if v, ok := p["sessionkey"]; ok {
				keys = append(keys, v)
			}
			if kc, err := r.Cookie("sessionkey"); err == nil {
				keys = append(keys, kc.Value)
			}
			if len(keys) == 0 {
				return caller{}, errSession
			}
			for _, k := range keys {
				if subtle.ConstantTimeCompare([]byte(k), []byte(sess.key)) != 1 {
					return caller{}, errSession
				}
			}
			u := s.users[sess.userID]
			if u == nil || u.state != "enabled" {
				return caller{}, errSession
			}
			sess.lastUsed = now
			return caller{u: u}, nil
		}
	}
	if _, ok := p["sessionkey"]; ok && p.fold("signature") == "" {
		return caller{}, errSession
	}
	return s.verifySignature(p, now)
}

func (s *Server) verifySignature(p params, now time.Time) (caller, *apiError) {
	sig, apiKey := p.fold("signature"), p.fold("apikey")
	if sig == "" || apiKey == "" {
		return caller{}, errSignature
	}
	if p.fold("signatureversion") == "3" {
		exp, ok := parseExpires(p.fold("expires"))
		if !ok || exp.Before(now) {
			return caller{}, errSignature
		}
		if s.cfg.enforce && exp.After(now.Add(15*time.Minute)) {
			return caller{}, errSignature
		}
	} else if s.cfg.enforce {
		return caller{}, errSignature
	}
	kp := s.pairByKeyLocked(apiKey)
	if kp == nil {
		return caller{}, errSignature
	}
	if (!kp.start.IsZero() && now.Before(kp.start)) || (!kp.end.IsZero() && !now.Before(kp.end)) {
		return caller{}, errSignature
	}
	u := s.users[kp.userID]
	if u == nil || u.state != "enabled" || strings.EqualFold(u.apiKeyAccess, "disabled") {
		return caller{}, errSignature
	}
	want := computeSignature(p, kp.secret)
	if subtle.ConstantTimeCompare([]byte(want), []byte(sig)) != 1 {
		return caller{}, errSignature
	}
	return caller{u: u, pair: kp}, nil
}

// pairAllows applies a 4.23 pair's rules: the first matching rule decides;
// with rules but no match the command is denied; without rules everything
// the account may do is allowed.
func pairAllows(kp *pair, cmd string) bool {
	if len(kp.rules) == 0 {
		return true
	}
	for _, r := range kp.rules {
		if ruleMatches(r.Rule, cmd) {
			return strings.EqualFold(r.Permission, "allow")
		}
	}
	return false
}

func ruleMatches(rule, cmd string) bool {
	rule, cmd = strings.ToLower(rule), strings.ToLower(cmd)
	if pre, ok := strings.CutSuffix(rule, "*"); ok {
		return strings.HasPrefix(cmd, pre)
	}
	return rule == cmd
}

func (s *Server) login(w http.ResponseWriter, cmd, format string, p params, now time.Time) {
	domain := p.get("domain")
	if domain == "" {
		domain = "/"
	}
	if !strings.HasPrefix(domain, "/") {
		domain = "/" + domain
	}
	if !strings.HasSuffix(domain, "/") {
		domain += "/"
	}
	var found *user
	for _, id := range s.order {
		u := s.users[id]
		if u.username == p.get("username") && u.password != "" && subtle.ConstantTimeCompare([]byte(u.password), []byte(p.get("password"))) == 1 {
			found = u
		}
	}
	if found == nil || domain != "/" || found.state != "enabled" {
		// Not marked fakeserver.Unauthenticated: a failed login keeps its
		// body in the request log, where tests count login commands.
		writeError(w, cmd, format, errorf(531, 4290, "Failed to authenticate user %s in domain %s; please provide valid credentials", p.get("username"), p.get("domain")))
		return
	}
	key := sessionKey()
	jsid := strings.ToUpper(newUUID())
	s.sessions[jsid] = &session{key: key, userID: found.id, lastUsed: now}
	http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: jsid, Path: "/client", HttpOnly: true})
	http.SetCookie(w, &http.Cookie{Name: "sessionkey", Value: key, HttpOnly: true})
	write(w, http.StatusOK, cmd, format, map[string]any{
		"username": found.username, "userid": found.id, "domainid": found.domainID, "timeout": sessionTimeout,
		"account": found.account, "firstname": found.firstname, "lastname": found.lastname,
		"type": found.accountType, "timezone": "UTC", "timezoneoffset": "0.0", "registered": "false",
		"sessionkey": key, "is2faenabled": "false", "is2faverified": "true",
	})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, cmd, format string) {
	if ck, err := r.Cookie("JSESSIONID"); err == nil {
		delete(s.sessions, ck.Value)
	}
	write(w, http.StatusOK, cmd, format, map[string]any{"description": "success"})
}
