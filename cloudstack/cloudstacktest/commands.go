package cloudstacktest

import (
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cloudkeys/cloudkeys/cloudstack"
)

const dateLayout = "2006-01-02T15:04:05-0700"

func (s *Server) dispatch(w http.ResponseWriter, cmd, format string, p params, c caller, now time.Time) {
	var body any
	var e *apiError
	kp := s.keyPairs()
	switch strings.ToLower(cmd) {
	case "listcapabilities":
		body = map[string]any{"capability": map[string]any{
			"cloudstackversion": s.cfg.version, "securitygroupsenabled": false, "userpublictemplateenabled": true,
			"projectinviterequired": false, "allowusercreateprojects": true, "apilimitinterval": 1, "apilimitmax": -1,
		}}
	case "listapis":
		body, e = s.listApis(p)
	case "updateuser":
		body, e = s.updateUser(cmd, p, c)
	case "listusers":
		body, e = s.listUsers(p, c)
	case "getuser":
		body, e = s.getUser(p, c)
	case "getuserkeys":
		body, e = s.getUserKeys(p, c)
	case "registeruserkeys":
		body, e = s.registerUserKeys(cmd, p, c, now)
	case "queryasyncjobresult":
		body, e = s.queryJob(p, c)
	case "listuserkeys", "deleteuserkeys", "listuserkeyrules":
		if !kp {
			e = unknownCommand(cmd)
			break
		}
		switch strings.ToLower(cmd) {
		case "listuserkeys":
			body, e = s.listUserKeys(p, c)
		case "deleteuserkeys":
			body, e = s.deleteUserKeys(cmd, p, c, now)
		default:
			body, e = s.listUserKeyRules(p, c)
		}
	default:
		e = unknownCommand(cmd)
	}
	if e != nil {
		writeError(w, cmd, format, e)
		return
	}
	write(w, http.StatusOK, cmd, format, body)
}

// mayAccess is checkAccess: a root admin reaches everyone, others only
// their own account.
func (c caller) mayAccess(u *user) bool {
	return c.rootAdmin() || c.u.accountID == u.accountID
}

func (s *Server) userJSON(u *user) map[string]any {
	m := map[string]any{
		"id": u.id, "username": u.username, "firstname": u.firstname, "lastname": u.lastname, "email": u.email,
		"created": u.created.Format(dateLayout), "state": u.state, "account": u.account, "accountid": u.accountID,
		"accounttype": u.accountType, "domainid": u.domainID, "domain": "ROOT", "isdefault": u.id == SystemUserID || u.id == s.adminID,
		"roletype": roleType(u.accountType), "rolename": roleName(u.accountType), "iscallerchilddomain": false,
	}
	if u.timezone != "" {
		m["timezone"] = u.timezone
	}
	if u.apiKeyAccess != "" {
		m["apikeyaccess"] = u.apiKeyAccess
	} else {
		m["apikeyaccess"] = "Inherit"
	}
	if p := s.latestPairLocked(u.id); p != nil {
		m["apikey"] = p.apiKey
	}
	return m
}

func roleType(t int) string {
	switch t {
	case AccountTypeAdmin:
		return "Admin"
	case AccountTypeDomainAdmin:
		return "DomainAdmin"
	}
	return "User"
}

func roleName(t int) string {
	switch t {
	case AccountTypeAdmin:
		return "Root Admin"
	case AccountTypeDomainAdmin:
		return "Domain Admin"
	}
	return "User"
}

// page applies page/pagesize (1-based; pagesize -1 or absent = all).
func page[T any](items []T, p params) ([]T, *apiError) {
	ps, pg := p.get("pagesize"), p.get("page")
	if ps == "" {
		return items, nil
	}
	size, err := strconv.Atoi(ps)
	if err != nil {
		return nil, paramError("Unable to execute API command due to invalid value. Invalid parameter pagesize value=%s due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.", ps)
	}
	if size == -1 {
		return items, nil
	}
	n := 1
	if pg != "" {
		if n, err = strconv.Atoi(pg); err != nil || n < 1 {
			return nil, paramError("Invalid page parameter value: %s", pg)
		}
	}
	if size < 1 {
		return nil, paramError("Page size can't be less than 1 or greater than 500")
	}
	start := (n - 1) * size
	if start >= len(items) {
		return nil, nil
	}
	end := min(start+size, len(items))
	return items[start:end], nil
}

