package onezone_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
)

func TestNamedTokenLifecycle(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()
	until := srv.Now().Add(time.Hour).Unix()

	created, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{
		Name:           "my-token 1",
		Type:           onezone.AccessType(),
		Caveats:        onezone.Caveats{onezone.TimeCaveat{ValidUntil: until}, onezone.IPCaveat{Whitelist: []string{"127.0.0.0/8"}}},
		CustomMetadata: map[string]any{"job": "x"},
	})
	require.NoError(t, err)
	require.NotEmpty(t, created.TokenID)
	require.True(t, strings.HasPrefix(created.Token.Reveal(), "MDAx"))

	ids, err := tokenIDs(c.ListNamedTokensPage(ctx, onezone.CurrentUser()))
	require.NoError(t, err)
	assert.Equal(t, []string{created.TokenID}, ids)
	ids, err = tokenIDs(c.ListNamedTokensPage(ctx, onezone.User(srv.AdminID())))
	require.NoError(t, err)
	assert.Equal(t, []string{created.TokenID}, ids)

	nt, err := c.GetNamedToken(ctx, created.TokenID)
	require.NoError(t, err)
	assert.Equal(t, "my-token 1", nt.Name)
	assert.Equal(t, onezone.Subject{Type: onezone.SubjectUser, ID: srv.AdminID()}, nt.Subject)
	assert.Equal(t, "accessToken", nt.Type.Kind())
	assert.Equal(t, onezone.Caveats{onezone.TimeCaveat{ValidUntil: until}, onezone.IPCaveat{Whitelist: []string{"127.0.0.0/8"}}}, nt.Caveats)
	assert.Equal(t, map[string]any{"job": "x"}, nt.Metadata.Custom)
	assert.Equal(t, srv.Now().Unix(), nt.Metadata.CreationTime, "creation time in Unix seconds")
	assert.False(t, nt.Revoked)
	assert.True(t, nt.Token.Equal(created.Token), "GET returns the full bearer token")

	byName, err := c.GetNamedTokenByName(ctx, onezone.CurrentUser(), "my-token 1")
	require.NoError(t, err)
	assert.Equal(t, created.TokenID, byName.ID)

	newName := "renamed"
	revoked := true
	require.NoError(t, c.ModifyNamedToken(ctx, created.TokenID, onezone.NamedTokenUpdateRequest{Name: &newName, CustomMetadata: map[string]any{}, Revoked: &revoked}))
	st, err := c.GetNamedTokenStatus(ctx, created.TokenID)
	require.NoError(t, err)
	assert.True(t, st.Revoked)
	nt, err = c.GetNamedToken(ctx, created.TokenID)
	require.NoError(t, err)
	assert.Equal(t, "renamed", nt.Name)
	assert.Empty(t, nt.Metadata.Custom, "customMetadata replaces custom as a whole")

	_, err = c.GetNamedTokenByName(ctx, onezone.CurrentUser(), "my-token 1")
	assert.ErrorIs(t, err, cloudkeys.ErrNotFound)

	require.NoError(t, c.DeleteNamedToken(ctx, created.TokenID))
	_, err = c.GetNamedToken(ctx, created.TokenID)
	assert.ErrorIs(t, err, cloudkeys.ErrNotFound)
	assert.Equal(t, "notFound", onezone.ErrorID(err))
	err = c.DeleteNamedToken(ctx, created.TokenID)
	assert.ErrorIs(t, err, cloudkeys.ErrNotFound, "a 404 on the first attempt is an error")

	// Delete-all.
	for _, n := range []string{"aa", "bb", "cc"} {
		_, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: n})
		require.NoError(t, err)
	}
	all, err := tokenIDs(c.ListAllNamedTokensPage(ctx))
	require.NoError(t, err)
	assert.Len(t, all, 3)
	var names []string
	for tok, err := range c.ListAllNamedTokens(ctx) {
		require.NoError(t, err)
		assert.Contains(t, all, tok.ID)
		assert.False(t, tok.Token.IsZero(), "each token read with GET /tokens/named/{id}")
		names = append(names, tok.Name)
	}
	assert.ElementsMatch(t, []string{"aa", "bb", "cc"}, names)
	names = nil
	for tok, err := range c.ListNamedTokens(ctx, onezone.CurrentUser()) {
		require.NoError(t, err)
		names = append(names, tok.Name)
	}
	assert.ElementsMatch(t, []string{"aa", "bb", "cc"}, names)
	require.NoError(t, c.DeleteAllNamedTokens(ctx, onezone.CurrentUser()))
	ids, err = tokenIDs(c.ListNamedTokensPage(ctx, onezone.CurrentUser()))
	require.NoError(t, err)
	assert.Empty(t, ids)
}

func TestNamedTokenForOtherUser(t *testing.T) {
	t.Parallel()
	srv, admin := newFake(t)
	ctx := context.Background()
	uid, user, _ := newUser(t, srv, "alice")

	created, err := admin.CreateNamedToken(ctx, onezone.User(uid), onezone.NamedTokenCreateRequest{Name: "for-alice"})
	require.NoError(t, err)
	nt, err := user.GetNamedToken(ctx, created.TokenID)
	require.NoError(t, err)
	assert.Equal(t, uid, nt.Subject.ID)

	// Alice may not touch the admin's tokens.
	_, err = user.ListNamedTokensPage(ctx, onezone.User(srv.AdminID()))
	assert.ErrorIs(t, err, cloudkeys.ErrForbidden)
	_, err = user.ListAllNamedTokensPage(ctx)
	assert.ErrorIs(t, err, cloudkeys.ErrForbidden)
	adminTok, err := admin.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "admins"})
	require.NoError(t, err)
	_, err = user.GetNamedToken(ctx, adminTok.TokenID)
	assert.ErrorIs(t, err, cloudkeys.ErrForbidden)
	assert.Equal(t, "forbidden", onezone.ErrorID(err))
	_, err = admin.ListNamedTokensPage(ctx, onezone.User("nosuchuser"))
	assert.ErrorIs(t, err, cloudkeys.ErrNotFound)
	_, err = admin.ListNamedTokensPage(ctx, onezone.CurrentProvider())
	assert.ErrorIs(t, err, cloudkeys.ErrForbidden)
	_, err = admin.ListNamedTokensPage(ctx, onezone.Provider("p1"))
	assert.ErrorIs(t, err, cloudkeys.ErrNotFound)
}

