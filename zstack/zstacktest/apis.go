package zstacktest

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cloudkeys/cloudkeys/internal/zstackwire"
	"github.com/cloudkeys/cloudkeys/zstack"
)

func (s *Server) date(t time.Time) string { return zstackwire.FormatInventoryDate(t, s.loc) }

func (s *Server) sessionInventory(se *session) map[string]any {
	return map[string]any{"inventory": map[string]any{
		"uuid": se.uuid, "accountUuid": se.accountUUID, "userUuid": se.userUUID,
		"expiredDate": s.date(se.expires), "createDate": s.date(se.created),
	}}
}

func errAuthFailed() *apiError {
	return &apiError{Code: zstack.CodeAuthFailed, Description: "Unable to authenticate a user", Details: "wrong account name or password"}
}

func (s *Server) newSession(accountUUID, userUUID string) *session {
	now := s.Now()
	se := &session{uuid: newUUID(), accountUUID: accountUUID, userUUID: userUUID, created: now, expires: now.Add(SessionTimeout)}
	s.sessions[se.uuid] = se
	return se
}

func (s *Server) accountByName(name string) *account {
	for _, a := range s.accounts {
		if a.name == name {
			return a
		}
	}
	return nil
}

func (s *Server) logInByAccount(body []byte) result {
	var p struct {
		AccountName string `json:"accountName"`
		Password    string `json:"password"`
	}
	if e := decodeParams(body, "logInByAccount", &p); e != nil {
		return fail(e)
	}
	a := s.accountByName(p.AccountName)
	if a == nil || a.pwHash != p.Password {
		return fail(errAuthFailed())
	}
	return ok(s.sessionInventory(s.newSession(a.uuid, a.uuid)))
}

func (s *Server) logInByUser(body []byte) result {
	var p struct {
		AccountName string `json:"accountName"`
		AccountUUID string `json:"accountUuid"`
		UserName    string `json:"userName"`
		Password    string `json:"password"`
	}
	if e := decodeParams(body, "logInByUser", &p); e != nil {
		return fail(e)
	}
	acct := p.AccountUUID
	if a := s.accountByName(p.AccountName); acct == "" && a != nil {
		acct = a.uuid
	}
	for _, u := range s.users {
		if u.accountUUID == acct && u.name == p.UserName && u.pwHash == p.Password {
			return ok(s.sessionInventory(s.newSession(u.accountUUID, u.uuid)))
		}
	}
	return fail(errAuthFailed())
}

func (s *Server) validate(uuid string) result {
	se := s.sessions[uuid]
	return ok(map[string]any{"valid": se != nil && !s.Now().After(se.expires)})
}

func (s *Server) renew(id *identity, uuid string, body []byte) result {
	var p struct {
		Duration int64 `json:"duration"`
	}
	if e := decodeParams(body, "renewSession", &p); e != nil {
		return fail(e)
	}
	if p.Duration < 60 || p.Duration > 31536000 {
		return fail(errArgument("duration must be between 60 and 31536000"))
	}
	se := s.sessions[uuid]
	if se == nil || s.Now().After(se.expires) {
		return fail(errInvalidSession())
	}
	if !id.admin && se.accountUUID != id.accountUUID {
		return fail(&apiError{Code: zstack.CodePermissionDenied, Description: "Permission denied", Details: "cannot renew another account's session"})
	}
	se.expires = s.Now().Add(time.Duration(p.Duration) * time.Second)
	return ok(s.sessionInventory(se))
}

func (s *Server) keyInventory(k *accessKey, withSecret bool) map[string]any {
	m := map[string]any{
		"uuid": k.uuid, "accountUuid": k.accountUUID, "userUuid": k.userUUID, "AccessKeyID": k.id,
		"state": k.state, "createDate": s.date(k.created), "lastOpDate": s.date(k.lastOp),
	}
	if k.description != "" {
		m["description"] = k.description
	}
	if withSecret {
		m["AccessKeySecret"] = k.secret
	}
	return m
}

