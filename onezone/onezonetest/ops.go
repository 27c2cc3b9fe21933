package onezonetest

import (
	"encoding/json"
	"net/http"
	"strings"
)

// ---- subjects and authorization ----

// manageSubjectLocked resolves /user, /users/{id}, /provider,
// /providers/{id} for a token-management operation: nobody → 401; an
// unknown subject → 404; another user's tokens without oz_tokens_manage →
// 403. The fake has no providers: /provider is 403 for a user and
// /providers/{id} is 404.
func (s *Server) manageSubjectLocked(rq *req) (subject, *ozErr) {
	if rq.caller.nobody() {
		return subject{}, e("unauthorized", nil)
	}
	switch rq.segs[0] {
	case "user":
		return subject{"user", rq.caller.user.id}, nil
	case "users":
		id := rq.segs[1]
		if s.users[id] == nil {
			return subject{}, e("notFound", nil)
		}
		if id != rq.caller.user.id && !rq.caller.can(PrivTokensManage) {
			return subject{}, e("forbidden", nil)
		}
		return subject{"user", id}, nil
	case "provider":
		return subject{}, e("forbidden", nil)
	}
	return subject{}, e("notFound", nil)
}

// byIDLocked: fetch (404) → authorize (401/403).
func (s *Server) byIDLocked(rq *req) (*namedToken, *ozErr) {
	nt := s.named[rq.segs[2]]
	if nt == nil {
		return nil, e("notFound", nil)
	}
	if rq.caller.nobody() {
		return nil, e("unauthorized", nil)
	}
	if !(nt.subject.typ == "user" && nt.subject.id == rq.caller.user.id) && !rq.caller.can(PrivTokensManage) {
		return nil, e("forbidden", nil)
	}
	return nt, nil
}

func (s *Server) nameTakenLocked(sub subject, name, except string) bool {
	for _, nt := range s.named {
		if nt.subject == sub && nt.name == name && nt.id != except {
			return true
		}
	}
	return false
}

// inviteCheckLocked applies the invite-creation rules (400s, not 403/404).
func (s *Server) inviteCheckLocked(sub subject, t tokType) *ozErr {
	if t.kind != "inviteToken" {
		return nil
	}
	if t.inviteType == "registerOneprovider" {
		if s.users[t.targetID] == nil {
			return e("inviteTokenTargetIdInvalid", map[string]any{"id": t.targetID})
		}
		su := s.users[sub.id]
		if (t.targetID == sub.id && !s.set.restricted) || (su != nil && su.privileges[PrivProvidersInvite]) {
			return nil
		}
		return e("inviteTokenSubjectNotAuthorized", nil)
	}
	if !s.inviteTargets[t.targetKey+"/"+t.targetID] {
		return e("inviteTokenTargetIdInvalid", map[string]any{"id": t.targetID})
	}
	return nil
}

func (s *Server) mintLocked(mt *mintedToken) string {
	for {
		tok := "MDAx" + randomAlnum(140)
		if _, dup := s.minted[tok]; !dup {
			s.minted[tok] = mt
			return tok
		}
	}
}

func (s *Server) createNamedLocked(sub subject, name string, t tokType, cavs []caveat, custom map[string]any,
	revoked bool, privileges []string, usageLimit *int64) *namedToken {
	s.seq++
	nt := &namedToken{
		seq: s.seq, id: randomHex(16) + "ch" + randomHex(2), name: name, subject: sub, typ: t, caveats: cavs,
		custom: custom, revoked: revoked, creation: s.now().Unix(), privileges: privileges,
	}
	if usageLimit != nil {
		nt.usageLimit = *usageLimit
	}
	if nt.custom == nil {
		nt.custom = map[string]any{}
	}
	nt.secret = s.mintLocked(&mintedToken{persistence: "named", id: nt.id, subject: sub, typ: t, caveats: cavs})
	s.named[nt.id] = nt
	return nt
}

// ---- named tokens ----