func TestRevocationSeenByAuthAndVerify(t *testing.T) {
	t.Parallel()
	srv, admin := newFake(t)
	ctx := context.Background()
	created, err := admin.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "svc"})
	require.NoError(t, err)
	tc := srv.ClientWith(onezone.Token(created.Token.Reveal()), fastRetry())

	_, err = tc.ListNamedTokensPage(ctx, onezone.CurrentUser())
	require.NoError(t, err)
	res, err := admin.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: created.Token})
	require.NoError(t, err)
	assert.Equal(t, srv.AdminID(), res.Subject.ID)
	assert.Nil(t, res.TTL)

	require.NoError(t, admin.SetKeyEnabled(ctx, created.TokenID, false))
	_, err = tc.ListNamedTokensPage(ctx, onezone.CurrentUser())
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
	assert.Equal(t, "unauthorized", onezone.ErrorID(err))
	assert.Equal(t, "tokenRevoked", onezone.NestedErrorID(err))
	var apiErr *cloudkeys.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	assert.Equal(t, 1, apiErr.Attempts, "401 is not retried")

	_, err = admin.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: created.Token})
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	assert.Equal(t, "tokenRevoked", onezone.ErrorID(err))

	require.NoError(t, admin.SetKeyEnabled(ctx, created.TokenID, true))
	_, err = tc.ListNamedTokensPage(ctx, onezone.CurrentUser())
	require.NoError(t, err)
	_, err = admin.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: created.Token})
	require.NoError(t, err)

	require.NoError(t, admin.DeleteKey(ctx, created.TokenID))
	_, err = tc.ListNamedTokensPage(ctx, onezone.CurrentUser())
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
	assert.Equal(t, "tokenInvalid", onezone.NestedErrorID(err))
	_, err = admin.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: created.Token})
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	assert.Equal(t, "tokenInvalid", onezone.ErrorID(err))

	_, err = admin.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: cloudkeys.NewSecret("MDAxnotatoken")})
	assert.Equal(t, "badValueToken", onezone.ErrorID(err))
	assert.Equal(t, "badToken", onezone.NestedErrorID(err))
}

func TestTimeCaveatExpiry(t *testing.T) {
	t.Parallel()
	srv, admin := newFake(t)
	ctx := context.Background()
	srv.Clock().Set(time.Unix(1_700_000_000, 0))
	created, err := admin.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{
		Name: "short", Caveats: onezone.Caveats{onezone.TimeCaveat{ValidUntil: 1_700_000_100}},
	})
	require.NoError(t, err)
	res, err := admin.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: created.Token})
	require.NoError(t, err)
	require.NotNil(t, res.TTL)
	assert.Equal(t, int64(100), *res.TTL)
	srv.Clock().Advance(101 * time.Second)
	_, err = admin.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: created.Token})
	assert.Equal(t, "tokenCaveatUnverified", onezone.ErrorID(err))
	tc := srv.ClientWith(onezone.Token(created.Token.Reveal()), fastRetry())
	_, err = tc.ListNamedTokensPage(ctx, onezone.CurrentUser())
	assert.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
	assert.Equal(t, "tokenCaveatUnverified", onezone.NestedErrorID(err))
}

func TestTemporaryTokens(t *testing.T) {
	t.Parallel()
	srv, admin := newFake(t)
	ctx := context.Background()

	srv.ResetRequests()
	_, err := admin.CreateTemporaryToken(ctx, onezone.CurrentUser(), onezone.TemporaryTokenRequest{})
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	var ie *cloudkeys.InvalidInputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "Caveats", ie.Field)
	assert.Empty(t, srv.Requests(), "refused before sending")

	gen, err := admin.GetTemporaryTokenGeneration(ctx, onezone.CurrentUser())
	require.NoError(t, err)
	assert.Equal(t, int64(1), gen)

	tok, err := admin.CreateTemporaryToken(ctx, onezone.CurrentUser(), onezone.TemporaryTokenRequest{
		Caveats: onezone.Caveats{onezone.Until(srv.Now().Add(time.Hour))},
	})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(tok.Reveal(), "MDAx"))
	tc := srv.ClientWith(onezone.Token(tok.Reveal()), fastRetry())
	_, err = tc.GetTemporaryTokenGeneration(ctx, onezone.CurrentUser())
	require.NoError(t, err)

	ex, err := admin.ExamineToken(ctx, tok)
	require.NoError(t, err)
	assert.Equal(t, "temporary", ex.Persistence)
	assert.Equal(t, srv.Domain(), ex.OnezoneDomain)

	ids, err := tokenIDs(admin.ListNamedTokensPage(ctx, onezone.CurrentUser()))
	require.NoError(t, err)
	assert.Empty(t, ids, "temporary tokens are never listed")

	require.NoError(t, admin.RevokeAllTemporaryTokens(ctx, onezone.CurrentUser()))
	gen, err = admin.GetTemporaryTokenGeneration(ctx, onezone.CurrentUser())
	require.NoError(t, err)
	assert.Equal(t, int64(2), gen)
	_, err = tc.GetTemporaryTokenGeneration(ctx, onezone.CurrentUser())
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
	assert.Equal(t, "tokenRevoked", onezone.NestedErrorID(err))
	_, err = admin.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: tok})
	assert.Equal(t, "tokenRevoked", onezone.ErrorID(err))

	// TTL above max_temporary_token_ttl.
	_, err = admin.CreateTemporaryToken(ctx, onezone.CurrentUser(), onezone.TemporaryTokenRequest{
		Caveats: onezone.Caveats{onezone.Until(srv.Now().Add(31 * 24 * time.Hour))},
	})
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	assert.Equal(t, "tokenTimeCaveatRequired", onezone.ErrorID(err))

	// A validUntil in the past is accepted (the token just never verifies).
	past, err := admin.CreateTemporaryToken(ctx, onezone.CurrentUser(), onezone.TemporaryTokenRequest{
		Caveats: onezone.Caveats{onezone.Until(srv.Now().Add(-time.Minute))},
	})
	require.NoError(t, err)
	_, err = admin.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: past})
	assert.Equal(t, "tokenCaveatUnverified", onezone.ErrorID(err))
}