func (s *Server) createKey(id *identity, body []byte) result {
	var p struct {
		AccountUUID     string `json:"accountUuid"`
		UserUUID        string `json:"userUuid"`
		Description     string `json:"description"`
		AccessKeyID     string `json:"AccessKeyID"`
		AccessKeySecret string `json:"AccessKeySecret"`
		ResourceUUID    string `json:"resourceUuid"`
	}
	if e := decodeParams(body, "params", &p); e != nil {
		return fail(e)
	}
	switch {
	case p.AccountUUID == "" || len(p.AccountUUID) > 32:
		return fail(errArgument("accountUuid is required, at most 32 characters"))
	case len(p.UserUUID) > 32:
		return fail(errArgument("userUuid is at most 32 characters"))
	case len([]rune(p.Description)) > 2048:
		return fail(errArgument("description is at most 2048 characters"))
	case (p.AccessKeyID == "") != (p.AccessKeySecret == ""):
		return fail(errArgument("If a specified Accesskey is expected, the AccesskeyId and the AccesskeySecret must be provided at the same time."))
	case p.AccessKeyID != "" && (len(p.AccessKeyID) < 10 || len(p.AccessKeyID) > 20 || strings.Contains(p.AccessKeyID, ":")):
		return fail(errArgument("AccessKeyID must be 10-20 characters without ':'"))
	case p.AccessKeySecret != "" && (len(p.AccessKeySecret) < 10 || len(p.AccessKeySecret) > 40 || strings.Contains(p.AccessKeySecret, ":")):
		return fail(errArgument("AccessKeySecret must be 10-40 characters without ':'"))
	}
	a := s.accounts[p.AccountUUID]
	if a == nil {
		return fail(errArgument("invalid value[%s] of field[accountUuid]", p.AccountUUID))
	}
	if !id.admin && p.AccountUUID != id.accountUUID {
		return fail(errArgument("No permission to modify the AccessKey for current account"))
	}
	if !a.admin {
		n := 0
		for _, k := range s.keys {
			if k.accountUUID == a.uuid {
				n++
			}
		}
		if n >= MaxKeysPerAccount {
			return fail(errArgument("The number of access keys for account[uuid=%s] has exceeded the maximum limit", a.uuid))
		}
	}
	if p.ResourceUUID != "" && s.keys[p.ResourceUUID] != nil {
		return fail(errArgument("resource uuid[%s] already exists", p.ResourceUUID))
	}
	keyID, secret := p.AccessKeyID, p.AccessKeySecret
	if keyID == "" {
		keyID, secret = randomAlnum(generatedKeyIDLen), randomAlnum(generatedKeySecretLn)
	}
	for _, k := range s.keys {
		if k.id == keyID {
			return fail(errArgument("AccessKeyID already exists"))
		}
	}
	if p.UserUUID == "" {
		p.UserUUID = p.AccountUUID
	}
	k := s.addKey(p.AccountUUID, p.UserUUID, p.ResourceUUID, p.Description, keyID, secret)
	return ok(map[string]any{"inventory": s.keyInventory(k, true)})
}

func (s *Server) deleteKey(id *identity, uuid, mode string) result {
	if mode != "" && mode != string(zstack.DeletePermissive) && mode != string(zstack.DeleteEnforcing) {
		return fail(errArgument("invalid deleteMode[%s]", mode))
	}
	k := s.keys[uuid]
	if k == nil {
		return ok(nil) // deleting an unknown uuid succeeds
	}
	if !id.admin && k.accountUUID != id.accountUUID {
		return fail(errArgument("No permission to modify the AccessKey for current account"))
	}
	s.removeKey(uuid)
	return ok(nil)
}

func (s *Server) changeKeyState(id *identity, uuid string, raw json.RawMessage) result {
	var p struct {
		StateEvent string `json:"stateEvent"`
	}
	if json.Unmarshal(raw, &p) != nil {
		return fail(errArgument("invalid changeAccessKeyState"))
	}
	k := s.keys[uuid]
	if k == nil {
		return fail(&apiError{Code: zstack.CodeNotFound, Description: "Resource not found", Details: "AccessKey[uuid=" + uuid + "] not found"})
	}
	if !id.admin && k.accountUUID != id.accountUUID {
		return fail(errArgument("No permission to modify the AccessKey for current account"))
	}
	switch p.StateEvent {
	case "enable":
		k.state = string(zstack.AccessKeyEnabled)
	case "disable":
		k.state = string(zstack.AccessKeyDisabled)
	default:
		return fail(errArgument("invalid stateEvent[%s], valid values are [enable, disable]", p.StateEvent))
	}
	k.lastOp = s.Now()
	return ok(map[string]any{"inventory": s.keyInventory(k, true)})
}

