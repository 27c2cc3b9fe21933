package onezone_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
)

// withoutTime returns the caveats other than time caveats, in order.
func withoutTime(cs onezone.Caveats) onezone.Caveats {
	out := onezone.Caveats{}
	for _, c := range cs {
		if c.CaveatType() != "time" {
			out = append(out, c)
		}
	}
	return out
}

func storeInto(dst **cloudkeys.Key) func(context.Context, *cloudkeys.Key) error {
	return func(_ context.Context, k *cloudkeys.Key) error { *dst = k; return nil }
}

func noStore(t *testing.T) func(context.Context, *cloudkeys.Key) error {
	return func(context.Context, *cloudkeys.Key) error {
		t.Error("store called for a key that must not be replaced")
		return nil
	}
}

// Rotate keeps every caveat of an access token (not only its expiry), its
// type, its custom metadata and its subject; the time caveat gets the same
// lifetime from now.
func TestRotateKeepsTypeCaveatsAndLifetime(t *testing.T) {
	t.Parallel()
	srv, admin := newFake(t)
	ctx := context.Background()
	uid, _, _ := newUser(t, srv, "erin")

	caveats := onezone.Caveats{
		onezone.IPCaveat{Whitelist: []string{"127.0.0.0/8"}},
		onezone.DataReadonlyCaveat{},
		onezone.Until(srv.Now().Add(2 * time.Hour)),
		onezone.InterfaceCaveat{Interface: "rest"},
		onezone.ConsumerCaveat{Whitelist: []string{"usr-*"}},
		onezone.ASNCaveat{Whitelist: []int{631}},
		onezone.GeoCountryCaveat{Filter: "blacklist", List: []string{"XX"}},
		onezone.DataPathCaveat{Whitelist: []string{"L3MxL2Rpcg=="}},
	}
	custom := map[string]any{"description": "ci", "job": "x"}
	created, err := admin.CreateNamedToken(ctx, onezone.User(uid), onezone.NamedTokenCreateRequest{
		Name: "deploy", Caveats: caveats, CustomMetadata: custom,
	})
	require.NoError(t, err)
	old, err := admin.GetNamedToken(ctx, created.TokenID)
	require.NoError(t, err)
	lifetime := time.Duration(old.Caveats[2].(onezone.TimeCaveat).ValidUntil-old.Metadata.CreationTime) * time.Second

	var stored *cloudkeys.Key
	before := time.Now()
	nk, err := cloudkeys.Rotate(ctx, admin, created.TokenID, storeInto(&stored))
	after := time.Now()
	require.NoError(t, err)
	require.NotNil(t, stored)
	assert.Equal(t, nk.ID, stored.ID)
	assert.Equal(t, uid, nk.Owner)
	assert.Equal(t, "ci", nk.Description)
	assert.True(t, nk.Enabled)

	nt, err := admin.GetNamedToken(ctx, nk.ID)
	require.NoError(t, err)
	assert.Equal(t, onezone.Subject{Type: onezone.SubjectUser, ID: uid}, nt.Subject, "created for the same subject")
	assert.Equal(t, "accessToken", nt.Type.Kind())
	assert.Equal(t, withoutTime(caveats), withoutTime(nt.Caveats), "every other caveat kept, in order")
	require.Len(t, nt.Caveats, len(caveats))
	tc, ok := nt.Caveats[2].(onezone.TimeCaveat)
	require.True(t, ok, "the time caveat stays where it was")
	assert.GreaterOrEqual(t, tc.ValidUntil, before.Add(lifetime).Unix()-1, "same lifetime from now")
	assert.LessOrEqual(t, tc.ValidUntil, after.Add(lifetime).Unix()+1, "same lifetime from now")
	assert.Equal(t, time.Unix(tc.ValidUntil, 0).UTC(), nk.ExpiresAt)
	assert.Equal(t, custom, nt.Metadata.Custom, "custom metadata kept")
	assert.False(t, nt.Revoked)

	_, err = admin.GetNamedToken(ctx, created.TokenID)
	assert.ErrorIs(t, err, cloudkeys.ErrNotFound, "old token deleted")
}

// A token without a time caveat is replaced by one without a time caveat,
// with the same other caveats; a revoked (disabled) token stays revoked.
func TestRotateKeepsCaveatsWithoutExpiryAndRevoked(t *testing.T) {
	t.Parallel()
	_, c := newFake(t)
	ctx := context.Background()
	caveats := onezone.Caveats{onezone.IPCaveat{Whitelist: []string{"10.0.0.0/8"}}, onezone.DataReadonlyCaveat{}}
	created, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{
		Name: "ro", Caveats: caveats, Revoked: true,
	})
	require.NoError(t, err)

	var stored *cloudkeys.Key
	nk, err := cloudkeys.Rotate(ctx, c, created.TokenID, storeInto(&stored))
	require.NoError(t, err)
	assert.False(t, nk.Enabled)
	assert.True(t, nk.ExpiresAt.IsZero())
	nt, err := c.GetNamedToken(ctx, nk.ID)
	require.NoError(t, err)
	assert.Equal(t, caveats, nt.Caveats)
	assert.True(t, nt.Revoked, "a disabled key's replacement is disabled too")
}