func TestProviderRegistration(t *testing.T) {
	t.Parallel()
	srv, admin := newFake(t)
	ctx := context.Background()
	uid, user, _ := newUser(t, srv, "bob")

	// The deprecated way, for oneself under the open policy.
	//nolint:staticcheck // testing the deprecated endpoint on purpose
	tok, err := user.CreateProviderRegistrationToken(ctx, "")
	require.NoError(t, err)
	ids, err := tokenIDs(user.ListNamedTokensPage(ctx, onezone.CurrentUser()))
	require.NoError(t, err)
	require.Len(t, ids, 2, "bootstrap + the registration token")
	var reg *onezone.NamedToken
	for _, id := range ids {
		nt, err := user.GetNamedToken(ctx, id)
		require.NoError(t, err)
		if nt.Type.Invite != nil {
			reg = nt
		}
	}
	require.NotNil(t, reg)
	assert.True(t, reg.Token.Equal(tok))
	assert.Equal(t, onezone.RegisterOneprovider, reg.Type.Invite.InviteType)
	assert.Equal(t, uid, reg.Type.Invite.TargetID)
	assert.Equal(t, onezone.UsageLimit(1), reg.Metadata.UsageLimit)
	require.NotNil(t, reg.Metadata.UsageCount)
	assert.True(t, strings.HasPrefix(reg.Name, "Oneprovider rgstr. token for - "))
	assert.LessOrEqual(t, len(reg.Name), 50)
	res, err := admin.VerifyInviteToken(ctx, onezone.VerifyInviteTokenRequest{Token: tok, ExpectedInviteType: onezone.RegisterOneprovider})
	require.NoError(t, err)
	assert.Equal(t, uid, res.Subject.ID)
	_, err = admin.VerifyInviteToken(ctx, onezone.VerifyInviteTokenRequest{Token: tok, ExpectedInviteType: onezone.UserJoinSpace})
	assert.Equal(t, "notAnInviteToken", onezone.ErrorID(err))
	_, err = admin.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: tok})
	assert.Equal(t, "notAnAccessToken", onezone.ErrorID(err))

	// For another user: the admin (oz_providers_invite) may, bob may not.
	//nolint:staticcheck // deprecated on purpose
	tok2, err := admin.CreateProviderRegistrationToken(ctx, uid)
	require.NoError(t, err)
	ex, err := admin.ExamineToken(ctx, tok2)
	require.NoError(t, err)
	assert.Equal(t, srv.AdminID(), ex.Subject.ID, "owned by the caller")
	assert.Equal(t, uid, ex.Type.Invite.TargetID)
	//nolint:staticcheck // deprecated on purpose
	_, err = user.CreateProviderRegistrationToken(ctx, srv.AdminID())
	assert.ErrorIs(t, err, cloudkeys.ErrForbidden)

	// The recommended way: a temporary registerOneprovider invite.
	inv, err := user.CreateProviderRegistrationInvite(ctx, uid, srv.Now().Add(time.Hour))
	require.NoError(t, err)
	ex, err = admin.ExamineToken(ctx, inv)
	require.NoError(t, err)
	assert.Equal(t, "temporary", ex.Persistence)
	assert.Equal(t, onezone.RegisterOneprovider, ex.Type.Invite.InviteType)
	res, err = admin.VerifyInviteToken(ctx, onezone.VerifyInviteTokenRequest{Token: inv, ExpectedInviteType: onezone.RegisterOneprovider})
	require.NoError(t, err)
	require.NotNil(t, res.TTL)
	_, err = user.CreateProviderRegistrationInvite(ctx, srv.AdminID(), srv.Now().Add(time.Hour))
	assert.Equal(t, "inviteTokenSubjectNotAuthorized", onezone.ErrorID(err))
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	_, err = admin.CreateProviderRegistrationInvite(ctx, "nosuchuser", srv.Now().Add(time.Hour))
	assert.Equal(t, "inviteTokenTargetIdInvalid", onezone.ErrorID(err))
	_, err = user.CreateProviderRegistrationInvite(ctx, "", srv.Now().Add(time.Hour))
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
}

func TestProviderRegistrationRestricted(t *testing.T) {
	t.Parallel()
	srv, admin := newFake(t, onezonetest.WithRestrictedProviderRegistration())
	ctx := context.Background()
	_, user, _ := newUser(t, srv, "carol")
	//nolint:staticcheck // deprecated on purpose
	_, err := user.CreateProviderRegistrationToken(ctx, "")
	assert.ErrorIs(t, err, cloudkeys.ErrForbidden)
	//nolint:staticcheck // deprecated on purpose
	_, err = admin.CreateProviderRegistrationToken(ctx, "")
	assert.NoError(t, err)
}