// queryKeys answers GET /v1/accesskeys[/{uuid}] with the q= syntax.
// REST-level errors (a condition without operator, a non-integer start or
// limit) are written as 400 text, and an empty result is returned.
func (s *Server) queryKeys(w http.ResponseWriter, id *identity, r *http.Request, uuid string) result {
	q := r.URL.Query()
	type cond struct {
		field string
		op    zstack.Op
		value string
	}
	var conds []cond
	start, limit := 0, DefaultQueryLimit
	var count, withCount bool
	var sortField string
	var sortDesc bool
	var fields []string
	if uuid != "" {
		conds = append(conds, cond{"uuid", zstack.OpEq, uuid})
	} else {
		for _, c := range q["q"] {
			f, op, v, err := zstack.ParseCondition(c)
			if err != nil {
				writeText(w, http.StatusBadRequest, "invalid query condition["+c+"], no operator found")
				return result{}
			}
			conds = append(conds, cond{f, op, v})
		}
		var err error
		if v := q.Get("start"); v != "" {
			if start, err = strconv.Atoi(v); err != nil || start < 0 {
				writeText(w, http.StatusBadRequest, "Invalid query parameter. 'start' must be an integer")
				return result{}
			}
		}
		if v := q.Get("limit"); v != "" {
			if limit, err = strconv.Atoi(v); err != nil || limit < 0 {
				writeText(w, http.StatusBadRequest, "Invalid query parameter. 'limit' must be an integer")
				return result{}
			}
		}
		count = q.Get("count") == "true"
		withCount = q.Get("replyWithCount") == "true"
		if v := q.Get("sort"); v != "" {
			sortField = strings.TrimLeft(v, "+-")
			sortDesc = strings.HasPrefix(v, "-")
		}
		if v := q.Get("fields"); v != "" {
			fields = strings.Split(v, ",")
		}
	}
	// Inventories are built only where a condition or the sort reads them,
	// and otherwise for the page alone: a list of 100,000 keys pages in
	// linear time, not quadratic (bench: streaming ListKeys).
	type hit struct {
		k   *accessKey
		inv map[string]any
	}
	var hits []hit
	total := 0
	for _, k := range s.sortedKeys() {
		if !id.admin && k.accountUUID != id.accountUUID {
			continue
		}
		var inv map[string]any
		if len(conds) > 0 || sortField != "" {
			inv = s.keyInventory(k, false)
		}
		all := true
		for _, c := range conds {
			if !known(c.field) {
				return fail(errArgument("entity[AccessKeyInventory] has no field[%s]", c.field))
			}
			got, has := inv[c.field].(string)
			if !matches(c.op, got, has, c.value) {
				all = false
				break
			}
		}
		if !all {
			continue
		}
		total++
		// Without a sort, only the requested window is kept.
		if sortField != "" || (total > start && total-start <= limit) {
			hits = append(hits, hit{k, inv})
		}
	}
	if sortField != "" {
		if !known(sortField) {
			return fail(errArgument("entity[AccessKeyInventory] has no field[%s]", sortField))
		}
		sort.SliceStable(hits, func(i, j int) bool {
			a, _ := hits[i].inv[sortField].(string)
			b, _ := hits[j].inv[sortField].(string)
			if sortDesc {
				return a > b
			}
			return a < b
		})
	}
	if count {
		return ok(map[string]any{"total": total})
	}
	if sortField != "" {
		hits = hits[min(start, len(hits)):]
		if limit < len(hits) {
			hits = hits[:limit]
		}
	}
	match := make([]map[string]any, len(hits))
	for i, h := range hits {
		if h.inv == nil {
			h.inv = s.keyInventory(h.k, false)
		}
		match[i] = h.inv
	}
	if len(fields) > 0 {
		for i, inv := range match {
			m := map[string]any{}
			for _, f := range fields {
				if v, has := inv[f]; has {
					m[f] = v
				}
			}
			match[i] = m
		}
	}
	out := map[string]any{"inventories": append([]map[string]any{}, match...)}
	if withCount {
		out["total"] = total
	}
	return ok(out)
}

var inventoryFields = map[string]bool{
	"uuid": true, "description": true, "accountUuid": true, "userUuid": true, "AccessKeyID": true,
	"state": true, "createDate": true, "lastOpDate": true,
}

func known(f string) bool { return inventoryFields[f] }

// matches compares as strings (the fields of an AccessKey are strings).
func matches(op zstack.Op, got string, has bool, want string) bool {
	switch op {
	case zstack.OpIsNull:
		return !has || got == ""
	case zstack.OpNotNull:
		return has && got != ""
	case zstack.OpEq:
		return has && got == want
	case zstack.OpNotEq:
		return !has || got != want
	case zstack.OpGt:
		return has && got > want
	case zstack.OpLt:
		return has && got < want
	case zstack.OpGte:
		return has && got >= want
	case zstack.OpLte:
		return has && got <= want
	case zstack.OpIn:
		return has && inList(got, want)
	case zstack.OpNotIn:
		return !has || !inList(got, want)
	case zstack.OpLike:
		return has && like(got, want)
	case zstack.OpNotLike:
		return !has || !like(got, want)
	}
	return false
}

func inList(v, list string) bool {
	for _, x := range strings.Split(list, ",") {
		if x == v {
			return true
		}
	}
	return false
}

// like matches SQL LIKE: % any run, _ one byte (dynamic programming, so
// no pattern can make it slow).
func like(s, pat string) bool {
	// m[j]: pat[:i] matches s[:j].
	m := make([]bool, len(s)+1)
	m[0] = true
	for i := 0; i < len(pat); i++ {
		next := make([]bool, len(s)+1)
		switch pat[i] {
		case '%':
			for j := 0; j <= len(s); j++ {
				next[j] = m[j] || (j > 0 && next[j-1])
			}
		default:
			for j := 1; j <= len(s); j++ {
				next[j] = m[j-1] && (pat[i] == '_' || pat[i] == s[j-1])
			}
		}
		m = next
	}
	return m[len(s)]
}
