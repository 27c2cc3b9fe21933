// Package onezone is a client for the token API of Onedata Onezone
// (REST, base path /api/v3/onezone), and a [cloudkeys.KeyManager] whose
// keys are named access tokens.
//
// # On the wire
//
//   - Every path is under <endpoint>/api/v3/onezone. Credentials are sent
//     in exactly one header: "X-Auth-Token: <token>" ([Token]) or
//     "Authorization: Basic …" ([Basic]). The public endpoints (examine,
//     confine, verify_*, infer_access_token_scope, /configuration,
//     get_current_time) are sent without credentials.
//   - Non-empty request bodies are JSON with Content-Type:
//     application/json. An answer is parsed as JSON only when its body is
//     non-empty; its Content-Type is not relied on.
//   - Errors are {"error":{"id","description","details"}}, with nested
//     {id,description,details} objects under details.authError /
//     tokenError. They become an [*Error] wrapping a [cloudkeys.APIError]
//     whose Code is the id: badValueIdentifierOccupied (a name clash,
//     HTTP 400) matches [cloudkeys.ErrConflict], notFound
//     [cloudkeys.ErrNotFound], unauthorized [cloudkeys.ErrUnauthorized],
//     forbidden and forbiddenWithHint [cloudkeys.ErrForbidden], the
//     badValue*, missing* and token-validation ids
//     [cloudkeys.ErrInvalidRequest]. Body-less 404/405/415/500 answers
//     from the HTTP layer map by status (405 → [cloudkeys.ErrUnsupported]).
//     Branch on ids ([ErrorID], [NestedErrorID]), never on descriptions.
//   - A 2xx that cannot be read (not the expected JSON, an empty answer to
//     a read, a create without the token or its id) is a
//     [*cloudkeys.UndecodableAnswerError] that never quotes it: for a token
//     create it matches [cloudkeys.ErrOutcomeUnknown] and keeps the raw
//     answer in Answer; for a read [cloudkeys.ErrServer] only.
//   - Creating a token (named, temporary, provider registration), deleting
//     all named tokens and revoking all temporary tokens are never re-sent
//     once they may have reached the server (a retry would also hit what
//     others created in between): a lost answer returns an error matching
//     [cloudkeys.ErrOutcomeUnknown]. Deletes by id and PATCH are retried;
//     a 404 after a retried delete counts as success.
//
// # Tokens
//
// Every serialized token is a [cloudkeys.Secret]: GET /tokens/named/{id}
// returns the full bearer token, so [NamedToken.Token] is redacted in
// every print, log and marshal. Token types are the one-of [TokenType]
// (access, identity, invite with its target key); caveats are typed
// ([TimeCaveat], [IPCaveat], …) with [RawCaveat] keeping unknown kinds
// byte for byte; [UsageLimit] is a count or "infinity".
//
// # KeyManager
//
// ID is the token id. CreateKey needs a Name (unique per owner) and
// creates an access token for Owner (a user id; "" = the caller);
// Description is stored as customMetadata.description and ExpiresAt as a
// time caveat; it reads the new token back (GET /tokens/named/{id}, one
// extra request) so that the Key it returns is GetKey's, CreatedAt and
// Owner included. ListKeys lists the owner's token ids and fetches each one
// (at most 8 at a time), sorted by id: every named token, access,
// identity and invite tokens alike, and a Key shows neither the token
// type nor the caveats other than the expiry ([Client.GetNamedToken]
// does). SetKeyEnabled revokes/unrevokes. RotateKey is unsupported;
// [cloudkeys.Rotate] creates a replacement through [Client.ReplaceKey]
// — same subject, type, caveats, metadata and revoked state, a new name
// on a clash, the same lifetime — and deletes the old token. Tokens that
// cannot be reproduced (invite tokens, session-bound or unknown types)
// are refused with [cloudkeys.ErrUnsupported] before anything is created.
//
// # Assumptions
//
// Servers are Onezone 20.02 or newer (the token API appeared there);
// InferAccessTokenScope checks GET /configuration for 21.02.4 or newer
// and returns [cloudkeys.ErrUnsupported] below it (an unparseable version
// is tried). 25.x was not verified.
package onezone