// createNamed: POST …/tokens/named. Checks: 401/403/404 on the subject,
// then name (required), then optional keys in key order, then name
// uniqueness, then the invite rules.
func (s *Server) createNamed(rq *req) {
	sub, err := s.manageSubjectLocked(rq)
	if err != nil {
		writeErr(rq.w, err)
		return
	}
	b := rq.body
	nameV, ok := b["name"]
	if !ok {
		writeErr(rq.w, e("missingRequiredValue", map[string]any{"key": "name"}))
		return
	}
	name, err := parseName(nameV)
	if err != nil {
		writeErr(rq.w, err)
		return
	}
	var cavs []caveat
	if v, ok := b["caveats"]; ok {
		if cavs, err = parseCaveats(v); err != nil {
			writeErr(rq.w, err)
			return
		}
	}
	custom := map[string]any{}
	if v, ok := b["customMetadata"]; ok {
		m, isObj := v.(map[string]any)
		if !isObj {
			writeErr(rq.w, e("badValueJSON", map[string]any{"key": "customMetadata"}))
			return
		}
		custom = m
	}
	var privileges []string
	if v, ok := b["privileges"]; ok {
		l, isList := v.([]any)
		if !isList {
			writeErr(rq.w, e("badValueListNotAllowed", map[string]any{"key": "privileges", "allowed": []string{}}))
			return
		}
		privileges = []string{}
		for _, x := range l {
			p, isStr := x.(string)
			if !isStr {
				writeErr(rq.w, e("badValueListNotAllowed", map[string]any{"key": "privileges", "allowed": []string{}}))
				return
			}
			privileges = append(privileges, p)
		}
	}
	revoked := false
	if v, ok := b["revoked"]; ok {
		bv, isBool := v.(bool)
		if !isBool {
			writeErr(rq.w, e("badValueBoolean", map[string]any{"key": "revoked"}))
			return
		}
		revoked = bv
	}
	t := tokType{kind: "accessToken"}
	if v, ok := b["type"]; ok {
		if t, err = parseType(v); err != nil {
			writeErr(rq.w, err)
			return
		}
	}
	var usageLimit *int64
	if v, ok := b["usageLimit"]; ok && v != "infinity" {
		f, isNum := v.(float64)
		if !isNum || f != float64(int64(f)) {
			writeErr(rq.w, e("badValueInteger", map[string]any{"key": "usageLimit"}))
			return
		}
		if f < 1 {
			writeErr(rq.w, e("badValueTooLow", map[string]any{"key": "usageLimit", "limit": 1}))
			return
		}
		n := int64(f)
		usageLimit = &n
	}
	if s.nameTakenLocked(sub, name, "") {
		writeErr(rq.w, e("badValueIdentifierOccupied", map[string]any{"key": "name"}))
		return
	}
	if err := s.inviteCheckLocked(sub, t); err != nil {
		writeErr(rq.w, err)
		return
	}
	if t.kind != "inviteToken" {
		privileges, usageLimit = nil, nil
	}
	nt := s.createNamedLocked(sub, name, t, cavs, custom, revoked, privileges, usageLimit)
	rq.w.Header().Set("Location", "https://"+s.domain+"/api/v3/onezone/tokens/named/"+nt.id)
	writeJSON(rq.w, http.StatusCreated, map[string]any{"tokenId": nt.id, "token": nt.secret})
}

func (s *Server) listNamed(rq *req) {
	sub, err := s.manageSubjectLocked(rq)
	if err != nil {
		writeErr(rq.w, err)
		return
	}
	ids := []string{}
	for _, nt := range s.sortedNamed(func(nt *namedToken) bool { return nt.subject == sub }) {
		ids = append(ids, nt.id)
	}
	writeJSON(rq.w, http.StatusOK, map[string]any{"tokens": ids})
}

func (s *Server) deleteAllNamed(rq *req) {
	sub, err := s.manageSubjectLocked(rq)
	if err != nil {
		writeErr(rq.w, err)
		return
	}
	for id, nt := range s.named {
		if nt.subject == sub {
			delete(s.named, id)
		}
	}
	rq.w.WriteHeader(http.StatusNoContent)
}

// getNamedByName authorizes first, then answers 404.
func (s *Server) getNamedByName(rq *req) {
	sub, err := s.manageSubjectLocked(rq)
	if err != nil {
		writeErr(rq.w, err)
		return
	}
	name := rq.segs[len(rq.segs)-1]
	for _, nt := range s.named {
		if nt.subject == sub && nt.name == name {
			writeJSON(rq.w, http.StatusOK, nt.json())
			return
		}
	}
	writeErr(rq.w, e("notFound", nil))
}