func (s *Server) listUsers(p params, c caller) (any, *apiError) {
	var out []map[string]any
	kw := strings.ToLower(p.get("keyword"))
	for _, id := range s.order {
		u := s.users[id]
		if id == SystemUserID || !c.mayAccess(u) {
			continue
		}
		if v := p.get("id"); v != "" && v != u.id {
			continue
		}
		if v := p.get("username"); v != "" && v != u.username {
			continue
		}
		if v := p.get("account"); v != "" && v != u.account {
			continue
		}
		if v := p.get("state"); v != "" && !strings.EqualFold(v, u.state) {
			continue
		}
		if kw != "" && !strings.Contains(strings.ToLower(u.username+" "+u.firstname+" "+u.lastname+" "+u.email+" "+u.account), kw) {
			continue
		}
		out = append(out, s.userJSON(u))
	}
	total := len(out)
	pg, e := page(out, p)
	if e != nil {
		return nil, e
	}
	if total == 0 {
		return map[string]any{}, nil // the real empty answer: no count, no array
	}
	return map[string]any{"count": total, "user": pg}, nil
}

func (s *Server) getUser(p params, c caller) (any, *apiError) {
	k := p.get("userapikey")
	if k == "" {
		return nil, paramError("Unable to execute API command getuser due to missing parameter userapikey")
	}
	kp := s.pairByKeyLocked(k)
	if kp == nil || s.users[kp.userID] == nil {
		return nil, paramError("User with specified API key does not exist")
	}
	u := s.users[kp.userID]
	if !c.mayAccess(u) {
		return nil, permissionError("Account %s does not have permission to operate within domain id=%s", c.u.account, u.domainID)
	}
	return map[string]any{"user": s.userJSON(u)}, nil
}

// targetUser resolves the id parameter to a user the caller may handle.
func (s *Server) targetUser(cmd, id string, c caller) (*user, *apiError) {
	if id == "" {
		return nil, paramError("Unable to execute API command %s due to missing parameter id", strings.ToLower(cmd))
	}
	u := s.users[id]
	if u == nil {
		return nil, invalidEntity(cmd, "id", id)
	}
	if u.state != "enabled" {
		return nil, paramError("Unable to find user by id")
	}
	if !c.mayAccess(u) {
		return nil, permissionError("Account %s does not have permission to operate with resource %s", c.u.account, u.id)
	}
	return u, nil
}

// npeAccessingKeyPair is the 530 of getUserKeys on the integration port
// since 4.22 (apache/cloudstack PR #14104): the command dereferences the
// key pair of the caller, and SYSTEM there has none.
var npeAccessingKeyPair = errorf(530, 9999, "Cannot invoke \"org.apache.cloudstack.acl.apikeypair.ApiKeyPair.getUserId()\" because \"accessingKeyPair\" is null")

func (s *Server) getUserKeys(p params, c caller) (any, *apiError) {
	u, e := s.targetUser("getUserKeys", p.get("id"), c)
	if e != nil {
		return nil, e
	}
	if s.cfg.integration && cloudstack.VersionAtLeast(s.cfg.version, 4, 22) {
		return nil, npeAccessingKeyPair
	}
	keys := map[string]any{"apikeyaccess": !strings.EqualFold(u.apiKeyAccess, "disabled")}
	if kp := s.latestPairLocked(u.id); kp != nil {
		keys["apikey"], keys["secretkey"] = kp.apiKey, kp.secret
	}
	return map[string]any{"userkeys": keys}, nil
}

var rulesRE = regexp.MustCompile(`^rules\[(\d+)\]\.(rule|permission|description)$`)

func (s *Server) registerUserKeys(cmd string, p params, c caller, now time.Time) (any, *apiError) {
	u, e := s.targetUser(cmd, p.get("id"), c)
	if e != nil {
		return nil, e
	}
	if u.id == SystemUserID {
		return nil, permissionError("Can not register keys for the system user")
	}
	if !s.keyPairs() {
		kp := s.newPairLocked(u.id, "", "", time.Time{}, time.Time{}, nil)
		return map[string]any{"userkeys": map[string]any{"apikey": kp.apiKey, "secretkey": kp.secret,
			"apikeyaccess": !strings.EqualFold(u.apiKeyAccess, "disabled")}}, nil
	}
	if len(p.get("description")) > 1024 {
		return nil, paramError("description is longer than 1024 characters")
	}
	var start, end time.Time
	for name, t := range map[string]*time.Time{"startdate": &start, "enddate": &end} {
		if v := p.get(name); v != "" {
			d, ok := parseDate(v)
			if !ok {
				return nil, paramError("Unable to parse date %s for parameter %s, please pass dates in the format mentioned in the api documentation", v, name)
			}
			*t = d
		}
	}
	if !start.IsZero() && !end.IsZero() && !end.After(start) {
		return nil, paramError("Please specify an end date that is after the start date")
	}
	if !end.IsZero() && !end.After(now) {
		return nil, paramError("Please specify an end date in the future")
	}
	rules, e := parseRules(p)
	if e != nil {
		return nil, e
	}
	kp := s.newPairLocked(u.id, p.get("name"), p.get("description"), start, end, rules)
	res := map[string]any{"userkeys": s.pairJSON(kp, true, false)}
	if s.cfg.syncReg {
		return res, nil
	}
	// RegisterUserKeysCmd is a BaseAsyncCmd, not a create command: its
	// immediate answer carries the job id only.
	j := s.newJobLocked("org.apache.cloudstack.api.command.admin.user.RegisterUserKeysCmd", c.u.id, res)
	return map[string]any{"jobid": j.id}, nil
}