func TestVersionGating(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, onezonetest.WithVersion("21.02.3"))
	ctx := context.Background()
	tok, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "scope"})
	require.NoError(t, err)

	srv.ResetRequests()
	_, err = c.InferAccessTokenScope(ctx, onezone.InferAccessTokenScopeRequest{Token: tok.Token})
	require.ErrorIs(t, err, cloudkeys.ErrUnsupported)
	_, err = c.InferAccessTokenScope(ctx, onezone.InferAccessTokenScopeRequest{Token: tok.Token})
	require.ErrorIs(t, err, cloudkeys.ErrUnsupported)
	reqs := srv.Requests()
	require.Len(t, reqs, 1, "configuration read once and cached; infer never sent")
	assert.Equal(t, onezone.BasePath+"/configuration", reqs[0].Path)
	assert.Empty(t, reqs[0].Header.Get("Authorization"), "public: no credentials")

	// The route itself does not exist on the old server.
	status, _, body := raw(t, srv, http.MethodPost, "/tokens/infer_access_token_scope", hdr("Content-Type", "application/json"), `{"token":"x"}`)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Empty(t, body)

	srv.SetVersion("21.02.4")
	cfg, err := c.GetConfiguration(ctx) // refreshes the cache
	require.NoError(t, err)
	assert.Equal(t, "21.02.4", cfg.Version)
	scope, err := c.InferAccessTokenScope(ctx, onezone.InferAccessTokenScopeRequest{Token: tok.Token})
	require.NoError(t, err)
	require.NotNil(t, scope.DataAccessScope)
	assert.Nil(t, scope.ValidUntil)

	// A fresh client on a new server.
	srv2, c2 := newFake(t, onezonetest.WithVersion("25.0"))
	tok2, _ := c2.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "scope"})
	_, err = c2.InferAccessTokenScope(ctx, onezone.InferAccessTokenScopeRequest{Token: tok2.Token})
	require.NoError(t, err)
	_ = srv2
}

func TestExamineConfineVerify(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()
	created, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "base"})
	require.NoError(t, err)
	confined, err := c.ConfineToken(ctx, created.Token, onezone.Caveats{
		onezone.IPCaveat{Whitelist: []string{"10.0.0.0/8"}}, onezone.InterfaceCaveat{Interface: "oneclient"},
	})
	require.NoError(t, err)
	assert.False(t, confined.Equal(created.Token))
	ex, err := c.ExamineToken(ctx, confined)
	require.NoError(t, err)
	assert.Equal(t, created.TokenID, ex.ID)
	assert.Equal(t, "named", ex.Persistence)
	assert.Equal(t, onezone.Caveats{onezone.IPCaveat{Whitelist: []string{"10.0.0.0/8"}}, onezone.InterfaceCaveat{Interface: "oneclient"}}, ex.Caveats)

	_, err = c.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: confined, PeerIP: "10.1.2.3", Interface: "oneclient"})
	require.NoError(t, err)
	_, err = c.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: confined, PeerIP: "192.168.0.1", Interface: "oneclient"})
	assert.Equal(t, "tokenCaveatUnverified", onezone.ErrorID(err))
	_, err = c.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: confined, PeerIP: "10.1.2.3", Interface: "bogus"})
	assert.Equal(t, "badValueNotAllowed", onezone.ErrorID(err))
	// A confined token inherits revocation of its parent.
	require.NoError(t, c.SetKeyEnabled(ctx, created.TokenID, false))
	_, err = c.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: confined, PeerIP: "10.1.2.3", Interface: "oneclient"})
	assert.Equal(t, "tokenRevoked", onezone.ErrorID(err))

	// Identity tokens.
	id, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "ident", Type: onezone.IdentityType()})
	require.NoError(t, err)
	res, err := c.VerifyIdentityToken(ctx, onezone.VerifyIdentityTokenRequest{Token: id.Token})
	require.NoError(t, err)
	assert.Equal(t, srv.AdminID(), res.Subject.ID)
	acc, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "acc"})
	require.NoError(t, err)
	_, err = c.VerifyIdentityToken(ctx, onezone.VerifyIdentityTokenRequest{Token: acc.Token})
	assert.Equal(t, "notAnIdentityToken", onezone.ErrorID(err))
	// An identity token is no credential.
	ic := srv.ClientWith(onezone.Token(id.Token.Reveal()), fastRetry())
	_, err = ic.ListNamedTokensPage(ctx, onezone.CurrentUser())
	assert.Equal(t, "notAnAccessToken", onezone.NestedErrorID(err))

	// Data caveats need allowDataAccessCaveats.
	ro, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "ro", Caveats: onezone.Caveats{onezone.DataReadonlyCaveat{}}})
	require.NoError(t, err)
	_, err = c.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: ro.Token})
	assert.Equal(t, "tokenCaveatUnverified", onezone.ErrorID(err))
	yes := true
	_, err = c.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: ro.Token, AllowDataAccessCaveats: &yes})
	assert.NoError(t, err)

	ms, err := c.GetCurrentTime(ctx)
	require.NoError(t, err)
	assert.InDelta(t, srv.Now().UnixMilli(), ms, 5000)
}

func TestInviteTokens(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()
	_, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "inv", Type: onezone.InviteTypeOf(onezone.UserJoinSpace, "space1")})
	assert.Equal(t, "inviteTokenTargetIdInvalid", onezone.ErrorID(err))
	srv.AddInviteTarget("spaceId", "space1")
	created, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{
		Name: "inv", Type: onezone.InviteTypeOf(onezone.UserJoinSpace, "space1"), UsageLimit: 5, Privileges: []string{"space_view"},
	})
	require.NoError(t, err)
	nt, err := c.GetNamedToken(ctx, created.TokenID)
	require.NoError(t, err)
	assert.Equal(t, "spaceId", nt.Type.Invite.TargetKey)
	assert.JSONEq(t, `{}`, string(nt.Type.Invite.Parameters))
	assert.Equal(t, onezone.UsageLimit(5), nt.Metadata.UsageLimit)
	assert.Equal(t, []string{"space_view"}, nt.Metadata.Privileges)

	created, err = c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{
		Name: "inv2", Type: onezone.InviteTypeOf(onezone.UserJoinSpace, "space1"),
	})
	require.NoError(t, err)
	nt, err = c.GetNamedToken(ctx, created.TokenID)
	require.NoError(t, err)
	assert.Equal(t, onezone.Unlimited, nt.Metadata.UsageLimit, "default usageLimit is infinity")
}