func (s *Server) listAllNamed(rq *req) {
	if rq.caller.nobody() {
		writeErr(rq.w, e("unauthorized", nil))
		return
	}
	if !rq.caller.can(PrivTokensManage) {
		writeErr(rq.w, e("forbidden", nil))
		return
	}
	ids := []string{}
	for _, nt := range s.sortedNamed(func(*namedToken) bool { return true }) {
		ids = append(ids, nt.id)
	}
	writeJSON(rq.w, http.StatusOK, map[string]any{"tokens": ids})
}

func (s *Server) getNamed(rq *req) {
	nt, err := s.byIDLocked(rq)
	if err != nil {
		writeErr(rq.w, err)
		return
	}
	writeJSON(rq.w, http.StatusOK, nt.json())
}

func (s *Server) namedStatus(rq *req) {
	nt, err := s.byIDLocked(rq)
	if err != nil {
		writeErr(rq.w, err)
		return
	}
	writeJSON(rq.w, http.StatusOK, map[string]any{"revoked": nt.revoked})
}

func (s *Server) deleteNamed(rq *req) {
	nt, err := s.byIDLocked(rq)
	if err != nil {
		writeErr(rq.w, err)
		return
	}
	delete(s.named, nt.id)
	rq.w.WriteHeader(http.StatusNoContent)
}

// modifyNamed: PATCH /tokens/named/{id} {name?, customMetadata?, revoked?}.
func (s *Server) modifyNamed(rq *req) {
	nt, err := s.byIDLocked(rq)
	if err != nil {
		writeErr(rq.w, err)
		return
	}
	b := rq.body
	_, hasC := b["customMetadata"]
	_, hasN := b["name"]
	_, hasR := b["revoked"]
	if !hasC && !hasN && !hasR {
		writeErr(rq.w, e("missingAtLeastOneValue", map[string]any{"keys": []string{"customMetadata", "name", "revoked"}}))
		return
	}
	var custom map[string]any
	if hasC {
		m, ok := b["customMetadata"].(map[string]any)
		if !ok {
			writeErr(rq.w, e("badValueJSON", map[string]any{"key": "customMetadata"}))
			return
		}
		custom = m
	}
	name := nt.name
	if hasN {
		if name, err = parseName(b["name"]); err != nil {
			writeErr(rq.w, err)
			return
		}
	}
	revoked := nt.revoked
	if hasR {
		v, ok := b["revoked"].(bool)
		if !ok {
			writeErr(rq.w, e("badValueBoolean", map[string]any{"key": "revoked"}))
			return
		}
		revoked = v
	}
	if hasN && s.nameTakenLocked(nt.subject, name, nt.id) {
		writeErr(rq.w, e("badValueIdentifierOccupied", map[string]any{"key": "name"}))
		return
	}
	if hasC {
		nt.custom = custom
	}
	nt.name, nt.revoked = name, revoked
	rq.w.WriteHeader(http.StatusNoContent)
}

// ---- temporary tokens ----

func (s *Server) createTemporary(rq *req) {
	sub, err := s.manageSubjectLocked(rq)
	if err != nil {
		writeErr(rq.w, err)
		return
	}
	var cavs []caveat
	if v, ok := rq.body["caveats"]; ok {
		if cavs, err = parseCaveats(v); err != nil {
			writeErr(rq.w, err)
			return
		}
	}
	t := tokType{kind: "accessToken"}
	if v, ok := rq.body["type"]; ok {
		if t, err = parseType(v); err != nil {
			writeErr(rq.w, err)
			return
		}
	}
	maxTTL := int64(s.set.maxTTL.Seconds())
	vu, has := validUntil(cavs).(int64)
	if !has || vu-s.now().Unix() > maxTTL {
		writeErr(rq.w, e("tokenTimeCaveatRequired", map[string]any{"maxTtl": maxTTL}))
		return
	}
	if err := s.inviteCheckLocked(sub, t); err != nil {
		writeErr(rq.w, err)
		return
	}
	tok := s.mintLocked(&mintedToken{persistence: "temporary", id: randomHex(16), subject: sub, typ: t, caveats: cavs, gen: s.genLocked(sub)})
	writeJSON(rq.w, http.StatusCreated, map[string]any{"token": tok})
}

func (s *Server) getGeneration(rq *req) {
	sub, err := s.manageSubjectLocked(rq)
	if err != nil {
		writeErr(rq.w, err)
		return
	}
	writeJSON(rq.w, http.StatusOK, map[string]any{"generation": s.genLocked(sub)})
}

