package zstacktest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
	"github.com/cloudkeys/cloudkeys/zstack"
)

// identity is who an authenticated request acts as.
type identity struct {
	accountUUID string
	userUUID    string
	admin       bool
}

// apiError is a ZStack ErrorCode answered as a 503 (sync) or as a job's
// result (async).
type apiError struct {
	Code        string `json:"code"`
	Description string `json:"description,omitempty"`
	Details     string `json:"details,omitempty"`
}

func errInvalidSession() *apiError {
	return &apiError{Code: zstack.CodeInvalidSession, Description: "The session is invalid, either wrong session id or the session has been expired", Details: "Session expired"}
}

func errArgument(format string, a ...any) *apiError {
	return &apiError{Code: zstack.CodeInvalidArgument, Description: "One or more API argument is invalid", Details: fmt.Sprintf(format, a...)}
}

// result is what an API produced: a JSON reply or an error.
type result struct {
	reply any
	err   *apiError
}

func ok(v any) result         { return result{reply: v} }
func fail(e *apiError) result { return result{err: e} }
func writeText(w http.ResponseWriter, status int, msg string) {
	w.WriteHeader(status) // no Content-Type, like RestException
	_, _ = io.WriteString(w, msg)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (r result) encode() (int, []byte) {
	if r.err != nil {
		b, _ := json.Marshal(map[string]any{"error": r.err})
		return http.StatusServiceUnavailable, b
	}
	if r.reply == nil {
		return http.StatusOK, []byte("{}")
	}
	b, _ := json.Marshal(r.reply)
	return http.StatusOK, b
}

// serve routes /zstack/v1/... like RestServer.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	full := r.URL.Path
	p, found := strings.CutPrefix(full, "/zstack")
	if !found || !strings.HasPrefix(p, "/v1/") {
		writeText(w, http.StatusNotFound, "no api mapping to "+full)
		return
	}
	body, _ := io.ReadAll(r.Body)
	seg := strings.Split(strings.TrimPrefix(p, "/v1/"), "/")

	switch {
	case seg[0] == "api-jobs" && len(seg) == 2:
		if r.Method != http.MethodGet {
			writeText(w, http.StatusMethodNotAllowed, "only GET method is allowed for querying job status")
			return
		}
		s.jobQuery(w, seg[1])
	case p == "/v1/accounts/login":
		s.method(w, r, http.MethodPut, func() { s.sync(w, s.logInByAccount(body)) })
	case p == "/v1/accounts/users/login":
		s.method(w, r, http.MethodPut, func() { s.sync(w, s.logInByUser(body)) })
	case seg[0] == "accounts" && len(seg) == 3 && seg[1] == "sessions":
		s.method(w, r, http.MethodDelete, func() { delete(s.sessions, seg[2]); s.sync(w, ok(nil)) })
	case seg[0] == "accounts" && len(seg) == 4 && seg[1] == "sessions" && seg[3] == "valid":
		s.method(w, r, http.MethodGet, func() { s.sync(w, s.validate(seg[2])) })
	case seg[0] == "accounts" && len(seg) == 4 && seg[1] == "sessions" && seg[3] == "renew":
		s.method(w, r, http.MethodPut, func() {
			s.async(w, r, func(id *identity) result { return s.renew(id, seg[2], body) })
		})
	case seg[0] == "accesskeys" && len(seg) == 1:
		switch r.Method {
		case http.MethodPost:
			s.async(w, r, func(id *identity) result { return s.createKey(id, body) })
		case http.MethodGet:
			s.syncAuth(w, r, func(id *identity) result { return s.queryKeys(w, id, r, "") })
		default:
			writeText(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed for "+p)
		}
	case seg[0] == "accesskeys" && len(seg) == 2 && seg[1] != "":
		switch r.Method {
		case http.MethodDelete:
			s.async(w, r, func(id *identity) result { return s.deleteKey(id, seg[1], r.URL.Query().Get("deleteMode")) })
		case http.MethodGet:
			s.syncAuth(w, r, func(id *identity) result { return s.queryKeys(w, id, r, seg[1]) })
		default:
			writeText(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed for "+p)
		}
	case seg[0] == "accesskeys" && len(seg) == 3 && seg[2] == "actions":
		s.method(w, r, http.MethodPut, func() {
			var env map[string]json.RawMessage
			if json.Unmarshal(body, &env) != nil {
				writeText(w, http.StatusBadRequest, "the body is not a JSON object")
				return
			}
			params, has := env["changeAccessKeyState"]
			if !has {
				writeText(w, http.StatusBadRequest, "the body doesn't contain a known action")
				return
			}
			s.async(w, r, func(id *identity) result { return s.changeKeyState(id, seg[1], params) })
		})
	default:
		writeText(w, http.StatusNotFound, "no api mapping to "+full)
	}
}

func (s *Server) method(w http.ResponseWriter, r *http.Request, want string, f func()) {
	if r.Method != want {
		writeText(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed")
		return
	}
	f()
}

func (s *Server) sync(w http.ResponseWriter, res result) {
	status, b := res.encode()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// syncAuth runs an authenticated synchronous API (queries).
func (s *Server) syncAuth(w http.ResponseWriter, r *http.Request, f func(*identity) result) {
	id, apiErr, handled := s.authenticate(w, r)
	if handled {
		return
	}
	if apiErr != nil {
		s.sync(w, fail(apiErr))
		return
	}
	res := f(id)
	if res.reply == nil && res.err == nil {
		return // the API wrote a REST error itself
	}
	s.sync(w, res)
}

// async runs an asynchronous API: REST-level checks first (auth header,
// AccessKey signature, X-Job-UUID), then the API runs at once and its
// result is kept as a job; the answer is 202 + location. Session errors
// (ID.1001) surface as the job's result, as on the real server.
func (s *Server) async(w http.ResponseWriter, r *http.Request, f func(*identity) result) {
	id, apiErr, handled := s.authenticate(w, r)
	if handled {
		return
	}
	jobID := r.Header.Get("X-Job-UUID")
	switch {
	case jobID == "":
		jobID = newUUID()
	case len(jobID) != 32:
		writeText(w, http.StatusBadRequest, "Invalid X-Job-UUID["+jobID+"], it must be a UUID with '-' stripped")
		return
	case s.jobs[jobID] != nil:
		writeText(w, http.StatusBadRequest, "Duplicate job uuid["+jobID+"]")
		return
	}
	var res result
	if apiErr != nil {
		res = fail(apiErr)
	} else {
		res = f(id)
	}
	status, b := res.encode()
	s.jobs[jobID] = &job{status: status, body: b, pending: s.pendingPolls, done: s.Now()}
	host := s.jobHost
	if host == "" {
		host = r.Host
	}
	writeJSON(w, http.StatusAccepted, map[string]any{
		"location":   "http://" + host + "/zstack/v1/api-jobs/" + jobID,
		"apiTimeout": 1800000,
	})
}

// jobQuery answers GET /v1/api-jobs/{id} (no auth, like handleJobQuery).
func (s *Server) jobQuery(w http.ResponseWriter, id string) {
	j := s.jobs[id]
	if j != nil && s.Now().Sub(j.done) > JobResultTTL {
		delete(s.jobs, id)
		j = nil
	}
	if j == nil {
		writeText(w, http.StatusNotFound, "the job has been expired")
		return
	}
	if j.pending > 0 {
		j.pending--
		writeJSON(w, http.StatusAccepted, map[string]any{})
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(j.status)
	_, _ = w.Write(j.body)
}

// authenticate checks the Authorization header. REST-level failures are
// written as plain text (handled=true); session failures are returned as
// ID.1001 for the caller to deliver (503 or job result). Every failure is
// marked fakeserver.Unauthenticated: the request log keeps no body.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*identity, *apiError, bool) {
	id, apiErr, handled := s.checkAuthorization(w, r)
	if handled || apiErr != nil {
		fakeserver.Unauthenticated(r)
	}
	return id, apiErr, handled
}

func (s *Server) checkAuthorization(w http.ResponseWriter, r *http.Request) (*identity, *apiError, bool) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	switch {
	case h == "":
		writeText(w, http.StatusBadRequest, "missing header 'Authorization'")
		return nil, nil, true
	case strings.HasPrefix(h, "OAuth"):
		se := s.sessions[strings.TrimSpace(strings.TrimPrefix(h, "OAuth"))]
		now := s.Now()
		if se == nil || now.After(se.expires) {
			return nil, errInvalidSession(), false
		}
		se.expires = now.Add(SessionTimeout) // sliding expiry
		a := s.accounts[se.accountUUID]
		return &identity{accountUUID: se.accountUUID, userUUID: se.userUUID, admin: a != nil && a.admin}, nil, false
	case strings.HasPrefix(h, "ZStack"):
		id, status, msg := s.checkAccessKey(r, strings.TrimSpace(strings.TrimPrefix(h, "ZStack")))
		if status != 0 {
			writeText(w, status, msg)
			return nil, nil, true
		}
		return id, nil, false
	default:
		writeText(w, http.StatusBadRequest, "Authorization type must be 'OAuth'")
		return nil, nil, true
	}
}

// checkAccessKey verifies an AccessKey signature exactly like the server:
// Date parsed as "EEE, dd MMM yyyy HH:mm:ss z" (ParseDate), its wall-clock part within
// ±15 min of the server's own wall clock (checkTimeZone=false: the zone
// label is parsed but ignored), the key enabled, and
// base64(HMAC-SHA1(secret, METHOD\nDate\n/v1/path)) over the decoded path
// without /zstack and without the query.
func (s *Server) checkAccessKey(r *http.Request, rest string) (*identity, int, string) {
	parts := strings.Split(rest, ":")
	if len(parts) != 2 {
		return nil, http.StatusBadRequest, "accessKey format is 'ZStack AccessKeyId:Signature'"
	}
	keyID, sig := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
	date := r.Header.Get("Date")
	if date == "" {
		return nil, http.StatusBadRequest, "'Date' must be incuded in request header"
	}
	parsed, err := ParseDate(date)
	if err != nil {
		return nil, http.StatusBadRequest, "'Date' format error, correct format is 'EEE, dd MMM yyyy HH:mm:ss z'"
	}
	got, now := parsed.Wall, wallClock(s.Now(), s.loc)
	if s.checkTimeZone {
		// rest.checkTimeZone=true: compare instants, the label counts.
		got, now = parsed.Instant, s.Now().UTC()
	}
	if d := got.Sub(now); d > RequestSkew || d < -RequestSkew {
		return nil, http.StatusForbidden, "requestTimeTooSkewed"
	}
	key := s.keysByID[keyID]
	if key == nil || key.state != string(zstack.AccessKeyEnabled) {
		return nil, http.StatusForbidden, "access key id: " + keyID + " does not existed or disabled"
	}
	uri := strings.TrimPrefix(r.URL.Path, "/zstack")
	m := hmac.New(sha1.New, []byte(key.secret))
	m.Write([]byte(r.Method + "\n" + date + "\n" + uri))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return nil, http.StatusForbidden, "wrong accessKey signature"
	}
	a := s.accounts[key.accountUUID]
	return &identity{accountUUID: key.accountUUID, userUUID: key.userUUID, admin: a != nil && a.admin}, 0, ""
}

// wallClock returns t's wall-clock reading in loc as a zone-less time
// (in UTC), for comparing wall clocks.
func wallClock(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

func decodeParams(body []byte, key string, out any) *apiError {
	var env map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil {
		return errArgument("the body is not a JSON object")
	}
	raw, has := env[key]
	if !has {
		return errArgument("the body has no %q", key)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(out); err != nil {
		return errArgument("invalid %s: mistyped field", key)
	}
	return nil
}