func parseDate(v string) (time.Time, bool) {
	for _, l := range []string{dateLayout, time.RFC3339, "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(l, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func parseRules(p params) ([]cloudstack.KeyRule, *apiError) {
	byIdx := map[int]*cloudstack.KeyRule{}
	for name, v := range p {
		m := rulesRE.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		i, _ := strconv.Atoi(m[1])
		r := byIdx[i]
		if r == nil {
			r = &cloudstack.KeyRule{}
			byIdx[i] = r
		}
		switch m[2] {
		case "rule":
			r.Rule = v
		case "permission":
			r.Permission = v
		case "description":
			r.Description = v
		}
	}
	idx := make([]int, 0, len(byIdx))
	for i := range byIdx {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	var out []cloudstack.KeyRule
	for _, i := range idx {
		r := byIdx[i]
		if r.Rule == "" || (!strings.EqualFold(r.Permission, "allow") && !strings.EqualFold(r.Permission, "deny")) {
			return nil, paramError("Invalid rule at index %d: a rule needs a name and a permission of allow or deny", i)
		}
		if len(r.Description) > 255 {
			return nil, paramError("Rule description is longer than 255 characters")
		}
		out = append(out, *r)
	}
	return out, nil
}

// pairJSON is an ApiKeyPairResponse, which names the pair's id "uuid".
func (s *Server) pairJSON(kp *pair, withSecret, withRules bool) map[string]any {
	u := s.users[kp.userID]
	m := map[string]any{
		"uuid": kp.id, "name": kp.name, "description": kp.description, "apikey": kp.apiKey,
		"userid": kp.userID, "created": kp.created.Format(dateLayout), "state": "Enabled",
		"domainid": RootDomainID, "domain": "ROOT", "domainpath": "ROOT",
	}
	if u != nil {
		m["username"], m["accountid"], m["accountname"] = u.username, u.accountID, u.account
		m["accounttype"], m["roletype"], m["rolename"] = strings.ToUpper(roleType(u.accountType)), roleType(u.accountType), roleName(u.accountType)
	}
	if !kp.start.IsZero() {
		m["startdate"] = kp.start.Format(dateLayout)
	}
	if !kp.end.IsZero() {
		m["enddate"] = kp.end.Format(dateLayout)
		if !s.Now().Before(kp.end) {
			m["state"] = "Expired"
		}
	}
	if withSecret {
		m["secretkey"] = kp.secret
	}
	if withRules {
		m["permissions"] = rulesJSON(kp.rules)
	}
	return m
}

func rulesJSON(rules []cloudstack.KeyRule) []map[string]any {
	out := []map[string]any{}
	for _, r := range rules {
		out = append(out, map[string]any{"rule": r.Rule, "permission": strings.ToLower(r.Permission), "description": r.Description})
	}
	return out
}

// listUserKeys reproduces the 4.23 behaviour that count is the total before
// the userid/keypairid/keyword filters (PR #13828).
func (s *Server) listUserKeys(p params, c caller) (any, *apiError) {
	if id := p.get("keypairid"); id != "" && s.pairByIDLocked(id) == nil {
		return nil, invalidEntity("listUserKeys", "keypairid", id)
	}
	if id := p.get("userid"); id != "" && s.users[id] == nil {
		return nil, invalidEntity("listUserKeys", "userid", id)
	}
	listAll := p.get("listall") == "true"
	// The JSON is built for the page only: listing 100,000 pairs page by
	// page must not build every pair's object for every page.
	visible := 0
	var out []*pair
	for _, kp := range s.livePairsLocked() {
		u := s.users[kp.userID]
		if u == nil || !c.mayAccess(u) {
			continue
		}
		if !listAll && p.get("userid") == "" && p.get("keypairid") == "" && u.id != c.u.id {
			continue
		}
		visible++
		if v := p.get("userid"); v != "" && v != kp.userID {
			continue
		}
		if v := p.get("keypairid"); v != "" && v != kp.id {
			continue
		}
		if kw := strings.ToLower(p.get("keyword")); kw != "" && !strings.Contains(strings.ToLower(kp.name+" "+kp.description), kw) {
			continue
		}
		out = append(out, kp)
	}
	pg, e := page(out, p)
	if e != nil {
		return nil, e
	}
	if len(out) == 0 {
		return map[string]any{}, nil
	}
	withRules := p.get("showpermissions") == "true"
	var list []map[string]any // nil past the last page, as before
	if pg != nil {
		list = make([]map[string]any, 0, len(pg))
	}
	for _, kp := range pg {
		list = append(list, s.pairJSON(kp, false, withRules))
	}
	return map[string]any{"count": visible, "userapikey": list}, nil
}

func (s *Server) deleteUserKeys(cmd string, p params, c caller, _ time.Time) (any, *apiError) {
	id := p.get("keypairid")
	if id == "" {
		return nil, paramError("Unable to execute API command deleteuserkeys due to missing parameter keypairid")
	}
	kp := s.pairByIDLocked(id)
	if kp == nil {
		return nil, invalidEntity(cmd, "keypairid", id)
	}
	if u := s.users[kp.userID]; u == nil || !c.mayAccess(u) {
		return nil, permissionError("Account %s does not have permission to operate with resource %s", c.u.account, id)
	}
	kp.removed = true
	j := s.newJobLocked("org.apache.cloudstack.api.command.admin.user.DeleteUserKeysCmd", c.u.id, map[string]any{"success": true})
	return map[string]any{"jobid": j.id}, nil
}

func (s *Server) listUserKeyRules(p params, c caller) (any, *apiError) {
	id := p.get("id")
	if id == "" {
		id = p.get("keypairid")
	}
	kp := s.pairByIDLocked(id)
	if kp == nil {
		return nil, invalidEntity("listUserKeyRules", "id", id)
	}
	if u := s.users[kp.userID]; u == nil || !c.mayAccess(u) {
		return nil, permissionError("Account %s does not have permission to operate with resource %s", c.u.account, id)
	}
	return map[string]any{"count": len(kp.rules), "keypermission": rulesJSON(kp.rules)}, nil
}

func (s *Server) newJobLocked(cmd, userID string, result any) *job {
	j := &job{id: newUUID(), cmd: cmd, userID: userID, status: 1, result: result, pending: s.cfg.pending, created: s.Now()}
	if len(s.failJobs) > 0 {
		f := &s.failJobs[0]
		j.status, j.resultCode = 2, 530
		j.result = map[string]any{"errorcode": f.code, "errortext": f.text}
		if f.n--; f.n <= 0 {
			s.failJobs = s.failJobs[1:]
		}
	}
	s.jobs[j.id] = j
	return j
}

func (s *Server) queryJob(p params, c caller) (any, *apiError) {
	j := s.jobs[p.get("jobid")]
	if j == nil {
		return nil, invalidEntity("queryAsyncJobResult", "jobid", p.get("jobid"))
	}
	if j.userID != c.u.id && !c.rootAdmin() {
		return nil, permissionError("Account %s does not have permission to access job %s", c.u.account, j.id)
	}
	m := map[string]any{
		"jobid": j.id, "cmd": j.cmd, "userid": j.userID, "jobprocstatus": 0,
		"created": j.created.Format(dateLayout),
	}
	if j.pending > 0 {
		j.pending--
		m["jobstatus"], m["jobresultcode"] = 0, 0
		return m, nil
	}
	m["jobstatus"], m["jobresultcode"], m["jobresulttype"], m["jobresult"] = j.status, j.resultCode, "object", j.result
	m["completed"] = j.created.Format(dateLayout)
	return m, nil
}

// FailJobs makes the next n asynchronous jobs fail with the given CloudStack
// error code and text (jobstatus 2, jobresult {errorcode, errortext}); the
// command's effect is still applied.
func (s *Server) FailJobs(n, code int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failJobs = append(s.failJobs, jobFailure{n: n, code: code, text: text})
}

type jobFailure struct {
	n, code int
	text    string
}

// unknownCommand is the 432 answer for a command the version lacks.
func unknownCommand(cmd string) *apiError {
	return &apiError{code: 432, cs: 9999, text: "The given command:" + cmd + " does not exist or it is not available for user", global: true}
}