func (s *Server) revokeAllTemporary(rq *req) {
	sub, err := s.manageSubjectLocked(rq)
	if err != nil {
		writeErr(rq.w, err)
		return
	}
	s.tempGen[sub.key()] = s.genLocked(sub) + 1
	rq.w.WriteHeader(http.StatusNoContent)
}

// ---- provider registration (deprecated endpoints) ----

// providerRegistrationToken: POST /user[s/{id}]/clusters/provider_registration_token.
// It creates a named, single-use registerOneprovider invite owned by the
// caller and answers 200 {"token"}.
func (s *Server) providerRegistrationToken(rq *req) {
	if rq.caller.nobody() {
		writeErr(rq.w, e("unauthorized", nil))
		return
	}
	target := rq.caller.user
	if rq.segs[0] == "users" {
		target = s.users[rq.segs[1]]
		if target == nil {
			writeErr(rq.w, e("notFound", nil))
			return
		}
	}
	if !((target.id == rq.caller.user.id && !s.set.restricted) || rq.caller.can(PrivProvidersInvite)) {
		writeErr(rq.w, e("forbidden", nil))
		return
	}
	sub := subject{"user", rq.caller.user.id}
	var name string
	for {
		suffix := " " + randomHex(3)
		prefix := "Oneprovider rgstr. token for - " + target.fullName
		if len(prefix)+len(suffix) > 50 {
			prefix = strings.TrimRight(truncateRunes(prefix, 50-len(suffix)), " -.")
		}
		name = prefix + suffix
		if !s.nameTakenLocked(sub, name, "") {
			break
		}
	}
	one := int64(1)
	nt := s.createNamedLocked(sub, name, tokType{kind: "inviteToken", inviteType: "registerOneprovider", targetKey: "adminUserId", targetID: target.id},
		nil, map[string]any{}, false, nil, &one)
	writeJSON(rq.w, http.StatusOK, map[string]any{"token": nt.secret})
}

func truncateRunes(s string, maxBytes int) string {
	if len(s) <= maxBytes {
		return s
	}
	for maxBytes > 0 && (s[maxBytes]&0xC0) == 0x80 {
		maxBytes--
	}
	return s[:maxBytes]
}

// ---- public endpoints ----

func (s *Server) getConfiguration(rq *req) {
	writeJSON(rq.w, http.StatusOK, map[string]any{
		"name": "Fake Onezone", "domain": s.domain, "version": s.set.version, "build": "fake",
		"subdomainDelegationSupported": false, "compatibleOneproviderVersions": []string{s.set.version},
	})
}

func (s *Server) getCurrentTime(rq *req) {
	writeJSON(rq.w, http.StatusOK, map[string]any{"timeMillis": s.now().UnixMilli()})
}

// tokenField reads a required serialized token from the body.
func tokenField(b map[string]any, key string) (string, *ozErr) {
	v, ok := b[key]
	if !ok {
		return "", e("missingRequiredValue", map[string]any{"key": key})
	}
	str, isStr := v.(string)
	if !isStr {
		return "", e("badValueToken", map[string]any{"key": key, "tokenError": e("badToken", nil).object()})
	}
	if str == "" {
		return "", e("badValueEmpty", map[string]any{"key": key})
	}
	return str, nil
}

func (s *Server) examine(rq *req) {
	tok, err := tokenField(rq.body, "token")
	if err != nil {
		writeErr(rq.w, err)
		return
	}
	mt := s.minted[tok]
	if mt == nil {
		writeErr(rq.w, e("badValueToken", map[string]any{"key": "token", "tokenError": e("badToken", nil).object()}))
		return
	}
	cav := make([]json.RawMessage, 0, len(mt.caveats))
	for _, c := range mt.caveats {
		cav = append(cav, c.raw)
	}
	writeJSON(rq.w, http.StatusOK, map[string]any{
		"onezoneDomain": s.domain, "id": mt.id, "persistence": mt.persistence,
		"subject": mt.subject.json(), "type": mt.typ.json(), "caveats": cav,
	})
}

