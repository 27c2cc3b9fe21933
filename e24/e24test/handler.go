package e24test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"success":false,"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeError answers the fake's (assumed) error body:
// {"success": false, "error": "<message>"}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"success": false, "error": msg})
}

// errorBody is the body FailNext answers with.
func errorBody(status int) (http.Header, []byte) {
	msg := http.StatusText(status)
	if msg == "" {
		msg = "error " + strconv.Itoa(status)
	}
	b, _ := json.Marshal(map[string]any{"success": false, "error": msg})
	return http.Header{"Content-Type": {"application/json"}}, b
}

func ok(extra map[string]any) map[string]any {
	m := map[string]any{"success": true}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// serve is the vendor handler behind the shared fault injection.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "cannot read body")
		return
	}
	path := r.URL.Path
	if !strings.HasPrefix(path, "/v2/") {
		writeError(w, http.StatusNotFound, "no such endpoint")
		return
	}
	acc := s.authenticate(w, r, body)
	if acc == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	route := strings.TrimPrefix(path, "/v2")
	switch {
	case route == "/account":
		s.onlyMethod(w, r, http.MethodGet, func() { s.getAccount(w, acc) })
	case route == "/account/data":
		s.onlyMethod(w, r, http.MethodPost, func() { s.updateAccount(w, acc, body) })
	case route == "/account/api":
		switch r.Method {
		case http.MethodPut:
			k := newAPIKey()
			acc.keys = append(acc.keys, k)
			writeJSON(w, http.StatusOK, ok(map[string]any{"api": apiJSON(k)}))
		case http.MethodDelete:
			s.deleteAPIKey(w, acc, body)
		default:
			methodNotAllowed(w)
		}
	case route == "/account/api-new-secret-key":
		s.onlyMethod(w, r, http.MethodPost, func() { s.newSecret(w, acc, body) })
	case route == "/account/files-new-secret-key":
		s.onlyMethod(w, r, http.MethodPost, func() { s.newFilesSecret(w, acc, body) })
	case route == "/account/sshkey":
		s.onlyMethod(w, r, http.MethodPut, func() { s.addSSHKey(w, acc, body) })
	case strings.HasPrefix(route, "/account/") && strings.HasSuffix(route, "/sshkey"):
		id := strings.TrimSuffix(strings.TrimPrefix(route, "/account/"), "/sshkey")
		s.onlyMethod(w, r, http.MethodDelete, func() { s.deleteSSHKey(w, acc, id) })
	case route == "/accounts":
		if acc.parent != nil {
			writeError(w, http.StatusForbidden, "sub-accounts cannot manage accounts")
			return
		}
		switch r.Method {
		case http.MethodGet:
			s.listAccounts(w, r, acc)
		case http.MethodPut:
			s.createAccount(w, acc, body)
		default:
			methodNotAllowed(w)
		}
	default:
		writeError(w, http.StatusNotFound, "no such endpoint")
	}
}

func (s *Server) onlyMethod(w http.ResponseWriter, r *http.Request, method string, f func()) {
	if r.Method != method {
		methodNotAllowed(w)
		return
	}
	f()
}

func methodNotAllowed(w http.ResponseWriter) {
	writeError(w, http.StatusMethodNotAllowed, "method not allowed")
}

// decodeBody reads a strict JSON object body into v, or answers 400.
func decodeBody(w http.ResponseWriter, body []byte, v any) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "body is not a valid JSON object")
		return false
	}
	if dec.More() {
		writeError(w, http.StatusBadRequest, "trailing data after the JSON body")
		return false
	}
	return true
}

func apiJSON(k *apiKey) map[string]any {
	return map[string]any{"api_key": k.key, "secret_key": k.secret}
}

func filesJSON(a *account) map[string]any {
	return map[string]any{
		"s3":    map[string]any{"api_id": a.s3.apiID, "secret_key": a.s3.secret},
		"swift": map[string]any{"api_id": a.swift.apiID, "secret_key": a.swift.secret},
	}
}

func sshJSON(k *sshKey) map[string]any {
	return map[string]any{"id": k.id, "name": k.name, "fingerprint": k.fingerprint}
}

func (s *Server) getAccount(w http.ResponseWriter, a *account) {
	api := []any{}
	for _, k := range a.keys {
		api = append(api, apiJSON(k))
	}
	ssh := []any{}
	for _, k := range a.ssh {
		ssh = append(ssh, sshJSON(k))
	}
	groups := []any{}
	for _, g := range a.groups {
		groups = append(groups, map[string]any{"id": g.id, "name": g.name})
	}
	writeJSON(w, http.StatusOK, ok(map[string]any{"account": map[string]any{
		"id": a.id, "name": a.name(), "email": a.email, "phone": a.phone,
		"notification": map[string]any{"email": a.email, "phone": a.phone},
		"e24files":     filesJSON(a), "api": api, "sshkeys": ssh, "groups": groups,
	}}))
}

func (s *Server) updateAccount(w http.ResponseWriter, a *account, body []byte) {
	var in struct {
		FirstName *string `json:"first_name"`
		LastName  *string `json:"last_name"`
		Phone     *string `json:"phone"`
		Password  *string `json:"password"`
	}
	if !decodeBody(w, body, &in) {
		return
	}
	if in.FirstName != nil {
		a.firstName = *in.FirstName
	}
	if in.LastName != nil {
		a.lastName = *in.LastName
	}
	if in.Phone != nil {
		a.phone = *in.Phone
	}
	if in.Password != nil {
		if *in.Password == "" {
			writeError(w, http.StatusBadRequest, "password must not be empty")
			return
		}
		a.password = sha256.Sum256([]byte(*in.Password))
	}
	writeJSON(w, http.StatusOK, ok(nil))
}