func TestErrorMappings(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()
	_, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "dup"})
	require.NoError(t, err)
	other, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "other"})
	require.NoError(t, err)
	dup := "dup"

	bad := srv.ClientWith(onezone.Basic(onezonetest.AdminUsername, "wrong-password"), fastRetry())
	mk := func(status int, body string) func() error {
		return func() error {
			f := onezonetest.Fault{Status: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body)}
			srv.FailNextWith(1, f)
			_, err := c.GetNamedTokenStatus(ctx, other.TokenID)
			return err
		}
	}
	tests := []struct {
		name     string
		call     func() error
		sentinel error
		status   int
		id       string
		nested   string
	}{
		{"name clash on create", func() error {
			_, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "dup"})
			return err
		}, cloudkeys.ErrConflict, 400, "badValueIdentifierOccupied", ""},
		{"name clash on rename", func() error {
			return c.ModifyNamedToken(ctx, other.TokenID, onezone.NamedTokenUpdateRequest{Name: &dup})
		}, cloudkeys.ErrConflict, 400, "badValueIdentifierOccupied", ""},
		{"not found", func() error { _, err := c.GetNamedToken(ctx, "nope"); return err }, cloudkeys.ErrNotFound, 404, "notFound", ""},
		{"bad basic credentials", func() error { _, err := bad.ListNamedTokensPage(ctx, onezone.CurrentUser()); return err },
			cloudkeys.ErrUnauthorized, 401, "unauthorized", "badBasicCredentials"},
		{"bad name", mk(400, `{"error":{"id":"badValueName","description":"Bad value: Name must be 2-128 characters long"}}`),
			cloudkeys.ErrInvalidRequest, 400, "badValueName", ""},
		{"bad caveat", func() error {
			_, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "cav", Caveats: onezone.Caveats{onezone.IPCaveat{}}})
			return err
		}, cloudkeys.ErrInvalidRequest, 400, "badValueCaveat", ""},
		{"unknown caveat kind", func() error {
			_, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "cav",
				Caveats: onezone.Caveats{onezone.RawCaveat{Type: "future", JSON: []byte(`{"type":"future"}`)}}})
			return err
		}, cloudkeys.ErrInvalidRequest, 400, "badValueCaveat", ""},
		{"forbidden", mk(403, `{"error":{"id":"forbidden","description":"no"}}`), cloudkeys.ErrForbidden, 403, "forbidden", ""},
		{"forbiddenWithHint", mk(403, `{"error":{"id":"forbiddenWithHint","description":"no","details":{"hint":"x"}}}`), cloudkeys.ErrForbidden, 403, "forbiddenWithHint", ""},
		{"internal error", func() error {
			srv.FailNext(1, 500)
			_, err := c.GetNamedTokenStatus(ctx, other.TokenID)
			return err
		}, cloudkeys.ErrServer, 500, "internalServerError", ""},
		{"body-less 404", mk(404, ""), cloudkeys.ErrNotFound, 404, "", ""},
		{"body-less 405", mk(405, ""), cloudkeys.ErrUnsupported, 405, "", ""},
		{"body-less 415", mk(415, ""), cloudkeys.ErrInvalidRequest, 415, "", ""},
		{"body-less 500", mk(500, ""), cloudkeys.ErrServer, 500, "", ""},
		{"html 500", mk(500, "<html><body>crash</body></html>"), cloudkeys.ErrServer, 500, "", ""},
		{"unknown 400 id", mk(400, `{"error":{"id":"somethingNew","description":"?"}}`), cloudkeys.ErrInvalidRequest, 400, "somethingNew", ""},
		{"notSupported", mk(400, `{"error":{"id":"notSupported"}}`), cloudkeys.ErrUnsupported, 400, "notSupported", ""},
		{"nested token error", mk(400, `{"error":{"id":"badValueToken","details":{"key":"token","tokenError":{"id":"badToken","description":"x"}}}}`),
			cloudkeys.ErrInvalidRequest, 400, "badValueToken", "badToken"},
	}
	for _, tt := range tests {
		err := tt.call()
		require.Error(t, err, tt.name)
		assert.ErrorIs(t, err, tt.sentinel, tt.name)
		var ae *cloudkeys.APIError
		require.ErrorAs(t, err, &ae, tt.name)
		assert.Equal(t, tt.status, ae.StatusCode, tt.name)
		assert.Equal(t, tt.id, ae.Code, tt.name)
		assert.Equal(t, "onezone", ae.Vendor, tt.name)
		assert.NotEmpty(t, ae.Operation, tt.name)
		assert.Equal(t, tt.nested, onezone.NestedErrorID(err), tt.name)
	}
}