func (s *Server) confine(rq *req) {
	tok, err := tokenField(rq.body, "token")
	if err != nil {
		writeErr(rq.w, err)
		return
	}
	v, ok := rq.body["caveats"]
	if !ok {
		writeErr(rq.w, e("missingRequiredValue", map[string]any{"key": "caveats"}))
		return
	}
	cavs, err := parseCaveats(v)
	if err != nil {
		writeErr(rq.w, err)
		return
	}
	mt := s.minted[tok]
	if mt == nil {
		writeErr(rq.w, e("badValueToken", map[string]any{"key": "token", "tokenError": e("badToken", nil).object()}))
		return
	}
	cp := *mt
	cp.caveats = append(append([]caveat(nil), mt.caveats...), cavs...)
	writeJSON(rq.w, http.StatusOK, map[string]any{"token": s.mintLocked(&cp)})
}

// verifyCtxFrom reads the optional verify parameters.
func (s *Server) verifyCtxFrom(b map[string]any, op string) (verifyCtx, *ozErr) {
	vc := verifyCtx{}
	if v, ok := b["peerIp"]; ok {
		str, isStr := v.(string)
		if !isStr {
			return vc, e("badValueString", map[string]any{"key": "peerIp"})
		}
		vc.peerIP = str
	}
	if v, ok := b["interface"]; ok {
		str, _ := v.(string)
		if str != "rest" && str != "oneclient" && str != "graphsync" {
			return vc, e("badValueNotAllowed", map[string]any{"key": "interface", "allowed": []string{"graphsync", "oneclient", "rest"}})
		}
		vc.iface = str
	}
	if v, ok := b["allowDataAccessCaveats"]; ok && op == "verify_access_token" {
		bv, isBool := v.(bool)
		if !isBool {
			return vc, e("badValueBoolean", map[string]any{"key": "allowDataAccessCaveats"})
		}
		vc.allowData = bv
	}
	if v, ok := b["serviceToken"]; ok && op == "verify_access_token" {
		if str, _ := v.(string); str != "" {
			vc.serviceGiven = true
		}
	}
	if v, ok := b["consumerToken"]; ok {
		str, _ := v.(string)
		mt, err := s.checkTokenLocked(str, "identityToken", verifyCtx{peerIP: vc.peerIP, iface: vc.iface})
		if err != nil {
			return vc, e("badConsumerToken", map[string]any{"tokenError": err.object()})
		}
		sub := mt.subject
		vc.consumer = &sub
	}
	if v, ok := b["expectedInviteType"]; ok && op == "verify_invite_token" {
		str, _ := v.(string)
		if _, known := inviteTargetKeys[str]; !known {
			return vc, e("badValueInviteType", map[string]any{"key": "expectedInviteType"})
		}
		vc.expectInvite = str
	}
	return vc, nil
}

func (s *Server) verifyOp(op string) func(*req) {
	want := map[string]string{
		"verify_access_token": "accessToken", "verify_identity_token": "identityToken", "verify_invite_token": "inviteToken",
	}[op]
	return func(rq *req) {
		tok, err := tokenField(rq.body, "token")
		if err != nil {
			writeErr(rq.w, err)
			return
		}
		vc, err := s.verifyCtxFrom(rq.body, op)
		if err != nil {
			writeErr(rq.w, err)
			return
		}
		mt, err := s.checkTokenLocked(tok, want, vc)
		if err != nil {
			if err.id == "badToken" {
				err = e("badValueToken", map[string]any{"key": "token", "tokenError": err.object()})
			}
			writeErr(rq.w, err)
			return
		}
		writeJSON(rq.w, http.StatusOK, map[string]any{"subject": mt.subject.json(), "ttl": s.ttl(mt.caveats)})
	}
}

func (s *Server) inferScope(rq *req) {
	tok, err := tokenField(rq.body, "token")
	if err != nil {
		writeErr(rq.w, err)
		return
	}
	mt, err := s.checkTokenLocked(tok, "accessToken", verifyCtx{iface: "rest", allowData: true, peerIP: peerIP(rq.r)})
	if err != nil {
		if err.id == "badToken" {
			err = e("badValueToken", map[string]any{"key": "token", "tokenError": err.object()})
		}
		writeErr(rq.w, err)
		return
	}
	readonly := false
	for _, c := range mt.caveats {
		if c.typ == "data.readonly" {
			readonly = true
		}
	}
	writeJSON(rq.w, http.StatusOK, map[string]any{
		"validUntil":      validUntil(mt.caveats),
		"dataAccessScope": map[string]any{"readonly": readonly, "spaces": map[string]any{}, "providers": map[string]any{}},
	})
}
