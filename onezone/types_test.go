package onezone_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/onezone"
)

func TestCaveatJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		c    onezone.Caveat
		json string
	}{
		{onezone.TimeCaveat{ValidUntil: 1571147494}, `{"type":"time","validUntil":1571147494}`},
		{onezone.IPCaveat{Whitelist: []string{"1.2.3.0/24"}}, `{"type":"ip","whitelist":["1.2.3.0/24"]}`},
		{onezone.ASNCaveat{Whitelist: []int{631}}, `{"type":"asn","whitelist":[631]}`},
		{onezone.GeoCountryCaveat{Filter: "whitelist", List: []string{"PL"}}, `{"type":"geo.country","filter":"whitelist","list":["PL"]}`},
		{onezone.GeoRegionCaveat{Filter: "blacklist", List: []string{"Europe"}}, `{"type":"geo.region","filter":"blacklist","list":["Europe"]}`},
		{onezone.InterfaceCaveat{Interface: "oneclient"}, `{"type":"interface","interface":"oneclient"}`},
		{onezone.APICaveat{Whitelist: []string{"ozw/all/user.*.*:*"}}, `{"type":"api","whitelist":["ozw/all/user.*.*:*"]}`},
		{onezone.ServiceCaveat{Whitelist: []string{"opw-*"}}, `{"type":"service","whitelist":["opw-*"]}`},
		{onezone.ConsumerCaveat{Whitelist: []string{"usr-1"}}, `{"type":"consumer","whitelist":["usr-1"]}`},
		{onezone.DataReadonlyCaveat{}, `{"type":"data.readonly"}`},
		{onezone.DataPathCaveat{Whitelist: []string{"L3MxL2Rpcg=="}}, `{"type":"data.path","whitelist":["L3MxL2Rpcg=="]}`},
		{onezone.DataObjectIDCaveat{Whitelist: []string{"0000"}}, `{"type":"data.objectid","whitelist":["0000"]}`},
		{onezone.RawCaveat{Type: "future", JSON: json.RawMessage(`{"type":"future", "z":1,"a":[ 2 ]}`)}, `{"type":"future", "z":1,"a":[ 2 ]}`},
	}
	for _, tt := range tests {
		b, err := onezone.MarshalCaveat(tt.c)
		require.NoError(t, err)
		assert.Equal(t, tt.json, string(b))
		back, err := onezone.UnmarshalCaveat([]byte(tt.json))
		require.NoError(t, err)
		assert.Equal(t, tt.c, back)
		assert.Equal(t, tt.c.CaveatType(), back.CaveatType())
	}
	// A known kind with an unknown field falls back to raw, verbatim.
	c, err := onezone.UnmarshalCaveat([]byte(`{"type":"ip","whitelist":["1.1.1.1"],"newField":true}`))
	require.NoError(t, err)
	assert.IsType(t, onezone.RawCaveat{}, c)
	b, _ := onezone.MarshalCaveat(c)
	assert.Equal(t, `{"type":"ip","whitelist":["1.1.1.1"],"newField":true}`, string(b))

	var cs onezone.Caveats
	require.NoError(t, json.Unmarshal([]byte(`[{"type":"time","validUntil":20},{"type":"time","validUntil":10}]`), &cs))
	until, ok := cs.ValidUntil()
	require.True(t, ok)
	assert.Equal(t, time.Unix(10, 0).UTC(), until)
	_, ok = onezone.Caveats{}.ValidUntil()
	assert.False(t, ok)
	b, _ = json.Marshal(onezone.Caveats{})
	assert.Equal(t, `[]`, string(b))
}

func TestTokenTypeJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		tt   *onezone.TokenType
		json string
	}{
		{onezone.AccessType(), `{"accessToken":{}}`},
		{onezone.IdentityType(), `{"identityToken":{}}`},
		{onezone.InviteTypeOf(onezone.RegisterOneprovider, "u1"), `{"inviteToken":{"inviteType":"registerOneprovider","adminUserId":"u1"}}`},
		{onezone.InviteTypeOf(onezone.GroupJoinGroup, "g1"), `{"inviteToken":{"inviteType":"groupJoinGroup","groupId":"g1"}}`},
		{onezone.InviteTypeOf(onezone.SupportSpace, "s1"), `{"inviteToken":{"inviteType":"supportSpace","spaceId":"s1"}}`},
		{onezone.InviteTypeOf(onezone.UserJoinCluster, "c1"), `{"inviteToken":{"inviteType":"userJoinCluster","clusterId":"c1"}}`},
		{onezone.InviteTypeOf(onezone.SpaceJoinHarvester, "h1"), `{"inviteToken":{"inviteType":"spaceJoinHarvester","harvesterId":"h1"}}`},
		{onezone.InviteTypeOf(onezone.UserJoinAtmInventory, "a1"), `{"inviteToken":{"inviteType":"userJoinAtmInventory","atmInventoryId":"a1"}}`},
		{&onezone.TokenType{Invite: &onezone.InviteToken{InviteType: "newKind", TargetKey: "newId", TargetID: "n1"}}, `{"inviteToken":{"inviteType":"newKind","newId":"n1"}}`},
		{&onezone.TokenType{Raw: json.RawMessage(`{"futureToken":{"x":1}}`)}, `{"futureToken":{"x":1}}`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.tt)
		require.NoError(t, err)
		assert.Equal(t, tt.json, string(b))
		var back onezone.TokenType
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, tt.tt.Kind(), back.Kind())
	}
	var got onezone.TokenType
	var b []byte
	require.NoError(t, json.Unmarshal([]byte(`{"inviteToken":{"inviteType":"userJoinGroup","groupId":"g","parameters":{}}}`), &got))
	assert.Equal(t, &onezone.InviteToken{InviteType: onezone.UserJoinGroup, TargetID: "g", TargetKey: "groupId", Parameters: json.RawMessage(`{}`)}, got.Invite)
	b, _ = json.Marshal(got)
	assert.Equal(t, `{"inviteToken":{"inviteType":"userJoinGroup","groupId":"g","parameters":{}}}`, string(b))

	b, err := json.Marshal(onezone.TokenType{})
	require.NoError(t, err)
	assert.Equal(t, "null", string(b), "zero type")
	require.NoError(t, json.Unmarshal([]byte(`null`), &got))
	for _, bad := range []onezone.TokenType{{Access: &onezone.AccessToken{}, Identity: &onezone.IdentityToken{}}, {Invite: &onezone.InviteToken{InviteType: onezone.UserJoinGroup}}} {
		_, err := json.Marshal(bad)
		assert.Error(t, err)
	}
	assert.Error(t, json.Unmarshal([]byte(`{"a":{},"b":{}}`), &got))
}

func TestUsageLimitJSON(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]onezone.UsageLimit{`15`: 15, `"infinity"`: onezone.Unlimited, `null`: 0} {
		var u onezone.UsageLimit
		require.NoError(t, json.Unmarshal([]byte(in), &u))
		assert.Equal(t, want, u)
	}
	b, _ := json.Marshal(onezone.Unlimited)
	assert.Equal(t, `"infinity"`, string(b))
	assert.Equal(t, "infinity", onezone.Unlimited.String())
	assert.Equal(t, "3", onezone.UsageLimit(3).String())
	var u onezone.UsageLimit
	assert.Error(t, json.Unmarshal([]byte(`"x"`), &u))
}

func TestVersionCompare(t *testing.T) {
	t.Parallel()
	min, _ := onezone.ParseVersion(onezone.MinInferScopeVersion)
	for v, older := range map[string]bool{
		"21.02.4": false, "21.02.7": false, "22.02.0": false, "25.0": false, "21.02.4+b": false,
		"21.02.3": true, "20.02.20": true, "21.02.4-beta1": true, "19.02.4": true, "21.02": true,
	} {
		pv, ok := onezone.ParseVersion(v)
		require.True(t, ok, v)
		assert.Equal(t, older, pv.Less(min), v)
	}
	_, ok := onezone.ParseVersion("unknown")
	assert.False(t, ok)
}

func TestRedaction(t *testing.T) {
	t.Parallel()
	nt := &onezone.NamedToken{ID: "t", Token: cloudkeys.NewSecret("MDAxSECRETbearer")}
	for _, s := range []string{fmt.Sprintf("%v", nt), fmt.Sprintf("%+v", nt), fmt.Sprintf("%#v", nt), fmt.Sprint([]*onezone.NamedToken{nt})} {
		assert.NotContains(t, s, "MDAxSECRETbearer")
	}
	b, _ := json.Marshal(nt)
	assert.NotContains(t, string(b), "MDAxSECRETbearer")
	creds := onezone.Basic("u", "hunter2-password")
	for _, s := range []string{fmt.Sprintf("%v", creds), fmt.Sprintf("%+v", creds), fmt.Sprintf("%#v", creds), fmt.Sprint(creds)} {
		assert.Equal(t, "[REDACTED]", s)
	}
}