// apiKeyField reads {"api_key": "..."}.
func apiKeyField(w http.ResponseWriter, body []byte) (string, bool) {
	var in struct {
		APIKey string `json:"api_key"`
	}
	if !decodeBody(w, body, &in) {
		return "", false
	}
	if in.APIKey == "" {
		writeError(w, http.StatusBadRequest, "api_key is required")
		return "", false
	}
	return in.APIKey, true
}

func (s *Server) deleteAPIKey(w http.ResponseWriter, a *account, body []byte) {
	key, ok2 := apiKeyField(w, body)
	if !ok2 {
		return
	}
	for i, k := range a.keys {
		if k.key == key {
			a.keys = append(a.keys[:i:i], a.keys[i+1:]...)
			writeJSON(w, http.StatusOK, ok(nil))
			return
		}
	}
	writeError(w, http.StatusNotFound, "API key not found")
}

func (s *Server) newSecret(w http.ResponseWriter, a *account, body []byte) {
	key, ok2 := apiKeyField(w, body)
	if !ok2 {
		return
	}
	for _, k := range a.keys {
		if k.key == key {
			k.secret = randSecret()
			writeJSON(w, http.StatusOK, ok(map[string]any{"api": apiJSON(k)}))
			return
		}
	}
	writeError(w, http.StatusNotFound, "API key not found")
}

func (s *Server) newFilesSecret(w http.ResponseWriter, a *account, body []byte) {
	key, ok2 := apiKeyField(w, body)
	if !ok2 {
		return
	}
	known := key == a.s3.apiID || key == a.swift.apiID
	for _, k := range a.keys {
		known = known || k.key == key
	}
	if !known {
		writeError(w, http.StatusNotFound, "API key not found")
		return
	}
	sec := randSecret() + randSecret()
	a.s3.secret, a.swift.secret = sec, sec
	writeJSON(w, http.StatusOK, ok(map[string]any{"e24files": filesJSON(a)}))
}

func (s *Server) addSSHKey(w http.ResponseWriter, a *account, body []byte) {
	var in struct {
		Name    string `json:"name"`
		Method  string `json:"method"`
		Content string `json:"content"`
	}
	if !decodeBody(w, body, &in) {
		return
	}
	if strings.TrimSpace(in.Name) == "" {
		writeError(w, http.StatusBadRequest, "name is required")
		return
	}
	k := &sshKey{name: in.Name}
	var private string
	switch in.Method {
	case "upload":
		_, blob, err := ParseAuthorizedKey(in.Content)
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid SSH key: "+err.Error())
			return
		}
		k.fingerprint, k.publicKey = Fingerprint(blob), strings.TrimSpace(in.Content)
	case "generate":
		pub, fp, priv, err := generateKey(in.Name)
		if err != nil {
			writeError(w, http.StatusInternalServerError, "key generation failed")
			return
		}
		k.fingerprint, k.publicKey, private = fp, pub, priv
	default:
		writeError(w, http.StatusBadRequest, `method must be "upload" or "generate"`)
		return
	}
	k.id = s.nextSSH
	s.nextSSH++
	a.ssh = append(a.ssh, k)
	out := sshJSON(k)
	if private != "" {
		// Undocumented: the fake hands out the generated pair once.
		out["public_key"] = k.publicKey
		out["private_key"] = private
	}
	writeJSON(w, http.StatusOK, ok(map[string]any{"sshkeys": out}))
}

func (s *Server) deleteSSHKey(w http.ResponseWriter, a *account, raw string) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		writeError(w, http.StatusNotFound, "SSH key not found")
		return
	}
	for i, k := range a.ssh {
		if k.id == id {
			a.ssh = append(a.ssh[:i:i], a.ssh[i+1:]...)
			writeJSON(w, http.StatusOK, ok(nil))
			return
		}
	}
	writeError(w, http.StatusNotFound, "SSH key not found")
}

func userJSON(a *account) map[string]any {
	api := []any{}
	for _, k := range a.keys {
		api = append(api, apiJSON(k))
	}
	return map[string]any{
		"id": a.id, "email": a.email, "first_name": a.firstName, "last_name": a.lastName,
		"name": a.name(), "phone": a.phone, "api": api, "e24files": filesJSON(a),
	}
}

func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request, parent *account) {
	q := r.URL.Query()
	limit, offset := -1, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "limit must be a non-negative integer")
			return
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "offset must be a non-negative integer")
			return
		}
		offset = n
	}
	users := []any{}
	i := 0
	for _, a := range s.accounts {
		if a.parent != parent {
			continue
		}
		if i >= offset && (limit < 0 || len(users) < limit) {
			users = append(users, userJSON(a))
		}
		i++
	}
	writeJSON(w, http.StatusOK, ok(map[string]any{"users": users}))
}

func (s *Server) createAccount(w http.ResponseWriter, parent *account, body []byte) {
	var in struct {
		Email     string `json:"email"`
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
		Phone     string `json:"phone"`
		Password  string `json:"password"`
	}
	if !decodeBody(w, body, &in) {
		return
	}
	if !strings.Contains(in.Email, "@") {
		writeError(w, http.StatusBadRequest, "a valid email is required")
		return
	}
	if in.Password == "" {
		writeError(w, http.StatusBadRequest, "password is required")
		return
	}
	for _, a := range s.accounts {
		if strings.EqualFold(a.email, in.Email) {
			writeError(w, http.StatusConflict, "an account with this email exists")
			return
		}
	}
	a := s.newAccount(in.Email, in.FirstName, in.LastName, in.Password, parent)
	a.phone = in.Phone
	writeJSON(w, http.StatusOK, ok(map[string]any{"user": userJSON(a)}))
}
