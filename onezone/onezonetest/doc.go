// Package onezonetest is an in-process fake Onezone that speaks the token
// REST API of package onezone under /api/v3/onezone, with state in memory
// and the shared fault injection (FailNext, CommitThenDrop, DropNext,
// SetDelay, a settable Clock, a request log).
//
//	srv := onezonetest.NewServer()     // 127.0.0.1:0; WithAddr, WithInMemory() for synctest
//	defer srv.Close()
//	c := srv.Client()                  // basic auth as the seeded admin
//
// What it implements, as the real server does:
//
//   - Users with basic-auth passwords (AddUser); the seeded admin has
//     oz_tokens_manage and oz_providers_invite.
//   - Named and temporary tokens minted as opaque [A-Za-z0-9] strings that
//     start with "MDAx"; examine, confine and verify map them back to the
//     stored state.
//   - Credential precedence X-Auth-Token > "Authorization: Bearer " >
//     macaroon > "Authorization: Basic". No credentials = nobody: public
//     operations work, the rest is 401 unauthorized without details. A
//     failing credential is 401 with details.authError (badToken,
//     tokenInvalid for a deleted token, tokenRevoked, tokenCaveatUnverified,
//     notAnAccessToken, badBasicCredentials, basicAuthNotSupported,
//     basicAuthDisabled, userBlocked); the same failure through a verify
//     endpoint is 400 with the id at top level.
//   - Check order: unknown route 404 and wrong method 405 with no body; then
//     authentication; then a non-empty body must be application/json (415
//     with no body) and a JSON object (400 malformedData); by-id
//     operations answer 404 before 401/403 before 400; creates and
//     by-name lookups authorize first. Name rules (2–128 letters, digits,
//     brackets, '_'; '-', '.', ' ' inside), true/false coerced to names,
//     null → badValueName, other non-strings → badValueString, uniqueness
//     per subject including renames (400 badValueIdentifierOccupied).
//   - Temporary tokens need a time caveat with TTL ≤ max_temporary_token_ttl
//     (400 tokenTimeCaveatRequired {maxTtl}); DELETE …/tokens/temporary
//     raises the generation and revokes the older ones.
//   - The deprecated provider_registration_token endpoints create a named,
//     single-use registerOneprovider invite owned by the caller (visible in
//     the caller's list), allowed for oneself under the open policy, else
//     with oz_providers_invite; 200 {"token"}.
//   - GET /configuration reports a settable version (SetVersion);
//     /tokens/infer_access_token_scope exists only from 21.02.4 on.
//
// Assumptions where the vendor documentation is silent:
//
//   - There are no providers, groups, spaces or harvesters: /provider/… is
//     403 for a user and /providers/{id}/… is 404; invite tokens other
//     than registerOneprovider need a target seeded with AddInviteTarget;
//     infer_access_token_scope answers empty spaces and providers.
//   - There is no GeoIP/ASN database: asn and geo.* caveats never verify.
//     service caveats verify only for requests to Onezone itself
//     ("ozw-onezone"); data.* caveats only in verify_access_token with
//     allowDataAccessCaveats; consumer caveats need a valid consumer
//     identity token (usr-<id> or usr-*).
//   - A token used as a credential must be an access token whose subject
//     is a user; interface caveats are checked against "rest" and ip
//     caveats against the connection's address.
//   - The temporary-token generation starts at 1; token ids are 32 hex
//     characters plus "ch" and 4 hex; named lists are in creation order.
//   - FailNext(status) answers 400 badMessage, 401 unauthorized, 403
//     forbidden, 404 notFound, 409 alreadyExists, 500 internalServerError
//     {reference}, 503 serviceUnavailable, and no body for other statuses.
package onezonetest

//go:generate go run ../../internal/fakeserver/genfake
