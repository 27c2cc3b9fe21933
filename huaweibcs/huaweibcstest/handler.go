package huaweibcstest

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
	"github.com/cloudkeys/cloudkeys/internal/huaweiwire"
)

// timeZone is the zone of the times the fake sends (the reference's example
// is +08:00).
var timeZone = time.FixedZone("CST", 8*3600)

// timeLayout is RFC 3339 with fractional seconds, as in the reference.
const timeLayout = "2006-01-02T15:04:05.999999Z07:00"

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", randomHex(16))
	body, _ := io.ReadAll(r.Body)

	if r.URL.Path == "/v3/auth/tokens" || r.URL.Path == "/v3/auth/tokens/" {
		if r.Method != http.MethodPost {
			s.gatewayErr(w, http.StatusNotFound, "APIGW.0101", "The API does not exist or has not been published in the environment")
			return
		}
		s.login(w, r, body)
		return
	}

	// /v1/{project_id}/node-provider/credentials[/{credential_id}]
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	pathPID := ""
	if len(parts) >= 2 && parts[0] == "v1" {
		pathPID = parts[1]
	}
	// The gateway authenticates before it looks the API up.
	if !s.authenticate(w, r, body, pathPID) {
		return
	}
	if len(parts) < 4 || len(parts) > 5 || parts[0] != "v1" || parts[2] != "node-provider" || parts[3] != "credentials" ||
		(len(parts) == 4 && r.Method != http.MethodGet && r.Method != http.MethodPost) ||
		(len(parts) == 5 && r.Method != http.MethodDelete) {
		s.gatewayErr(w, http.StatusNotFound, "APIGW.0101", "The API does not exist or has not been published in the environment")
		return
	}
	pid := parts[1]
	if len(pid) != huaweibcs.ProjectIDLength {
		s.serviceErr(w, http.StatusBadRequest, "BCS.03400001", "project_id length must be 32")
		return
	}
	if pid != ProjectID {
		s.gatewayErr(w, http.StatusForbidden, "APIGW.0310", "The project is unavailable.")
		return
	}
	switch {
	case len(parts) == 5:
		s.deleteCredential(w, parts[4])
	case r.Method == http.MethodGet:
		s.listCredentials(w, r)
	default:
		s.createCredential(w, r, body)
	}
}

