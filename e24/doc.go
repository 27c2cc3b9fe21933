// Package e24 is a client for the e24cloud (Beyond.pl) REST API v2 account
// endpoints: the account's details, its API keys (which serve both the
// e24cloud API and the EC2-compatible API), SSH keys, e24files (S3/Swift)
// secrets and sub-accounts. *Client implements cloudkeys.KeyManager over the
// API keys.
//
//	c, err := e24.New(e24.RegionEndpoint("eu-poland-1poznan"),
//		e24.APIKey(os.Getenv("E24_API_KEY"), os.Getenv("E24_API_SECRET")))
//
// # On the wire
//
// Every request goes to https://<region>.api.e24cloud.com/v2/... with
// Content-Type: application/json (GET included), an X-Date header in RFC 1123
// GMT taken once per attempt from the client's clock, and
//
//	Authorization: <api_key>:<base64(HMAC-SHA256(secret, METHOD\nhost\nX-Date\npath[?query]\nbody))>
//
// where host has no port, the path includes /v2/, the query is the raw
// query exactly as sent and the body is exactly the bytes sent (DELETE
// /v2/account/api carries one). The signature is recomputed on every retry.
// Creates use PUT, changes POST, deletes DELETE; answers carry
// "success": true and a resource key ("account", "api", "sshkeys" — one
// object on create — "e24files", "users", "user").
//
// # Errors (assumed; the vendor documents none)
//
// A non-2xx status, or a 2xx JSON object whose "success" is there but not
// true, or that carries an error field, is an *cloudkeys.APIError. It carries the HTTP status (0
// when a 2xx said success is not true), whatever "error" (a string or an
// object with code/message), "message", "errors" and "code" fields the body
// has, or a short excerpt of a body that is not JSON (e.g. a proxy's HTML
// page; credential fields redacted). Statuses map to the cloudkeys sentinels
// (401 → ErrUnauthorized, 404 → ErrNotFound, ...). A 2xx that cannot be read
// — not a JSON object (a PHP notice or a proxy banner around it), neither
// "success" nor an error field, a create without api_key or secret_key — is
// a *cloudkeys.UndecodableAnswerError that never quotes it: for a write it
// matches cloudkeys.ErrOutcomeUnknown and keeps the raw answer in Answer,
// for a read cloudkeys.ErrServer only. Answers are decoded leniently: ids as numbers or
// strings, trailing fields kept or ignored, "sshkeys" as an object or an
// array.
//
// # Retries
//
// Reads (GetAccount, ListAccounts) and UpdateAccount are retried on
// transient failures. CreateAPIKey, RegenerateAPISecret, AddSSHKey,
// RegenerateFilesSecret and CreateAccount are writes: a lost answer is an
// error matching cloudkeys.ErrOutcomeUnknown and is never re-sent. Deletes
// by id (DeleteAPIKey, DeleteSSHKey) are idempotent: retried, and a 404
// answering a retry counts as success.
//
// # Secrets
//
// The vendor returns API secrets, e24files secrets and (possibly) generated
// SSH private keys in plain listings. Every such field, and every password
// sent, is a cloudkeys.Secret: it prints, logs and marshals as
// "[REDACTED]". Credentials redact themselves the same way.
//
// # KeyManager
//
// ID and AccessKey are the api_key. CreateKey is PUT /v2/account/api;
// ListKeys and GetKey read GET /v2/account (secrets included); DeleteKey is
// DELETE /v2/account/api; RotateKey is POST /v2/account/api-new-secret-key
// (same id, new secret, old secret dead at once); SetKeyEnabled is
// unsupported. Capabilities report MultipleKeys and Delete, so
// cloudkeys.Rotate creates a new key, stores it and only then deletes the old
// one — no downtime. Keys have no name, description or expiry: CreateKey
// accepts Name and Description but nothing stores them, and refuses ExpiresAt.
//
// The fake in package e24test speaks this wire format and checks signatures
// exactly.
package e24
