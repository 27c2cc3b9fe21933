package onezonetest

import (
	"net"
	"strings"
	"time"
)

// maxTokenSize is Onezone's token size limit (1 MiB).
const maxTokenSize = 1 << 20

type verifyCtx struct {
	peerIP       string
	iface        string
	allowData    bool
	serviceGiven bool
	consumer     *subject
	forAuth      bool // the token is a credential of a request to Onezone itself
	expectInvite string
}

func (s *Server) now() time.Time { return s.Clock().Now() }

func (s *Server) genLocked(sub subject) int64 {
	g, ok := s.tempGen[sub.key()]
	if !ok {
		return 1
	}
	return g
}

// checkTokenLocked verifies a serialized token: known, not deleted or
// revoked, subject valid, of kind want ("" = any), every caveat satisfied.
func (s *Server) checkTokenLocked(tok, want string, vc verifyCtx) (*mintedToken, *ozErr) {
	if len(tok) > maxTokenSize {
		return nil, e("tokenTooLarge", map[string]any{"limit": maxTokenSize})
	}
	mt, ok := s.minted[tok]
	if !ok {
		return nil, e("badToken", nil)
	}
	var nt *namedToken
	switch mt.persistence {
	case "named":
		nt = s.named[mt.id]
		if nt == nil {
			return nil, e("tokenInvalid", nil)
		}
		if nt.revoked {
			return nil, e("tokenRevoked", nil)
		}
	case "temporary":
		if mt.gen < s.genLocked(mt.subject) {
			return nil, e("tokenRevoked", nil)
		}
	}
	u := s.users[mt.subject.id]
	if mt.subject.typ != "user" || u == nil {
		return nil, e("tokenSubjectInvalid", nil)
	}
	if u.blocked {
		return nil, e("userBlocked", nil)
	}
	received := mt.typ.json()
	switch want {
	case "accessToken":
		if mt.typ.kind != want {
			return nil, e("notAnAccessToken", map[string]any{"received": received})
		}
	case "identityToken":
		if mt.typ.kind != want {
			return nil, e("notAnIdentityToken", map[string]any{"received": received})
		}
	case "inviteToken":
		if mt.typ.kind != want || (vc.expectInvite != "" && vc.expectInvite != mt.typ.inviteType) {
			d := map[string]any{"received": received, "expectedInviteType": "any"}
			if vc.expectInvite != "" {
				d["expectedInviteType"] = vc.expectInvite
			}
			return nil, e("notAnInviteToken", d)
		}
	}
	for _, c := range mt.caveats {
		if !s.caveatHolds(c, mt.typ.kind, vc) {
			return nil, e("tokenCaveatUnverified", map[string]any{"caveat": c.raw})
		}
	}
	if nt != nil && nt.typ.kind == "inviteToken" && nt.usageLimit > 0 && nt.usageCount >= nt.usageLimit {
		return nil, e("inviteTokenUsageLimitReached", nil)
	}
	return mt, nil
}

// caveatHolds checks one caveat. The fake has no GeoIP or ASN database,
// so asn and geo.* caveats never verify; service caveats verify only for
// requests to Onezone itself ("ozw-onezone"); consumer caveats need a
// valid consumer identity token.
func (s *Server) caveatHolds(c caveat, kind string, vc verifyCtx) bool {
	switch kind {
	case "identityToken":
		if c.typ == "service" || c.typ == "api" || strings.HasPrefix(c.typ, "data.") {
			return false
		}
	case "inviteToken":
		switch c.typ {
		case "time", "ip", "asn", "geo.country", "geo.region", "consumer":
		default:
			return false
		}
	}
	switch c.typ {
	case "time":
		return s.now().Unix() < c.validUntil
	case "ip":
		ip := net.ParseIP(vc.peerIP)
		if ip == nil {
			return false
		}
		for _, w := range c.whitelist {
			if _, n, err := net.ParseCIDR(w); err == nil && n.Contains(ip) {
				return true
			}
			if wip := net.ParseIP(w); wip != nil && wip.Equal(ip) {
				return true
			}
		}
		return false
	case "asn", "geo.country", "geo.region":
		return false
	case "interface":
		return vc.iface == c.iface
	case "api":
		return true
	case "service":
		if !vc.forAuth {
			return false
		}
		for _, w := range c.whitelist {
			if w == "ozw-onezone" || w == "ozw-*" {
				return true
			}
		}
		return false
	case "consumer":
		if vc.consumer == nil {
			return false
		}
		want := "usr-" + vc.consumer.id
		for _, w := range c.whitelist {
			if w == want || w == "usr-*" {
				return true
			}
		}
		return false
	case "data.readonly", "data.path", "data.objectid":
		return !vc.forAuth && vc.allowData
	}
	return false
}

// ttlLocked returns the smallest validUntil − now, or nil.
func (s *Server) ttl(cs []caveat) any {
	var min int64
	found := false
	for _, c := range cs {
		if c.typ == "time" && (!found || c.validUntil < min) {
			min, found = c.validUntil, true
		}
	}
	if !found {
		return nil
	}
	return min - s.now().Unix()
}

func validUntil(cs []caveat) any {
	var min int64
	found := false
	for _, c := range cs {
		if c.typ == "time" && (!found || c.validUntil < min) {
			min, found = c.validUntil, true
		}
	}
	if !found {
		return nil
	}
	return min
}
