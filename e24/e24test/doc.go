// Package e24test is an in-process fake of the e24cloud REST API v2 account
// endpoints, for testing code built on package e24 without a cloud.
//
//	srv := e24test.NewServer()
//	defer srv.Close()
//	c := srv.Client() // signs with the seeded account's first API key
//
// What it serves (under /v2, answers in the documented envelopes with
// "success": true and a singular or plural resource key):
//
//	GET    /v2/account                       {"account": {...}} with api, sshkeys, groups, e24files
//	POST   /v2/account/data                  first_name, last_name, phone, password
//	PUT    /v2/account/api                   {"api": {"api_key", "secret_key"}}
//	POST   /v2/account/api-new-secret-key    {"api_key"} → {"api": {...}} with a new secret
//	DELETE /v2/account/api                   {"api_key"} in the body
//	PUT    /v2/account/sshkey                {"name","method","content"} → {"sshkeys": {...}} (one object)
//	DELETE /v2/account/{id}/sshkey
//	POST   /v2/account/files-new-secret-key  {"api_key"} → {"e24files": {...}}
//	GET    /v2/accounts?limit&offset         {"users": [...]}
//	PUT    /v2/accounts                      {"email",...,"password"} → {"user": {...}}
//
// Signature checks are exact, as the vendor documents them: Content-Type
// must be application/json; X-Date must parse as an HTTP date the way PHP's
// strtotime reads it (the server is PHP and does not document its parser;
// see ParseXDate: RFC 1123, RFC 850 and asctime shapes, strtotime's zone
// abbreviations at their fixed offsets, numeric offsets, a day name moving
// the date to that weekday) within the skew window of the fake's clock
// (Server.Clock; default ±15 minutes, WithSkewWindow); Authorization must be
// "<api_key>:" + base64(HMAC-SHA256(secret, METHOD\nhost\nX-Date\npath?query\nbody))
// with the host of the request without its port, the request line's path
// and raw query exactly as sent, and the raw body bytes. [Signature]
// computes it independently of package e24.
//
// Assumptions where the vendor is silent (each may differ from the real
// service):
//   - Errors are {"success": false, "error": "<message>"} with a matching
//     HTTP status: 400 bad input (and a wrong Content-Type), 401 missing,
//     malformed, expired or wrong signature or unknown key, 403 a
//     sub-account calling /v2/accounts, 404 unknown key or id or path,
//     405 wrong method, 409 duplicate sub-account email. FailNext answers
//     the same body with http.StatusText.
//   - An account may delete any of its keys, the one it signs with and its
//     last one included; deleting an unknown key or SSH key is a 404.
//   - Uploaded SSH keys must be "<type> <base64 blob> [comment]" lines whose
//     blob names the same type; the fingerprint is the MD5 colon-hex of the
//     blob. "generate" makes a real ed25519 pair and answers, beyond the
//     documented id/name/fingerprint, "public_key" (authorized_keys line)
//     and "private_key" (PEM PKCS#8), once. SSH key ids are integers from 1.
//   - files-new-secret-key accepts an API key of the account or its S3 or
//     Swift api_id, and gives S3 and Swift one new shared secret.
//   - Sub-accounts get an API key and e24files keys at once (the real
//     service may provision e24files later); their keys authenticate as the
//     sub-account, which cannot call /v2/accounts. Without limit,
//     /v2/accounts lists every sub-account.
//   - Group ids are answered as JSON numbers, other ids as strings.
//   - Panel passwords are kept only as SHA-256 hashes (see CheckPassword).
package e24test

//go:generate go run ../../internal/fakeserver/genfake
