package onezone

import (
	"context"
	"net/http"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// CreateProviderRegistrationToken creates a token that registers a new
// Oneprovider with userID as its admin: POST
// /users/{id}/clusters/provider_registration_token, or POST
// /user/clusters/provider_registration_token when userID is "" (the
// caller). The answer is 200 {"token": "<serialized>"} — a string, not the
// array the spec's example shows.
//
// The server stores it as a named, single-use (usageLimit 1)
// registerOneprovider invite token owned by the caller, auto-named
// "Oneprovider rgstr. token for - …", so it shows up in the caller's
// ListNamedTokens. A user may create one for themself when the zone's
// registration policy is open; otherwise (or for another user) the
// oz_providers_invite privilege is needed. A lost answer is an error
// matching [cloudkeys.ErrOutcomeUnknown], and so is an answer that cannot
// be read or holds no token (a [*cloudkeys.UndecodableAnswerError] keeping
// the raw body).
//
// Deprecated: Onezone deprecated this endpoint in 20.02 and may remove it.
// Use [Client.CreateProviderRegistrationInvite], a temporary
// registerOneprovider invite token with an expiry.
func (c *Client) CreateProviderRegistrationToken(ctx context.Context, userID string) (cloudkeys.Secret, error) {
	p := "/user"
	if userID != "" {
		seg, err := segment("userID", userID)
		if err != nil {
			return cloudkeys.Secret{}, err
		}
		p = "/users/" + seg
	}
	var out struct {
		Token cloudkeys.Secret `json:"token"`
	}
	if _, err := c.do(ctx, transport.Call{Operation: "createProviderRegistrationToken", Class: transport.Write, Method: http.MethodPost,
		Path: p + "/clusters/provider_registration_token", Out: &out, Need: needToken(&out.Token)}); err != nil {
		return cloudkeys.Secret{}, err
	}
	return out.Token, nil
}

// CreateProviderRegistrationInvite creates the recommended replacement of
// the provider registration token: a temporary invite token of type
// registerOneprovider for adminUserID, valid until validUntil —
// POST /user/tokens/temporary
// {"type":{"inviteToken":{"inviteType":"registerOneprovider","adminUserId":…}},
// "caveats":[{"type":"time","validUntil":…}]} → 201 {"token"}.
// It is issued by the caller; registering a provider for another user
// needs the oz_providers_invite privilege.
func (c *Client) CreateProviderRegistrationInvite(ctx context.Context, adminUserID string, validUntil time.Time) (cloudkeys.Secret, error) {
	if err := requireID("adminUserID", adminUserID); err != nil {
		return cloudkeys.Secret{}, err
	}
	if validUntil.IsZero() {
		return cloudkeys.Secret{}, cloudkeys.InvalidInput(Vendor, "validUntil", "must be set: temporary tokens need an expiry")
	}
	return c.CreateTemporaryToken(ctx, CurrentUser(), TemporaryTokenRequest{
		Type:    InviteTypeOf(RegisterOneprovider, adminUserID),
		Caveats: Caveats{Until(validUntil)},
	})
}
