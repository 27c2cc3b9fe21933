package onezone

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// The endpoints in this file are public: the client sends them without
// credentials, as a service checking someone else's token would.

// TokenExamination is the answer of POST /tokens/examine: what a token
// says about itself, without verifying it.
type TokenExamination struct {
	OnezoneDomain string    `json:"onezoneDomain"`
	ID            string    `json:"id"`
	Persistence   string    `json:"persistence"` // "named" or "temporary"
	Subject       Subject   `json:"subject"`
	Type          TokenType `json:"type"`
	Caveats       Caveats   `json:"caveats"`
}

func requireToken(field string, t cloudkeys.Secret) error {
	if t.IsZero() {
		return cloudkeys.InvalidInput(Vendor, field, "must not be empty")
	}
	return nil
}

// ExamineToken decodes a token without verifying it: POST /tokens/examine
// {"token"} → 200.
func (c *Client) ExamineToken(ctx context.Context, token cloudkeys.Secret) (*TokenExamination, error) {
	if err := requireToken("token", token); err != nil {
		return nil, err
	}
	var out TokenExamination
	if _, err := c.do(ctx, transport.Call{Operation: "examineToken", Class: transport.Read, Method: http.MethodPost, Path: "/tokens/examine",
		NoSign: true, Secrets: []string{token.Reveal()},
		In: map[string]string{"token": token.Reveal()}, Out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// ConfineToken returns a new token with caveats added to token:
// POST /tokens/confine {"token","caveats"} → 200 {"token"}. Confinement
// happens offline (no state on the server), so the call is retried like a
// read.
func (c *Client) ConfineToken(ctx context.Context, token cloudkeys.Secret, caveats Caveats) (cloudkeys.Secret, error) {
	if err := requireToken("token", token); err != nil {
		return cloudkeys.Secret{}, err
	}
	if len(caveats) == 0 {
		return cloudkeys.Secret{}, cloudkeys.InvalidInput(Vendor, "caveats", "must not be empty")
	}
	if err := validateCaveats(caveats); err != nil {
		return cloudkeys.Secret{}, err
	}
	var out struct {
		Token cloudkeys.Secret `json:"token"`
	}
	body := struct {
		Token   string  `json:"token"`
		Caveats Caveats `json:"caveats"`
	}{token.Reveal(), caveats}
	if _, err := c.do(ctx, transport.Call{Operation: "confineToken", Class: transport.Read, Method: http.MethodPost, Path: "/tokens/confine",
		NoSign: true, Secrets: []string{token.Reveal()}, In: body, Out: &out}); err != nil {
		return cloudkeys.Secret{}, err
	}
	return out.Token, nil
}

// VerifyAccessTokenRequest is the body of POST /tokens/verify_access_token.
type VerifyAccessTokenRequest struct {
	Token                  cloudkeys.Secret
	PeerIP                 string           // the IP the token was presented from (ip/asn/geo caveats)
	ServiceToken           cloudkeys.Secret // the token of the service the token is used with
	ConsumerToken          cloudkeys.Secret // the identity token of the consumer
	Interface              string           // "rest", "oneclient" or "graphsync"
	AllowDataAccessCaveats *bool
}

// VerifyIdentityTokenRequest is the body of POST /tokens/verify_identity_token.
type VerifyIdentityTokenRequest struct {
	Token         cloudkeys.Secret
	PeerIP        string
	ConsumerToken cloudkeys.Secret
	Interface     string
}

// VerifyInviteTokenRequest is the body of POST /tokens/verify_invite_token.
type VerifyInviteTokenRequest struct {
	Token              cloudkeys.Secret
	PeerIP             string
	ConsumerToken      cloudkeys.Secret
	ExpectedInviteType InviteType
}

// VerifyResult is the answer of the verify endpoints: the token's subject
// and its remaining lifetime in seconds (nil when it has no time caveat).
type VerifyResult struct {
	Subject Subject `json:"subject"`
	TTL     *int64  `json:"ttl"`
}

type verifyWire struct {
	Token                  string `json:"token"`
	PeerIP                 string `json:"peerIp,omitempty"`
	ServiceToken           string `json:"serviceToken,omitempty"`
	ConsumerToken          string `json:"consumerToken,omitempty"`
	Interface              string `json:"interface,omitempty"`
	AllowDataAccessCaveats *bool  `json:"allowDataAccessCaveats,omitempty"`
	ExpectedInviteType     string `json:"expectedInviteType,omitempty"`
}

func (c *Client) verify(ctx context.Context, op, path string, w verifyWire) (*VerifyResult, error) {
	if w.Token == "" {
		return nil, cloudkeys.InvalidInput(Vendor, "Token", "must not be empty")
	}
	var out VerifyResult
	if _, err := c.do(ctx, transport.Call{Operation: op, Class: transport.Read, Method: http.MethodPost, Path: path, NoSign: true,
		Secrets: []string{w.Token, w.ServiceToken, w.ConsumerToken}, In: w, Out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// VerifyAccessToken checks an access token as a service would:
// POST /tokens/verify_access_token → 200 {"subject","ttl"}. A token that
// fails (revoked, deleted, expired, a caveat not met) is a 400 with the
// token error's id (tokenRevoked, tokenInvalid, tokenCaveatUnverified, …),
// matching [cloudkeys.ErrInvalidRequest].
func (c *Client) VerifyAccessToken(ctx context.Context, r VerifyAccessTokenRequest) (*VerifyResult, error) {
	return c.verify(ctx, "verifyAccessToken", "/tokens/verify_access_token", verifyWire{
		Token: r.Token.Reveal(), PeerIP: r.PeerIP, ServiceToken: r.ServiceToken.Reveal(),
		ConsumerToken: r.ConsumerToken.Reveal(), Interface: r.Interface, AllowDataAccessCaveats: r.AllowDataAccessCaveats,
	})
}

// VerifyIdentityToken checks an identity token:
// POST /tokens/verify_identity_token → 200 {"subject","ttl"}.
func (c *Client) VerifyIdentityToken(ctx context.Context, r VerifyIdentityTokenRequest) (*VerifyResult, error) {
	return c.verify(ctx, "verifyIdentityToken", "/tokens/verify_identity_token", verifyWire{
		Token: r.Token.Reveal(), PeerIP: r.PeerIP, ConsumerToken: r.ConsumerToken.Reveal(), Interface: r.Interface,
	})
}

// VerifyInviteToken checks an invite token, optionally of an expected
// invite type: POST /tokens/verify_invite_token → 200 {"subject","ttl"}.
func (c *Client) VerifyInviteToken(ctx context.Context, r VerifyInviteTokenRequest) (*VerifyResult, error) {
	return c.verify(ctx, "verifyInviteToken", "/tokens/verify_invite_token", verifyWire{
		Token: r.Token.Reveal(), PeerIP: r.PeerIP, ConsumerToken: r.ConsumerToken.Reveal(), ExpectedInviteType: string(r.ExpectedInviteType),
	})
}

// AccessTokenScope is the answer of POST /tokens/infer_access_token_scope.
// DataAccessScope is nil for provider tokens.
type AccessTokenScope struct {
	ValidUntil      *int64           `json:"validUntil"`
	DataAccessScope *DataAccessScope `json:"dataAccessScope"`
}

// DataAccessScope is what data an access token reaches.
type DataAccessScope struct {
	Readonly  bool                         `json:"readonly"`
	Spaces    map[string]SpaceScope        `json:"spaces"`
	Providers map[string]ProviderScopeInfo `json:"providers"`
}

// SpaceScope is one space in a DataAccessScope.
type SpaceScope struct {
	Name     string                  `json:"name"`
	Supports map[string]SupportScope `json:"supports"`
}

// SupportScope is one provider's support of a space.
type SupportScope struct {
	Readonly bool `json:"readonly"`
}

// ProviderScopeInfo is one provider in a DataAccessScope.
type ProviderScopeInfo struct {
	Name    string `json:"name"`
	Domain  string `json:"domain"`
	Version string `json:"version"`
	Online  bool   `json:"online"`
}

// InferAccessTokenScopeRequest is the body of
// POST /tokens/infer_access_token_scope.
type InferAccessTokenScopeRequest struct {
	Token         cloudkeys.Secret
	ConsumerToken cloudkeys.Secret
}

// MinInferScopeVersion is the first Onezone version with
// infer_access_token_scope.
const MinInferScopeVersion = "21.02.4"

// InferAccessTokenScope returns the spaces and providers an access token
// reaches: POST /tokens/infer_access_token_scope → 200. The endpoint exists
// from Onezone 21.02.4 on: the client reads GET /configuration once (and
// caches it) and returns an error matching [cloudkeys.ErrUnsupported] for
// older zones without sending the request.
func (c *Client) InferAccessTokenScope(ctx context.Context, r InferAccessTokenScopeRequest) (*AccessTokenScope, error) {
	if err := requireToken("Token", r.Token); err != nil {
		return nil, err
	}
	cfg, err := c.cachedConfiguration(ctx)
	if err != nil {
		return nil, fmt.Errorf("onezone: inferAccessTokenScope: reading the zone version: %w", err)
	}
	if v, ok := ParseVersion(cfg.Version); ok && v.Less(mustVersion(MinInferScopeVersion)) {
		return nil, cloudkeys.Unsupported(Vendor, "inferAccessTokenScope", fmt.Sprintf("needs Onezone %s or newer, the zone runs %q",
			MinInferScopeVersion, cfg.Version))
	}
	w := struct {
		Token         string `json:"token"`
		ConsumerToken string `json:"consumerToken,omitempty"`
	}{r.Token.Reveal(), r.ConsumerToken.Reveal()}
	var out AccessTokenScope
	if _, err := c.do(ctx, transport.Call{Operation: "inferAccessTokenScope", Class: transport.Read, Method: http.MethodPost,
		Path: "/tokens/infer_access_token_scope", NoSign: true, Secrets: []string{w.Token, w.ConsumerToken}, In: w, Out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// Configuration is the public zone configuration, GET /configuration.
// Raw keeps the whole answer.
type Configuration struct {
	Name    string          `json:"name"`
	Domain  string          `json:"domain"`
	Version string          `json:"version"`
	Build   string          `json:"build"`
	Raw     json.RawMessage `json:"-"`
}

// GetConfiguration reads the public zone configuration:
// GET /configuration → {"name","domain","version","build",…}. It always
// asks the server (and refreshes the cached copy used for version gating).
func (c *Client) GetConfiguration(ctx context.Context) (*Configuration, error) {
	var out Configuration
	resp, err := c.do(ctx, transport.Call{Operation: "getConfiguration", Class: transport.Read, Method: http.MethodGet, Path: "/configuration", NoSign: true, Out: &out})
	if err != nil {
		return nil, err
	}
	out.Raw = append(json.RawMessage(nil), resp.Body...)
	c.cfgMu.Lock()
	cp := out
	c.cfg = &cp
	c.cfgMu.Unlock()
	return &out, nil
}

// cachedConfiguration returns the cached configuration, reading it once.
func (c *Client) cachedConfiguration(ctx context.Context) (*Configuration, error) {
	c.cfgMu.Lock()
	cfg := c.cfg
	c.cfgMu.Unlock()
	if cfg != nil {
		return cfg, nil
	}
	return c.GetConfiguration(ctx)
}

// GetCurrentTime returns the zone's clock in Unix milliseconds:
// GET /provider/public/get_current_time → {"timeMillis"}. Use it to build
// time caveats against the server's clock.
func (c *Client) GetCurrentTime(ctx context.Context) (int64, error) {
	var out struct {
		TimeMillis int64 `json:"timeMillis"`
	}
	if _, err := c.do(ctx, transport.Call{Operation: "getCurrentTime", Class: transport.Read, Method: http.MethodGet, Path: "/provider/public/get_current_time", NoSign: true, Out: &out}); err != nil {
		return 0, err
	}
	return out.TimeMillis, nil
}
