package onezone

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

func FuzzErrorBody(f *testing.F) {
	for _, s := range []string{
		`{"error":{"id":"badValueString","details":{"key":"name"},"description":"Bad value"}}`,
		`{"error":{"id":"unauthorized","details":{"authError":{"id":"tokenRevoked","description":"r"}}}}`,
		`{"error":{"id":"badValueToken","details":{"key":"token","tokenError":{"id":"badToken"}}}}`,
		`{"error":{"id":"badData","details":{"key":"k","specificError":{"id":"x"}}}}`,
		`{"error":{}}`, `{"error":null}`, `[]`, ``, `<html>500</html>`, `{"error":{"id":5}}`,
	} {
		f.Add(400, []byte(s))
	}
	c, err := New("https://zone.example.com", Token("fuzz-token-value"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := c.errorFor(status, body)
		if e == nil || e.API == nil {
			t.Fatal("nil error")
		}
		_ = e.Error()
		_ = NestedErrorID(e)
		var ae *cloudkeys.APIError
		if !errors.As(e, &ae) {
			t.Fatal("not an APIError")
		}
		if e.Body != nil && ae.Code != transport.CleanText(c.t.Scrub(e.Body.ID)) {
			t.Fatal("code != id")
		}
	})
}

func FuzzSigner(f *testing.F) {
	f.Add("MDAxNWxvY2F00aW9u", false, "", "")
	f.Add("", true, "alice", "p@ss:word")
	f.Fuzz(func(t *testing.T, token string, basic bool, user, pass string) {
		creds := Token(token)
		if basic {
			creds = Basic(user, pass)
		}
		if creds.validate() != nil {
			return
		}
		o := &transport.Outgoing{Method: "GET", URL: &url.URL{Scheme: "https", Host: "z", Path: "/"},
			Header: http.Header{"Authorization": {"Bearer stale"}, "Macaroon": {"stale"}}}
		if err := signer(creds)(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, h := range []string{"X-Auth-Token", "Authorization", "Macaroon"} {
			if o.Header.Get(h) != "" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("want exactly one credential header, got %v", o.Header)
		}
		if !basic && o.Header.Get("X-Auth-Token") != strings.TrimSpace(token) {
			t.Fatal("token header mismatch")
		}
		if basic && !strings.HasPrefix(o.Header.Get("Authorization"), "Basic ") {
			t.Fatal("basic header missing")
		}
	})
}

func FuzzCaveats(f *testing.F) {
	for _, s := range []string{
		`[{"type":"time","validUntil":1571147494}]`,
		`[{"type":"ip","whitelist":["1.2.3.0/24"]},{"type":"asn","whitelist":[631]}]`,
		`[{"type":"geo.country","filter":"whitelist","list":["PL"]},{"type":"geo.region","filter":"blacklist","list":["EU"]}]`,
		`[{"type":"interface","interface":"rest"},{"type":"api","whitelist":["ozw/all/user.*.*:*"]}]`,
		`[{"type":"service","whitelist":["opw-*"]},{"type":"consumer","whitelist":["usr-1"]},{"type":"data.readonly"}]`,
		`[{"type":"data.path","whitelist":["L3MxL2Rpcg=="]},{"type":"data.objectid","whitelist":["0000"]}]`,
		`[{"type":"future","a":{"b":[1,2,3]}}]`, `[{"type":"time","validUntil":"x"}]`, `[{"type":"ip","whitelist":[],"more":1}]`, `[]`, `[1]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var cs Caveats
		if err := json.Unmarshal(b, &cs); err != nil {
			return
		}
		out, err := json.Marshal(cs)
		if err != nil {
			return
		}
		var again Caveats
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("re-read failed: %v (%s)", err, out)
		}
		out2, err := json.Marshal(again)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
		for _, c := range cs {
			if r, ok := c.(RawCaveat); ok {
				b2, err := marshalCaveat(r)
				if err != nil || !bytes.Equal(b2, r.JSON) {
					t.Fatal("raw caveat does not round-trip exactly")
				}
			}
		}
		_, _ = cs.ValidUntil()
	})
}

func FuzzTokenType(f *testing.F) {
	for _, s := range []string{
		`{"accessToken":{}}`, `{"accessToken":{"sessionId":"s"}}`, `{"identityToken":{}}`,
		`{"inviteToken":{"inviteType":"registerOneprovider","adminUserId":"u1","parameters":{}}}`,
		`{"inviteToken":{"inviteType":"newKind","newTargetId":"x"}}`, `{"futureToken":{"x":1}}`, `{}`, `{"a":{},"b":{}}`, `null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var tt TokenType
		if err := json.Unmarshal(b, &tt); err != nil {
			return
		}
		_ = tt.Kind()
		out, err := json.Marshal(tt)
		if err != nil {
			return
		}
		var again TokenType
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("re-read failed: %v (%s)", err, out)
		}
		if again.Kind() != tt.Kind() {
			t.Fatal("kind changed")
		}
	})
}

