package onezonetest

import (
	"encoding/json"
	"net"
	"strings"
	"unicode"
	"unicode/utf8"
)

type subject struct{ typ, id string }

func (s subject) key() string { return s.typ + "/" + s.id }

func (s subject) json() map[string]any { return map[string]any{"type": s.typ, "id": s.id} }

type tokType struct{ kind, inviteType, targetKey, targetID string }

func (t tokType) json() map[string]any {
	switch t.kind {
	case "identityToken":
		return map[string]any{"identityToken": map[string]any{}}
	case "inviteToken":
		return map[string]any{"inviteToken": map[string]any{"inviteType": t.inviteType, t.targetKey: t.targetID, "parameters": map[string]any{}}}
	}
	return map[string]any{"accessToken": map[string]any{}}
}

type caveat struct {
	typ        string
	raw        json.RawMessage
	validUntil int64
	whitelist  []string
	asn        []int64
	filter     string
	list       []string
	iface      string
}

type namedToken struct {
	seq        int64
	id, name   string
	subject    subject
	typ        tokType
	caveats    []caveat
	custom     map[string]any
	revoked    bool
	creation   int64
	secret     string
	privileges []string
	usageLimit int64 // 0 = infinity
	usageCount int64
}

type mintedToken struct {
	persistence string // "named" or "temporary"
	id          string
	subject     subject
	typ         tokType
	caveats     []caveat
	gen         int64
}

func (nt *namedToken) json() map[string]any {
	cav := make([]json.RawMessage, 0, len(nt.caveats))
	for _, c := range nt.caveats {
		cav = append(cav, c.raw)
	}
	custom := nt.custom
	if custom == nil {
		custom = map[string]any{}
	}
	md := map[string]any{"creationTime": nt.creation, "custom": custom}
	if nt.typ.kind == "inviteToken" {
		if nt.privileges != nil {
			md["privileges"] = nt.privileges
		} else {
			md["privileges"] = nil
		}
		if nt.usageLimit > 0 {
			md["usageLimit"] = nt.usageLimit
		} else {
			md["usageLimit"] = "infinity"
		}
		md["usageCount"] = nt.usageCount
	}
	return map[string]any{
		"id": nt.id, "name": nt.name, "subject": nt.subject.json(), "type": nt.typ.json(),
		"caveats": cav, "metadata": md, "revoked": nt.revoked, "token": nt.secret,
	}
}

// inviteTargetKeys maps each invite type to its target key.
var inviteTargetKeys = map[string]string{
	"userJoinGroup": "groupId", "groupJoinGroup": "groupId",
	"userJoinSpace": "spaceId", "groupJoinSpace": "spaceId", "supportSpace": "spaceId", "harvesterJoinSpace": "spaceId",
	"registerOneprovider": "adminUserId",
	"userJoinCluster":     "clusterId", "groupJoinCluster": "clusterId",
	"userJoinHarvester": "harvesterId", "groupJoinHarvester": "harvesterId", "spaceJoinHarvester": "harvesterId",
	"userJoinAtmInventory": "atmInventoryId", "groupJoinAtmInventory": "atmInventoryId",
}

// parseType validates a "type" value.
func parseType(v any) (tokType, *ozErr) {
	bad := e("badValueTokenType", map[string]any{"key": "type"})
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return tokType{}, bad
	}
	for k, inner := range m {
		im, ok := inner.(map[string]any)
		if !ok {
			return tokType{}, bad
		}
		switch k {
		case "accessToken":
			return tokType{kind: k}, nil
		case "identityToken":
			return tokType{kind: k}, nil
		case "inviteToken":
			it, _ := im["inviteType"].(string)
			key, known := inviteTargetKeys[it]
			if !known {
				return tokType{}, e("badValueInviteType", map[string]any{"key": "inviteType"})
			}
			target, _ := im[key].(string)
			if target == "" {
				return tokType{}, bad
			}
			return tokType{kind: k, inviteType: it, targetKey: key, targetID: target}, nil
		}
	}
	return tokType{}, bad
}