// authenticate checks X-Auth-Token or the AK/SK signature as the gateway
// does, and answers 401 when they fail. pid is the project id of the path
// ("" when the path has none). A failure is marked
// fakeserver.Unauthenticated: the request log keeps no body.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, body []byte, pid string) bool {
	w = fakeserver.RejectingWriter(w, r)
	if tok := r.Header.Get(huaweibcs.HeaderAuthToken); tok != "" {
		s.mu.Lock()
		rec, ok := s.tokens[tok]
		s.mu.Unlock()
		switch {
		case !ok:
			s.serviceErr(w, http.StatusUnauthorized, "BCS.03401001", "request token is not valid")
			return false
		case !s.Now().Before(rec.expires):
			s.serviceErr(w, http.StatusUnauthorized, "BCS.03401001", "The token must be updated.")
			return false
		case pid != "" && rec.project != pid:
			s.serviceErr(w, http.StatusUnauthorized, "BCS.03401001", "token is not scoped to this project")
			return false
		}
		return true
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		s.gatewayErr(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: Authorization not found")
		return false
	}
	p, err := parseAKSKAuth(auth)
	if err != nil {
		s.gatewayErr(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: unsupported or malformed Authorization header")
		return false
	}
	s.mu.Lock()
	sk, ok := s.keys[p.access]
	s.mu.Unlock()
	if !ok {
		s.gatewayErr(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: ak not found")
		return false
	}
	if !p.signs("x-sdk-date") {
		s.gatewayErr(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: x-sdk-date not signed")
		return false
	}
	date := r.Header.Get(huaweiwire.HeaderSdkDate)
	t, err := time.Parse(huaweiwire.DateFormat, date)
	if err != nil {
		s.gatewayErr(w, http.StatusUnauthorized, "APIGW.0303", "Incorrect app authentication information: invalid x-sdk-date")
		return false
	}
	if d := s.Now().Sub(t); d > MaxSkew || d < -MaxSkew {
		s.gatewayErr(w, http.StatusUnauthorized, "APIGW.0303", "Incorrect app authentication information: signature expired, time:"+date)
		return false
	}
	if !verifyAKSK(sk, r, p, body) {
		s.gatewayErr(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: verify aksk signature fail")
		return false
	}
	if got := r.Header.Get(huaweibcs.HeaderProjectID); pid != "" && got != pid {
		s.gatewayErr(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: X-Project-Id does not match the project in the path")
		return false
	}
	return true
}

type credentialJSON struct {
	ID          string                `json:"id"`
	Description string                `json:"description"`
	CreateTime  string                `json:"create_time"`
	UpdateTime  string                `json:"update_time"`
	NodeIDs     []string              `json:"node_ids,omitempty"`
	ControlType string                `json:"control_type,omitempty"`
	Allowlists  []huaweibcs.Allowlist `json:"allowlists,omitempty"`
}

// intParam reads an optional integer query parameter within [lo, hi].
func intParam(r *http.Request, name string, def, lo, hi int) (int, bool) {
	v, ok := r.URL.Query()[name]
	if !ok {
		return def, true
	}
	n, err := strconv.Atoi(v[0])
	if err != nil || n < lo || n > hi {
		return 0, false
	}
	return n, true
}

func (s *Server) listCredentials(w http.ResponseWriter, r *http.Request) {
	offset, ok := intParam(r, "offset", 0, 0, huaweibcs.MaxOffset)
	if !ok {
		s.serviceErr(w, http.StatusBadRequest, "BCS.03400001", "offset must be an integer in [0, 1000]")
		return
	}
	limit, ok := intParam(r, "limit", DefaultLimit, 1, huaweibcs.MaxLimit)
	if !ok {
		s.serviceErr(w, http.StatusBadRequest, "BCS.03400001", "limit must be an integer in [1, 1000]")
		return
	}
	limit = min(limit, MaxPage)
	s.mu.Lock()
	total := len(s.creds)
	page := []credentialJSON{}
	for i := offset; i < total && len(page) < limit; i++ {
		c := s.creds[i]
		page = append(page, credentialJSON{
			ID: c.ID, Description: c.Description,
			CreateTime: c.CreatedAt.In(timeZone).Format(timeLayout),
			UpdateTime: c.LastUsedAt.In(timeZone).Format(timeLayout),
			NodeIDs:    c.Policy.NodeIDs, ControlType: c.Policy.ControlType, Allowlists: c.Policy.Allowlists,
		})
	}
	s.mu.Unlock()
	b, _ := json.Marshal(struct {
		Credentials []credentialJSON `json:"credentials"`
		Count       int              `json:"count"`
	}{page, total})
	writeJSON(w, http.StatusOK, b)
}

func (s *Server) createCredential(w http.ResponseWriter, r *http.Request, body []byte) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		s.serviceErr(w, http.StatusBadRequest, "BCS.03400006", "content type must be application/json")
		return
	}
	var req struct {
		Description string `json:"description"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		s.serviceErr(w, http.StatusBadRequest, "BCS.03400001", "unmarshal request data error")
		return
	}
	if utf8.RuneCountInString(req.Description) > huaweibcs.MaxDescriptionLength {
		s.serviceErr(w, http.StatusBadRequest, "BCS.03400001", "description length must be in [0, 100]")
		return
	}
	s.mu.Lock()
	rec := *s.addLocked(req.Description)
	format, fileFunc := s.format, s.fileFunc
	s.mu.Unlock()

	file := credentialCSV(rec)
	if fileFunc != nil {
		file = fileFunc(rec)
	}
	if format == FileCSV {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="credential.csv"`)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(file)
		return
	}
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	f, _ := zw.Create("credential.csv")
	_, _ = f.Write(file)
	_ = zw.Close()
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="credential.zip"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(zb.Bytes())
}

// credentialCSV is the fake's credential.csv: a header row
// "Credential ID,API Key,Description,Create Time" and one data row.
func credentialCSV(rec CredentialRecord) []byte {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	_ = cw.Write([]string{"Credential ID", "API Key", "Description", "Create Time"})
	_ = cw.Write([]string{rec.ID, rec.Secret.Reveal(), rec.Description, rec.CreatedAt.In(timeZone).Format(timeLayout)})
	cw.Flush()
	return b.Bytes()
}

func (s *Server) deleteCredential(w http.ResponseWriter, id string) {
	if len(id) != huaweibcs.CredentialIDLength {
		s.serviceErr(w, http.StatusBadRequest, "BCS.03400001", "credential_id length must be 36")
		return
	}
	s.mu.Lock()
	i := s.indexLocked(id)
	if i >= 0 {
		s.creds = append(s.creds[:i], s.creds[i+1:]...)
	}
	s.mu.Unlock()
	if i < 0 {
		s.serviceErr(w, http.StatusNotFound, "BCS.03404001", "credential ["+id+"] not found")
		return
	}
	w.WriteHeader(http.StatusOK)
}