func TestInvalidInputSendsNothing(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()
	srv.ResetRequests()
	calls := []func() error{
		func() error { return c.ModifyNamedToken(ctx, "id", onezone.NamedTokenUpdateRequest{}) },
		func() error { return c.ModifyNamedToken(ctx, "", onezone.NamedTokenUpdateRequest{}) },
		func() error {
			_, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{})
			return err
		},
		func() error {
			_, err := c.CreateNamedToken(ctx, onezone.Subject{Type: "group"}, onezone.NamedTokenCreateRequest{Name: "xx"})
			return err
		},
		func() error {
			_, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "xx", Type: &onezone.TokenType{}})
			return err
		},
		func() error {
			_, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "xx", Caveats: onezone.Caveats{nil}})
			return err
		},
		// Nil values inside the Caveat interface are refused, never a panic.
		func() error {
			_, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "xx", Caveats: onezone.Caveats{(*onezone.TimeCaveat)(nil)}})
			return err
		},
		func() error {
			_, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "xx", Caveats: onezone.Caveats{onezone.IPCaveat{Whitelist: []string{"1.2.3.4"}}, (*onezone.RawCaveat)(nil)}})
			return err
		},
		func() error {
			_, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "xx", Caveats: onezone.Caveats{(*onezone.IPCaveat)(nil)}})
			return err
		},
		func() error {
			_, err := c.CreateTemporaryToken(ctx, onezone.CurrentUser(), onezone.TemporaryTokenRequest{Caveats: onezone.Caveats{(*onezone.TimeCaveat)(nil)}})
			return err
		},
		func() error {
			_, err := c.CreateTemporaryToken(ctx, onezone.CurrentUser(), onezone.TemporaryTokenRequest{Caveats: onezone.Caveats{onezone.Until(time.Now().Add(time.Hour)), (*onezone.DataReadonlyCaveat)(nil)}})
			return err
		},
		func() error {
			_, err := c.ConfineToken(ctx, cloudkeys.NewSecret("MDAxabc"), onezone.Caveats{(*onezone.TimeCaveat)(nil)})
			return err
		},
		func() error { _, err := c.GetNamedToken(ctx, ""); return err },
		func() error { _, err := c.ExamineToken(ctx, cloudkeys.Secret{}); return err },
		func() error { _, err := c.ConfineToken(ctx, cloudkeys.NewSecret("MDAxabc"), nil); return err },
		func() error { _, err := c.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{}); return err },
		func() error {
			_, err := c.InferAccessTokenScope(ctx, onezone.InferAccessTokenScopeRequest{})
			return err
		},
		func() error { _, err := c.CreateProviderRegistrationInvite(ctx, "u", time.Time{}); return err },
		func() error { _, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{}); return err },
	}
	for i, call := range calls {
		err := call()
		assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest, "call %d", i)
		var ie *cloudkeys.InvalidInputError
		assert.ErrorAs(t, err, &ie, "call %d", i)
	}
	assert.Empty(t, srv.Requests())

	for _, creds := range []onezone.Credentials{onezone.Token(""), onezone.Basic("", "x"), onezone.Basic("a:b", "x"), onezone.Basic("a", ""), {}} {
		_, err := onezone.New(srv.URL(), creds)
		assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	}
	_, err := onezone.New("ftp://x", onezone.Token("t"))
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
}

func TestLostCreateIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()

	srv.CommitThenDrop(1)
	_, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "once"})
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.Len(t, srv.NamedTokens(), 1, "exactly one token on the server")
	assert.Len(t, srv.Requests(), 1, "never re-sent")
	// Reconcile by name.
	nt, err := c.GetNamedTokenByName(ctx, onezone.CurrentUser(), "once")
	require.NoError(t, err)
	assert.Equal(t, srv.NamedTokens()[0].ID, nt.ID)

	srv.ResetRequests()
	srv.CommitThenDrop(1)
	_, err = c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Name: "key-once"})
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.Len(t, srv.NamedTokens(), 2)
	assert.Len(t, srv.Requests(), 1)

	srv.ResetRequests()
	srv.CommitThenDrop(1)
	_, err = c.CreateTemporaryToken(ctx, onezone.CurrentUser(), onezone.TemporaryTokenRequest{Caveats: onezone.Caveats{onezone.Until(srv.Now().Add(time.Hour))}})
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.Len(t, srv.Requests(), 1)

	srv.ResetRequests()
	srv.CommitThenDrop(1)
	//nolint:staticcheck // deprecated on purpose
	_, err = c.CreateProviderRegistrationToken(ctx, "")
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.Len(t, srv.Requests(), 1)
	assert.Len(t, srv.NamedTokens(), 3)

	// A 502 from a gateway on a create is outcome-unknown too.
	srv.FailNext(1, http.StatusBadGateway)
	_, err = c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "gw"})
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
}

func TestRetries(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()
	created, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "rr"})
	require.NoError(t, err)

	srv.ResetRequests()
	srv.FailNext(2, http.StatusServiceUnavailable)
	_, err = c.GetNamedToken(ctx, created.TokenID)
	require.NoError(t, err)
	assert.Len(t, srv.Requests(), 3)

	srv.FailNext(3, http.StatusServiceUnavailable)
	_, err = c.ListNamedTokensPage(ctx, onezone.CurrentUser())
	require.ErrorIs(t, err, cloudkeys.ErrServer)
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 3, ae.Attempts)
	assert.Equal(t, "serviceUnavailable", ae.Code)

	srv.DropNext(1)
	_, err = c.GetNamedTokenStatus(ctx, created.TokenID)
	require.NoError(t, err)

	// A PATCH whose answer was lost is retried (idempotent by nature).
	srv.CommitThenDrop(1)
	no := false
	require.NoError(t, c.ModifyNamedToken(ctx, created.TokenID, onezone.NamedTokenUpdateRequest{Revoked: &no}))

	// A delete whose answer was lost is retried; the 404 then means done.
	srv.CommitThenDrop(1)
	require.NoError(t, c.DeleteNamedToken(ctx, created.TokenID))
	assert.Empty(t, srv.NamedTokens())

	// A 400 is never retried.
	srv.ResetRequests()
	srv.FailNext(1, http.StatusBadRequest)
	_, err = c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "rr"})
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	assert.Len(t, srv.Requests(), 1)
	assert.Empty(t, srv.NamedTokens(), "the 400 created nothing")

	srv.ClearFaults()
	assert.Zero(t, srv.PendingFaults())
}