// An identity token is replaced by an identity token.
func TestRotateIdentityToken(t *testing.T) {
	t.Parallel()
	_, c := newFake(t)
	ctx := context.Background()
	caveats := onezone.Caveats{onezone.IPCaveat{Whitelist: []string{"10.0.0.0/8"}}}
	created, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{
		Name: "who", Type: onezone.IdentityType(), Caveats: caveats,
	})
	require.NoError(t, err)
	var stored *cloudkeys.Key
	nk, err := cloudkeys.Rotate(ctx, c, created.TokenID, storeInto(&stored))
	require.NoError(t, err)
	nt, err := c.GetNamedToken(ctx, nk.ID)
	require.NoError(t, err)
	assert.Equal(t, "identityToken", nt.Type.Kind())
	assert.Equal(t, caveats, nt.Caveats)
}

// Invite tokens cannot be re-minted faithfully (a fresh invite starts with
// no uses): Rotate refuses them with ErrUnsupported and creates nothing.
func TestRotateInviteIsUnsupported(t *testing.T) {
	t.Parallel()
	srv, admin := newFake(t)
	ctx := context.Background()
	_, user, _ := newUser(t, srv, "frank")

	// The single-use registerOneprovider invite the legacy endpoint leaves
	// in the caller's list.
	//nolint:staticcheck // the deprecated endpoint creates the invite on purpose
	_, err := user.CreateProviderRegistrationToken(ctx, "")
	require.NoError(t, err)
	// An unlimited invite made by hand.
	srv.AddInviteTarget("spaceId", "space1")
	_, err = admin.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{
		Name: "join", Type: onezone.InviteTypeOf(onezone.UserJoinSpace, "space1"),
	})
	require.NoError(t, err)

	var invites []onezonetest.TokenInfo
	for _, ti := range srv.NamedTokens() {
		if ti.Kind == "inviteToken" {
			invites = append(invites, ti)
		}
	}
	require.Len(t, invites, 2)
	before := srv.NamedTokens()
	for _, inv := range invites {
		srv.ResetRequests()
		_, err := cloudkeys.Rotate(ctx, admin, inv.ID, noStore(t))
		require.ErrorIs(t, err, cloudkeys.ErrUnsupported, inv.InviteType)
		assert.Equal(t, before, srv.NamedTokens(), "nothing created, nothing deleted")
		for _, r := range srv.Requests() {
			assert.Equal(t, http.MethodGet, r.Method, "no write sent: %s %s", r.Method, r.Path)
		}
	}
}

