package onezone

import (
	"context"
	"net/http"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// TemporaryTokenRequest is the body of POST …/tokens/temporary.
type TemporaryTokenRequest struct {
	// Type defaults to an access token on the server.
	Type *TokenType
	// Caveats must include a [TimeCaveat] whose TTL is at most the zone's
	// max_temporary_token_ttl (30 days by default), or the client refuses
	// to send the request.
	Caveats Caveats
}

type temporaryWire struct {
	Type    *TokenType `json:"type,omitempty"`
	Caveats Caveats    `json:"caveats"`
}

// CreateTemporaryToken creates a temporary token for subj:
// POST /user/tokens/temporary (or /users/{id}/…), answered 201 {"token"}.
// Temporary tokens are not stored, listed or fetchable: the returned
// secret is the only copy. They all stop working at once with
// RevokeAllTemporaryTokens. A lost answer is an error matching
// [cloudkeys.ErrOutcomeUnknown] (the request is not re-sent), and so is an
// answer that cannot be read or holds no token: a
// [*cloudkeys.UndecodableAnswerError] keeping the raw body in its Answer.
func (c *Client) CreateTemporaryToken(ctx context.Context, subj Subject, req TemporaryTokenRequest) (cloudkeys.Secret, error) {
	p, err := subj.prefix()
	if err != nil {
		return cloudkeys.Secret{}, err
	}
	if req.Type != nil {
		if err := req.Type.validate(); err != nil {
			return cloudkeys.Secret{}, cloudkeys.InvalidInput(Vendor, "Type", err.Error())
		}
	}
	if err := validateCaveats(req.Caveats); err != nil {
		return cloudkeys.Secret{}, err
	}
	if _, ok := req.Caveats.ValidUntil(); !ok {
		return cloudkeys.Secret{}, cloudkeys.InvalidInput(Vendor, "Caveats", "a temporary token needs a time caveat (TimeCaveat)")
	}
	var out struct {
		Token cloudkeys.Secret `json:"token"`
	}
	if _, err := c.do(ctx, transport.Call{Operation: "createTemporaryToken", Class: transport.Write, Method: http.MethodPost,
		Path: p + "/tokens/temporary", In: temporaryWire(req), Out: &out, Need: needToken(&out.Token)}); err != nil {
		return cloudkeys.Secret{}, err
	}
	return out.Token, nil
}

// GetTemporaryTokenGeneration returns the generation of subj's temporary
// tokens: GET /user/tokens/temporary → {"generation":n}. It grows by one
// with each RevokeAllTemporaryTokens.
func (c *Client) GetTemporaryTokenGeneration(ctx context.Context, subj Subject) (int64, error) {
	p, err := subj.prefix()
	if err != nil {
		return 0, err
	}
	var out struct {
		Generation int64 `json:"generation"`
	}
	if _, err := c.do(ctx, transport.Call{Operation: "getTemporaryTokenGeneration", Class: transport.Read, Method: http.MethodGet, Path: p + "/tokens/temporary", Out: &out}); err != nil {
		return 0, err
	}
	return out.Generation, nil
}

// RevokeAllTemporaryTokens revokes every temporary token of subj issued so
// far: DELETE /user/tokens/temporary (or /users/{id}/…), answered 204. The
// generation grows by one; older temporary tokens fail with tokenRevoked.
//
// It revokes every temporary token issued before the request arrives, so
// it is never re-sent once it may have reached the server: a retry after a
// lost answer would also revoke tokens issued in between and raise the
// generation twice. A lost answer is an error matching
// [cloudkeys.ErrOutcomeUnknown]; compare GetTemporaryTokenGeneration with
// the generation read before to see whether it took effect.
func (c *Client) RevokeAllTemporaryTokens(ctx context.Context, subj Subject) error {
	p, err := subj.prefix()
	if err != nil {
		return err
	}
	_, err = c.do(ctx, transport.Call{Operation: "revokeAllTemporaryTokens", Class: transport.Write, Method: http.MethodDelete, Path: p + "/tokens/temporary"})
	return err
}