func TestFakeAuthPrecedence(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()
	created, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "tok"})
	require.NoError(t, err)
	good := created.Token.Reveal()
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(onezonetest.AdminUsername+":"+srv.AdminPassword()))
	badBasic := "Basic " + base64.StdEncoding.EncodeToString([]byte("admin:nope"))
	path := "/user/tokens/named"
	tests := []struct {
		name   string
		h      http.Header
		status int
		authID string
	}{
		{"x-auth-token", hdr("X-Auth-Token", good), 200, ""},
		{"x-auth-token wins over a bad bearer", hdr("X-Auth-Token", good, "Authorization", "Bearer MDAxbad"), 200, ""},
		{"bad x-auth-token wins over a good bearer", hdr("X-Auth-Token", "MDAxbad", "Authorization", "Bearer "+good), 401, "badToken"},
		{"bearer", hdr("Authorization", "Bearer "+good), 200, ""},
		{"bearer is case-sensitive", hdr("Authorization", "bearer "+good), 401, ""},
		{"bearer wins over macaroon", hdr("Authorization", "Bearer MDAxbad", "Macaroon", good), 401, "badToken"},
		{"macaroon", hdr("Macaroon", good), 200, ""},
		{"macaroon wins over basic", hdr("Macaroon", "MDAxbad", "Authorization", basic), 401, "badToken"},
		{"basic", hdr("Authorization", basic), 200, ""},
		{"bad basic", hdr("Authorization", badBasic), 401, "badBasicCredentials"},
		{"nobody", nil, 401, ""},
	}
	for _, tt := range tests {
		status, _, body := raw(t, srv, http.MethodGet, path, tt.h, "")
		assert.Equal(t, tt.status, status, tt.name)
		if status == 401 {
			var env struct {
				Error struct {
					ID      string `json:"id"`
					Details *struct {
						AuthError struct {
							ID string `json:"id"`
						} `json:"authError"`
					} `json:"details"`
				} `json:"error"`
			}
			require.NoError(t, json.Unmarshal([]byte(body), &env), tt.name)
			assert.Equal(t, "unauthorized", env.Error.ID, tt.name)
			if tt.authID == "" {
				assert.Nil(t, env.Error.Details, tt.name)
			} else {
				require.NotNil(t, env.Error.Details, tt.name)
				assert.Equal(t, tt.authID, env.Error.Details.AuthError.ID, tt.name)
			}
		}
	}
	// Public endpoints work for nobody.
	status, _, _ := raw(t, srv, http.MethodGet, "/configuration", nil, "")
	assert.Equal(t, 200, status)
}

func TestFakeCheckOrder(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()
	created, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "tok"})
	require.NoError(t, err)
	_, _, aliceTok := newUser(t, srv, "alice")
	js := "application/json"
	tests := []struct {
		name   string
		method string
		path   string
		h      http.Header
		body   string
		status int
		id     string
	}{
		{"by-id unknown anonymous → 404", "GET", "/tokens/named/unknown", nil, "", 404, "notFound"},
		{"by-id known anonymous → 401", "GET", "/tokens/named/" + created.TokenID, nil, "", 401, "unauthorized"},
		{"by-id other user → 403", "GET", "/tokens/named/" + created.TokenID, hdr("X-Auth-Token", aliceTok), "", 403, "forbidden"},
		{"patch other user bad body → 403", "PATCH", "/tokens/named/" + created.TokenID, hdr("X-Auth-Token", aliceTok, "Content-Type", js), `{"name":5}`, 403, "forbidden"},
		{"patch unknown anonymous → 404", "PATCH", "/tokens/named/unknown", hdr("Content-Type", js), `{"name":5}`, 404, "notFound"},
		{"patch empty → 400", "PATCH", "/tokens/named/" + created.TokenID, hdr("X-Auth-Token", created.Token.Reveal(), "Content-Type", js), `{}`, 400, "missingAtLeastOneValue"},
		{"by-name anonymous → 401", "GET", "/user/tokens/named/name/nothing", nil, "", 401, "unauthorized"},
		{"by-name → 404", "GET", "/user/tokens/named/name/nothing", hdr("X-Auth-Token", aliceTok), "", 404, "notFound"},
		{"create anonymous bad body → 401", "POST", "/user/tokens/named", hdr("Content-Type", js), `{"name":5}`, 401, "unauthorized"},
		{"create other user → 403", "POST", "/users/" + srv.AdminID() + "/tokens/named", hdr("X-Auth-Token", aliceTok, "Content-Type", js), `{}`, 403, "forbidden"},
		{"create missing name", "POST", "/user/tokens/named", hdr("X-Auth-Token", aliceTok, "Content-Type", js), `{"type":5}`, 400, "missingRequiredValue"},
		{"name before optional keys", "POST", "/user/tokens/named", hdr("X-Auth-Token", aliceTok, "Content-Type", js), `{"name":null,"type":5}`, 400, "badValueName"},
		{"name as number", "POST", "/user/tokens/named", hdr("X-Auth-Token", aliceTok, "Content-Type", js), `{"name":5}`, 400, "badValueString"},
		{"name as object", "POST", "/user/tokens/named", hdr("X-Auth-Token", aliceTok, "Content-Type", js), `{"name":{}}`, 400, "badValueString"},
		{"bad type", "POST", "/user/tokens/named", hdr("X-Auth-Token", aliceTok, "Content-Type", js), `{"name":"ok","type":{"a":{},"b":{}}}`, 400, "badValueTokenType"},
		{"caveats before type", "POST", "/user/tokens/named", hdr("X-Auth-Token", aliceTok, "Content-Type", js), `{"name":"ok","type":5,"caveats":5}`, 400, "badValueCaveat"},
		{"customMetadata not object", "POST", "/user/tokens/named", hdr("X-Auth-Token", aliceTok, "Content-Type", js), `{"name":"ok","customMetadata":[1]}`, 400, "badValueJSON"},
		{"usageLimit too low", "POST", "/user/tokens/named", hdr("X-Auth-Token", aliceTok, "Content-Type", js), `{"name":"ok","usageLimit":0}`, 400, "badValueTooLow"},
		{"malformed JSON", "POST", "/user/tokens/named", hdr("X-Auth-Token", aliceTok, "Content-Type", js), `{"name":`, 400, "malformedData"},
		{"no content type → 415", "POST", "/user/tokens/named", hdr("X-Auth-Token", aliceTok), `{"name":"ok"}`, 415, ""},
		{"unknown route → 404", "GET", "/user/tokens/named/abc", hdr("X-Auth-Token", aliceTok), "", 404, ""},
		{"PATCH by name → 405", "PATCH", "/user/tokens/named/name/x", hdr("X-Auth-Token", aliceTok), "", 405, ""},
		{"temporary without time caveat", "POST", "/user/tokens/temporary", hdr("X-Auth-Token", aliceTok, "Content-Type", js), `{}`, 400, "tokenTimeCaveatRequired"},
		{"list all needs privilege", "GET", "/tokens/named", hdr("X-Auth-Token", aliceTok), "", 403, "forbidden"},
		{"examine empty token", "POST", "/tokens/examine", hdr("Content-Type", js), `{"token":""}`, 400, "badValueEmpty"},
		{"confine missing caveats", "POST", "/tokens/confine", hdr("Content-Type", js), `{"token":"x"}`, 400, "missingRequiredValue"},
	}
	for _, tt := range tests {
		status, _, body := raw(t, srv, tt.method, tt.path, tt.h, tt.body)
		assert.Equal(t, tt.status, status, tt.name)
		if tt.id == "" {
			assert.Empty(t, body, tt.name)
			continue
		}
		assert.Contains(t, body, `"id":"`+tt.id+`"`, tt.name)
	}
	// An empty body is {}: true/false are coerced to a name.
	status, h, body := raw(t, srv, "POST", "/user/tokens/named", hdr("X-Auth-Token", aliceTok, "Content-Type", js), `{"name":true}`)
	assert.Equal(t, 201, status, body)
	assert.Contains(t, h.Get("Location"), "https://"+srv.Domain()+"/api/v3/onezone/tokens/named/")
	status, _, _ = raw(t, srv, "POST", "/user/tokens/named", hdr("X-Auth-Token", aliceTok), ``)
	assert.Equal(t, 400, status, "empty body = {} → missing name")
}

