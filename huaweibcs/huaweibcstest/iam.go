package huaweibcstest

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
)

// iamError is the Keystone-style body IAM answers errors with.
func iamError(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{
		"code": status, "message": msg, "title": http.StatusText(status),
	}})
	writeJSON(w, status, b)
}

type loginRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password struct {
				User struct {
					Name     string `json:"name"`
					Password string `json:"password"`
					Domain   struct {
						Name string `json:"name"`
					} `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope struct {
			Project *struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

// login serves POST /v3/auth/tokens: a password login scoped to the fake's
// project (by id or by name), answered 201 with the token in
// X-Subject-Token and {"token":{"expires_at",...}}.
func (s *Server) login(w http.ResponseWriter, r *http.Request, body []byte) {
	var req loginRequest
	if err := json.Unmarshal(body, &req); err != nil {
		iamError(w, http.StatusBadRequest, "The request body is invalid.")
		return
	}
	id := req.Auth.Identity
	if !slices.Contains(id.Methods, "password") {
		iamError(w, http.StatusBadRequest, "The authentication method is not supported.")
		return
	}
	u := id.Password.User
	s.mu.Lock()
	pw, ok := s.users[userKey{u.Domain.Name, u.Name}]
	s.mu.Unlock()
	if !ok || pw != u.Password || u.Password == "" {
		fakeserver.Unauthenticated(r) // before answering: the request log keeps no body (the password)
		iamError(w, http.StatusUnauthorized, "The username or password is wrong.")
		return
	}
	p := req.Auth.Scope.Project
	if p == nil || (p.ID != ProjectID && p.Name != ProjectName) || (p.ID != "" && p.ID != ProjectID) {
		fakeserver.Unauthenticated(r)
		iamError(w, http.StatusUnauthorized, "The project is not found or the user has no access to it.")
		return
	}
	tok := s.IssueToken()
	s.mu.Lock()
	exp := s.tokens[tok].expires
	s.mu.Unlock()
	s.logins.Add(1)
	now := s.Now()
	b, _ := json.Marshal(map[string]any{"token": map[string]any{
		"methods":    []string{"password"},
		"expires_at": exp.UTC().Format("2006-01-02T15:04:05.000000Z"),
		"issued_at":  now.UTC().Format("2006-01-02T15:04:05.000000Z"),
		"project":    map[string]any{"id": ProjectID, "name": ProjectName, "domain": map[string]string{"name": u.Domain.Name}},
		"user":       map[string]any{"name": u.Name, "domain": map[string]string{"name": u.Domain.Name}},
	}})
	w.Header().Set("X-Subject-Token", tok)
	writeJSON(w, http.StatusCreated, b)
}
