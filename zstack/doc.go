// Package zstack manages ZStack AccessKeys and authenticates to a ZStack
// management node's REST API (<endpoint>/zstack/v1/...). *Client implements
// cloudkeys.KeyManager and exposes the vendor's own APIs: CreateAccessKey,
// DeleteAccessKey, ChangeAccessKeyState, QueryAccessKey (QueryAccessKeys,
// every match, and QueryAccessKeysPage, one page), CountAccessKeys,
// GetAccessKey, and the session APIs LogInByAccount, LogInByUser, LogOut,
// ValidateSession and RenewSession.
//
// What happens on the wire:
//
//   - Authentication is either a session ("Authorization: OAuth <session
//     uuid>", obtained with PUT /v1/accounts/login and a SHA-512 hex
//     password) or an AccessKey signature ("Authorization: ZStack
//     <AccessKeyID>:<base64 HMAC-SHA1>" plus "Date"), computed afresh for
//     every attempt over METHOD\nDate\n/v1/<path> (no /zstack, no query).
//   - The Date header is the server's wall-clock time: a server with the
//     default rest.checkTimeZone=false ignores the zone label and compares
//     the wall clock with its own, so a correct UTC date sent to a UTC+8
//     server is 8 hours off. Set the server's zone with
//     [WithServerLocation] (default: the local zone). The label is
//     "GMT" or "GMT+08:00", never "+0800" or "CST".
//   - Writes (POST/PUT/DELETE except login/logout) answer 202
//     {"location": ".../v1/api-jobs/<id>"}; the client polls the job (GET,
//     unsigned, at its own endpoint: only the job id of the location is
//     used, so a management node's internal address does not matter) until
//     200 (the result) or 503 (the error), with backoff, until ctx ends.
//   - Every logical write carries one random 32-hex X-Job-UUID, reused on
//     every transport retry. The server refuses a second submission with
//     400 "Duplicate job uuid", on which the client polls that job instead
//     of writing again: a create whose answer was lost is retried safely and
//     happens exactly once. If every retry fails, the error is a
//     *JobOutcomeUnknownError (matches cloudkeys.ErrOutcomeUnknown) naming
//     the job id, which WaitJob can resolve.
//   - Every application error is a 503 with {"error":{"code",...}}; it is
//     never retried, except SYS.1012 (management node unavailable). Codes map
//     to sentinels: ID.1000/ID.1001 → ErrUnauthorized, ID.1002/ID.1003 →
//     ErrForbidden, SYS.1003 → ErrNotFound, SYS.1007 → ErrInvalidRequest.
//     REST-layer errors are plain text (400/403/404/405/429/500) and become
//     an *cloudkeys.APIError with an excerpt; a 403 on AccessKey auth (bad
//     signature, clock skew, unknown or disabled key) → ErrUnauthorized; an
//     expired job (404 "the job has been expired") → ErrOutcomeUnknown.
//   - A success answer that cannot be read (a PHP notice or a proxy banner
//     around the JSON, a create result without AccessKeyID or
//     AccessKeySecret) is a *cloudkeys.UndecodableAnswerError, never
//     quoted. For an asynchronous write it matches ErrOutcomeUnknown and
//     keeps the job's answer, which holds the result (the new secret), in
//     Answer; for queries and logins it matches ErrServer only.
//   - An ID.1001 (expired session) with AccountLogin/UserLogin credentials
//     makes the client log in again once and repeat the call with a new job
//     id (the failed job ran nothing).
//   - Inventory dates ("Sep 6, 2018 1:50:06 PM", no zone) are parsed in the
//     server's zone.
//
// Assumptions: AccessKeySecret is captured from the CreateAccessKey result
// only (newer servers drop it from queries). Session uuids are registered
// as secrets and scrubbed from errors and from log records (session APIs
// carry them in the path). The legacy 2018 signature variant (with
// Content-MD5/Content-Type) is not supported. Webhooks (X-Web-Hook) are
// not used.
package zstack