// TestNameRules checks the client's name rule against the fake's (the
// server's, validation.hrl): a name the server refuses is refused by the
// client before any request, and every name the server takes is sent.
func TestNameRules(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	_, _, aliceTok := newUser(t, srv, "alice")
	ctx := context.Background()
	tests := []struct {
		name string
		ok   bool
	}{
		{"ab", true}, {"a", false}, {"my token", true}, {" ab", false}, {"ab ", false}, {"-ab", false}, {"ab.", false},
		{"a.b-c d_e", true}, {"(x)[y]{z}", true}, {"_x_", true}, {"zażółć", true}, {"a/b", false}, {"a@b", false},
		{strings.Repeat("x", 128), true}, {strings.Repeat("x", 129), false}, {"ключ-é", true}, {"ключ-🔑", false},
		{"a\x00b", false}, {"a\tb", false}, {"١٢", true}, {"Ⅻx", false}, {"\xffab", false}, {"a:b", false}, {"x..y", true},
	}
	for i, tt := range tests {
		srv.ResetRequests()
		_, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: tt.name})
		if tt.ok {
			assert.NoError(t, err, tt.name)
		} else {
			var ie *cloudkeys.InvalidInputError
			assert.ErrorAs(t, err, &ie, tt.name)
			assert.Empty(t, srv.Requests(), "%q refused before sending", tt.name)
		}
		// The fake, asked directly, agrees (names made unique per row).
		name := tt.name
		if tt.ok && len(name) < 120 {
			name = fmt.Sprintf("%s%d", name, i)
		}
		b, _ := json.Marshal(map[string]string{"name": name})
		status, _, body := raw(t, srv, http.MethodPost, "/user/tokens/named", hdr("X-Auth-Token", aliceTok, "Content-Type", "application/json"), string(b))
		if tt.ok {
			assert.Equal(t, http.StatusCreated, status, "%q: %s", tt.name, body)
		} else {
			assert.Equal(t, http.StatusBadRequest, status, tt.name)
			assert.Contains(t, body, `"badValueName"`, tt.name)
		}
	}
}

func TestInMemoryFake(t *testing.T) {
	t.Parallel()
	srv := onezonetest.NewServer(onezonetest.WithInMemory())
	defer srv.Close()
	c := srv.Client(fastRetry())
	ctx := context.Background()
	k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Name: "mem"})
	require.NoError(t, err)
	srv.CommitThenDrop(1)
	_, err = c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Name: "mem2"})
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.Len(t, srv.NamedTokens(), 2)
	require.NoError(t, c.DeleteKey(ctx, k.ID))
	assert.True(t, errors.Is(func() error { _, err := c.GetKey(ctx, k.ID); return err }(), cloudkeys.ErrNotFound))
}

func TestFakeListenAddr(t *testing.T) {
	t.Parallel()
	srv, err := onezonetest.Listen(onezonetest.WithAddr("127.0.0.1:0"), onezonetest.WithVersion("21.02.5"))
	require.NoError(t, err)
	defer srv.Close()
	cfg, err := srv.Client(fastRetry()).GetConfiguration(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "21.02.5", cfg.Version)
	_, err = onezonetest.Listen(onezonetest.WithAddr(strings.TrimPrefix(srv.URL(), "http://")))
	assert.Error(t, err, "address in use")
}

// A revoke-all whose answer was lost is not re-sent: a retry would also
// revoke the temporary tokens issued in between and raise the generation
// twice.
func TestLostRevokeAllTemporaryIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()
	gen, err := c.GetTemporaryTokenGeneration(ctx, onezone.CurrentUser())
	require.NoError(t, err)

	srv.ResetRequests()
	srv.CommitThenDrop(1)
	err = c.RevokeAllTemporaryTokens(ctx, onezone.CurrentUser())
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.Len(t, srv.Requests(), 1, "never re-sent")
	assert.Equal(t, gen+1, srv.TemporaryTokenGeneration(srv.AdminID()), "the generation grew exactly once")
}

// A delete-all whose answer was lost is not re-sent: a retry would also
// delete the tokens created in between.
func TestLostDeleteAllNamedIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()
	_, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "old"})
	require.NoError(t, err)

	srv.ResetRequests()
	srv.CommitThenDrop(1)
	err = c.DeleteAllNamedTokens(ctx, onezone.CurrentUser())
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.Len(t, srv.Requests(), 1, "never re-sent")
	assert.Empty(t, srv.NamedTokens())
}