func FuzzUsageLimit(f *testing.F) {
	for _, s := range []string{`15`, `"infinity"`, `null`, `-1`, `"x"`, `1.5`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var u UsageLimit
		if json.Unmarshal(b, &u) != nil {
			return
		}
		out, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		var again UsageLimit
		if err := json.Unmarshal(out, &again); err != nil || again != u {
			t.Fatalf("round trip: %v %v", u, again)
		}
	})
}

func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"21.02.4", "21.02.7", "20.02.0-beta4", "25.0", "v21.02.4+build", "", "x.y", "21..4"} {
		f.Add(s, "21.02.4")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		va, oka := ParseVersion(a)
		vb, okb := ParseVersion(b)
		if !oka || !okb {
			return
		}
		if va.Less(vb) && vb.Less(va) {
			t.Fatal("Less is not antisymmetric")
		}
		if va.Less(va) {
			t.Fatal("Less is not irreflexive")
		}
	})
}

// caveatPicks are caveat values, including nil values inside the
// interface, that FuzzCaveatValues combines.
var caveatPicks = []struct {
	c     Caveat
	isNil bool
}{
	{nil, true},
	{TimeCaveat{ValidUntil: 1571147494}, false}, {(*TimeCaveat)(nil), true}, {&TimeCaveat{ValidUntil: 7}, false},
	{IPCaveat{Whitelist: []string{"1.2.3.0/24"}}, false}, {(*IPCaveat)(nil), true},
	{ASNCaveat{Whitelist: []int{631}}, false}, {(*ASNCaveat)(nil), true},
	{GeoCountryCaveat{Filter: "whitelist", List: []string{"PL"}}, false}, {(*GeoCountryCaveat)(nil), true},
	{GeoRegionCaveat{Filter: "blacklist", List: []string{"EU"}}, false}, {(*GeoRegionCaveat)(nil), true},
	{InterfaceCaveat{Interface: "rest"}, false}, {(*InterfaceCaveat)(nil), true},
	{APICaveat{Whitelist: []string{"ozw/all/user.*.*:*"}}, false}, {(*APICaveat)(nil), true},
	{ServiceCaveat{Whitelist: []string{"opw-*"}}, false}, {(*ServiceCaveat)(nil), true},
	{ConsumerCaveat{Whitelist: []string{"usr-1"}}, false}, {(*ConsumerCaveat)(nil), true},
	{DataReadonlyCaveat{}, false}, {(*DataReadonlyCaveat)(nil), true}, {&DataReadonlyCaveat{}, false},
	{DataPathCaveat{Whitelist: []string{"L3MxL2Rpcg=="}}, false}, {(*DataPathCaveat)(nil), true},
	{DataObjectIDCaveat{Whitelist: []string{"0000"}}, false}, {(*DataObjectIDCaveat)(nil), true},
	{RawCaveat{Type: "future", JSON: json.RawMessage(`{"type":"future"}`)}, false}, {(*RawCaveat)(nil), true},
	{&RawCaveat{Type: "future", JSON: json.RawMessage(`{"type":"future","a":1}`)}, false},
	{nilMapCaveat(nil), true}, {nilMapCaveat{"a": 1}, false},
}

// nilMapCaveat is a caller-defined caveat whose zero value is a nil map.
type nilMapCaveat map[string]int

func (nilMapCaveat) CaveatType() string { return "custom" }

// FuzzCaveatValues builds caveat lists from caveatPicks: encoding,
// ValidUntil and validation never panic, and a list holding a nil value
// (bare or inside the interface) is refused as invalid input.
func FuzzCaveatValues(f *testing.F) {
	for _, s := range [][]byte{{}, {0}, {1}, {2}, {1, 2, 3}, {4, 5}, {26, 27}, {31, 32}, {33, 34}, {3, 1}} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		cs := make(Caveats, 0, len(b))
		hasNil := false
		for _, x := range b {
			p := caveatPicks[int(x)%len(caveatPicks)]
			hasNil = hasNil || p.isNil
			cs = append(cs, p.c)
		}
		_, _ = cs.ValidUntil()
		for _, c := range cs {
			_, _ = marshalCaveat(c)
		}
		out, merr := json.Marshal(cs)
		err := validateCaveats(cs)
		if hasNil {
			var ie *cloudkeys.InvalidInputError
			if !errors.As(err, &ie) || ie.Field != "Caveats" {
				t.Fatalf("nil caveat not refused as invalid input: %v", err)
			}
			if merr == nil {
				t.Fatal("a list with a nil caveat encoded")
			}
			return
		}
		if err != nil || merr != nil {
			t.Fatalf("valid caveats refused: %v / %v", err, merr)
		}
		var again Caveats
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("re-read failed: %v (%s)", err, out)
		}
	})
}