// ReplaceKey sends exactly the old token's subject, type, caveats (unknown
// kinds verbatim), metadata and revoked state, with the new name and
// expiry, and refuses what it cannot reproduce before any write.
func TestWireReplaceKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	getBody := func(typ, subject, caveats string) string {
		return `{"id":"old1","name":"n1","subject":` + subject + `,"type":` + typ + `,"caveats":` + caveats +
			`,"metadata":{"creationTime":1700000000,"custom":{"description":"d","k":[1]}},"revoked":true,"token":"` + wireToken + `"}`
	}
	const (
		access  = `{"accessToken":{}}`
		user    = `{"type":"user","id":"u1"}`
		caveats = `[{"type":"ip","whitelist":["1.2.3.0/24"]},{"type":"future","x":{"y":[1,2]}},{"type":"time","validUntil":1700003600}]`
	)
	exp := time.Unix(1800000000, 0).UTC()

	t.Run("faithful", func(t *testing.T) {
		c, reqs := mockClient(t, onezone.Token(wireToken),
			answer(200, getBody(access, `{"type":"provider","id":"p1"}`, caveats)),
			answer(201, `{"tokenId":"new1","token":"MDAxNEW"}`),
			answer(200, `{"id":"new1","name":"n2","subject":{"type":"provider","id":"p1"},"type":{"accessToken":{}},`+
				`"caveats":[{"type":"time","validUntil":1800000000}],"metadata":{"creationTime":1750000000,"custom":{"description":"d"}},"revoked":true,"token":"MDAxNEW"}`))
		k, err := c.ReplaceKey(ctx, &cloudkeys.Key{ID: "old1"}, cloudkeys.CreateKeyRequest{Name: "n2", Description: "ignored", ExpiresAt: exp})
		require.NoError(t, err)
		got := reqs()
		require.Len(t, got, 3)
		assert.Equal(t, "GET", got[0].method)
		assert.Equal(t, onezone.BasePath+"/tokens/named/old1", got[0].path)
		assert.Equal(t, "POST", got[1].method)
		assert.Equal(t, onezone.BasePath+"/providers/p1/tokens/named", got[1].path, "the same subject")
		assert.JSONEq(t, `{"name":"n2","type":{"accessToken":{}},"caveats":[{"type":"ip","whitelist":["1.2.3.0/24"]},{"type":"future","x":{"y":[1,2]}},{"type":"time","validUntil":1800000000}],"customMetadata":{"description":"d","k":[1]},"revoked":true}`, got[1].body)
		assert.Equal(t, "GET", got[2].method, "the new token read back")
		assert.Equal(t, onezone.BasePath+"/tokens/named/new1", got[2].path)
		assert.Equal(t, "new1", k.ID)
		assert.Equal(t, "p1", k.Owner)
		assert.Equal(t, "d", k.Description)
		assert.Equal(t, exp, k.ExpiresAt)
		assert.Equal(t, time.Unix(1750000000, 0).UTC(), k.CreatedAt, "from the read")
		assert.Equal(t, "MDAxNEW", k.Secret.Reveal())
		assert.False(t, k.Enabled)
	})

	t.Run("no expiry requested keeps the time caveat", func(t *testing.T) {
		c, reqs := mockClient(t, onezone.Token(wireToken),
			answer(200, getBody(`{"identityToken":{}}`, user, caveats)),
			answer(201, `{"tokenId":"new1","token":"MDAxNEW"}`))
		_, err := c.ReplaceKey(ctx, &cloudkeys.Key{ID: "old1"}, cloudkeys.CreateKeyRequest{Owner: "u1", Name: "n2"})
		require.NoError(t, err, "a failed read-back is no error")
		got := reqs()
		require.GreaterOrEqual(t, len(got), 3, "the read-back follows the create")
		assert.Equal(t, onezone.BasePath+"/users/u1/tokens/named", got[1].path)
		var body struct {
			Type    json.RawMessage `json:"type"`
			Caveats json.RawMessage `json:"caveats"`
		}
		require.NoError(t, json.Unmarshal([]byte(got[1].body), &body))
		assert.JSONEq(t, `{"identityToken":{}}`, string(body.Type))
		assert.JSONEq(t, caveats, string(body.Caveats))
	})

	t.Run("an expiry is added where there was none", func(t *testing.T) {
		c, reqs := mockClient(t, onezone.Token(wireToken),
			answer(200, getBody(access, user, `[{"type":"data.readonly"}]`)),
			answer(201, `{"tokenId":"new1","token":"MDAxNEW"}`))
		_, err := c.ReplaceKey(ctx, &cloudkeys.Key{ID: "old1"}, cloudkeys.CreateKeyRequest{Name: "n2", ExpiresAt: exp})
		require.NoError(t, err, "a failed read-back is no error")
		got := reqs()
		require.GreaterOrEqual(t, len(got), 3, "the read-back follows the create")
		var body struct {
			Caveats json.RawMessage `json:"caveats"`
		}
		require.NoError(t, json.Unmarshal([]byte(got[1].body), &body))
		assert.JSONEq(t, `[{"type":"data.readonly"},{"type":"time","validUntil":1800000000}]`, string(body.Caveats))
	})

	refused := []struct {
		name, typ, subject, caveats string
		req                         cloudkeys.CreateKeyRequest
	}{
		{"invite", `{"inviteToken":{"inviteType":"registerOneprovider","adminUserId":"u1","parameters":{}}}`, user, `[]`, cloudkeys.CreateKeyRequest{Name: "n2"}},
		{"session access token", `{"accessToken":{"sessionId":"s1"}}`, user, `[]`, cloudkeys.CreateKeyRequest{Name: "n2"}},
		{"unknown type", `{"futureToken":{}}`, user, `[]`, cloudkeys.CreateKeyRequest{Name: "n2"}},
		{"no type", `null`, user, `[]`, cloudkeys.CreateKeyRequest{Name: "n2"}},
		{"nobody", access, `{"type":"nobody"}`, `[]`, cloudkeys.CreateKeyRequest{Name: "n2"}},
		{"unreadable time caveat", access, user, `[{"type":"time","validUntil":"soon"}]`, cloudkeys.CreateKeyRequest{Name: "n2", ExpiresAt: exp}},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			c, reqs := mockClient(t, onezone.Token(wireToken), answer(200, getBody(tc.typ, tc.subject, tc.caveats)))
			_, err := c.ReplaceKey(ctx, &cloudkeys.Key{ID: "old1"}, tc.req)
			require.ErrorIs(t, err, cloudkeys.ErrUnsupported)
			got := reqs()
			require.Len(t, got, 1, "nothing created")
			assert.Equal(t, "GET", got[0].method)
		})
	}

	t.Run("invalid input", func(t *testing.T) {
		c, reqs := mockClient(t, onezone.Token(wireToken), answer(200, getBody(access, user, `[]`)))
		_, err := c.ReplaceKey(ctx, nil, cloudkeys.CreateKeyRequest{Name: "n2"})
		require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
		_, err = c.ReplaceKey(ctx, &cloudkeys.Key{ID: "old1"}, cloudkeys.CreateKeyRequest{})
		require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
		assert.Empty(t, reqs())
		_, err = c.ReplaceKey(ctx, &cloudkeys.Key{ID: "old1"}, cloudkeys.CreateKeyRequest{Owner: "someone-else", Name: "n2"})
		var ie *cloudkeys.InvalidInputError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, "Owner", ie.Field)
		assert.Len(t, reqs(), 1, "only the read")
	})
}