var geoRegions = map[string]bool{"Africa": true, "Antarctica": true, "Asia": true, "Europe": true, "EU": true,
	"NorthAmerica": true, "Oceania": true, "SouthAmerica": true}

// parseCaveat validates one caveat object.
func parseCaveat(v any) (caveat, *ozErr) {
	raw, _ := json.Marshal(v)
	bad := e("badValueCaveat", map[string]any{"caveat": json.RawMessage(raw)})
	m, ok := v.(map[string]any)
	if !ok {
		return caveat{}, bad
	}
	c := caveat{raw: raw}
	c.typ, _ = m["type"].(string)
	strList := func(key string) ([]string, bool) {
		l, ok := m[key].([]any)
		if !ok || len(l) == 0 {
			return nil, false
		}
		out := make([]string, 0, len(l))
		for _, x := range l {
			s, ok := x.(string)
			if !ok || s == "" {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	switch c.typ {
	case "time":
		f, ok := m["validUntil"].(float64)
		if !ok || f != float64(int64(f)) || f < 0 {
			return caveat{}, bad
		}
		c.validUntil = int64(f)
	case "ip":
		if c.whitelist, ok = strList("whitelist"); !ok {
			return caveat{}, bad
		}
		for _, w := range c.whitelist {
			if _, _, err := net.ParseCIDR(w); err != nil && net.ParseIP(w) == nil {
				return caveat{}, bad
			}
		}
	case "asn":
		l, ok := m["whitelist"].([]any)
		if !ok || len(l) == 0 {
			return caveat{}, bad
		}
		for _, x := range l {
			f, ok := x.(float64)
			if !ok || f != float64(int64(f)) || f < 0 {
				return caveat{}, bad
			}
			c.asn = append(c.asn, int64(f))
		}
	case "geo.country", "geo.region":
		c.filter, _ = m["filter"].(string)
		if c.filter != "whitelist" && c.filter != "blacklist" {
			return caveat{}, bad
		}
		if c.list, ok = strList("list"); !ok {
			return caveat{}, bad
		}
		if c.typ == "geo.region" {
			for _, r := range c.list {
				if !geoRegions[r] {
					return caveat{}, bad
				}
			}
		}
	case "interface":
		c.iface, _ = m["interface"].(string)
		if c.iface != "rest" && c.iface != "oneclient" && c.iface != "graphsync" {
			return caveat{}, bad
		}
	case "api", "service", "consumer", "data.path", "data.objectid":
		if c.whitelist, ok = strList("whitelist"); !ok {
			return caveat{}, bad
		}
	case "data.readonly":
	default:
		return caveat{}, bad
	}
	return c, nil
}

func parseCaveats(v any) ([]caveat, *ozErr) {
	l, ok := v.([]any)
	if !ok {
		raw, _ := json.Marshal(v)
		return nil, e("badValueCaveat", map[string]any{"caveat": json.RawMessage(raw)})
	}
	out := make([]caveat, 0, len(l))
	for _, x := range l {
		c, err := parseCaveat(x)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// parseName applies Onezone's name rules to a "name" value that is
// present: strings are checked, true/false are coerced, null is
// badValueName, anything else badValueString.
func parseName(v any) (string, *ozErr) {
	switch x := v.(type) {
	case nil:
		return "", e("badValueName", nil)
	case bool:
		if x {
			return "true", nil
		}
		return "false", nil
	case string:
		if !validName(x) {
			return "", e("badValueName", nil)
		}
		return x, nil
	}
	return "", e("badValueString", map[string]any{"key": "name"})
}

// validName: 2–128 UTF-8 letters, digits, brackets or '_'; '-', '.' and
// ' ' are allowed but not first or last.
func validName(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	n := utf8.RuneCountInString(s)
	if n < 2 || n > 128 {
		return false
	}
	i := 0
	for _, r := range s {
		edge := i == 0 || i == n-1
		i++
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), strings.ContainsRune("()[]{}_", r):
		case !edge && strings.ContainsRune("-. ", r):
		default:
			return false
		}
	}
	return true
}
