// Package huaweibcs manages the API keys ("credentials") of Huawei Cloud's
// Web3 Node Engine Service (NES, sold in the BCS family): the bearer secrets
// for dedicated blockchain nodes, used as https://<node-endpoint>/<api-key>.
//
// No official SDK covers this API; this client is written from Huawei's API
// reference. On the wire:
//
//   - List:   GET    /v1/{project_id}/node-provider/credentials?offset=&limit=
//     → 200 {"credentials":[{id, description, create_time, update_time}], "count": total}
//   - Create: POST   /v1/{project_id}/node-provider/credentials {"description": "..."}
//     → 200 with a FILE (a ZIP holding credential.csv, or a bare CSV) that holds
//     the id and the secret; the secret is returned only this once
//   - Delete: DELETE /v1/{project_id}/node-provider/credentials/{credential_id}
//
// There is no get-one, update, rotate or disable call: GetKey pages through
// the list, RotateKey and SetKeyEnabled return errors matching
// cloudkeys.ErrUnsupported, and cloudkeys.Rotate replaces a key by
// create-then-delete. The create API takes a description only, so Rotate
// (through [Client.ReplaceKey]) refuses, with cloudkeys.ErrUnsupported and
// before creating anything, a key that carries an access policy (node_ids,
// control_type, allowlists): its replacement would be unrestricted.
//
// # Authentication
//
//   - [Token]: an IAM user token in X-Auth-Token.
//   - [AKSK]: every attempt signed with SDK-HMAC-SHA256 (as Huawei's SDK signs) over
//     host, X-Project-Id and a fresh X-Sdk-Date (the gateway refuses a date
//     more than 15 minutes off, so the clock must be right).
//   - [Password]: POST <iam>/v3/auth/tokens (project-scoped password login); the
//     token (X-Subject-Token of the 201 answer) is cached until 5 minutes
//     before its expires_at, shared by concurrent callers (one login at a
//     time), and renewed once when a call answers 401, after which the call
//     is repeated.
//
// None of these is an NES credential: the keys this package manages are
// bearer secrets for blockchain nodes, never what the client itself
// authenticates with. So deleting or rotating any of them cannot lock the
// client out, and *Client does not implement cloudkeys.CredentialRotator
// (cloudkeys.IsOwnCredential is always false for it).
//
// # Assumptions where Huawei's reference is silent
//
//   - The endpoint default is https://bcs.ap-southeast-3.myhuaweicloud.com
//     (inferred; NES runs only in ap-southeast-3). Pass your own to New.
//   - The create file's columns are undocumented: they are found by the header
//     row (see [ParseCredentialFile]). The raw file is kept, redacted, in
//     [CreatedCredential.File]; when it cannot be read, CreateCredential and
//     CreateKey return a [*CreateFileError] carrying it, so the one-time
//     secret is never lost; it matches cloudkeys.ErrOutcomeUnknown. An
//     answer that is no key file at all (a proxy's page) is a
//     [*cloudkeys.UndecodableAnswerError] keeping the raw answer, as with
//     every vendor. No error text quotes an answer.
//   - Times are RFC 3339; update_time is the time of last use (Key.LastUsedAt).
//   - offset is limited to 1000 and pages to 100 items, so only the first 1100
//     credentials can be listed; past that [Client.ListCredentials] yields an
//     error matching [ErrOffsetLimit] (and cloudkeys.ErrUnsupported) rather
//     than silently stopping. The reference caps count at 1000, so a real
//     project should never get there.
//   - Errors: service bodies {code, error_code, error_msg, message}, gateway
//     bodies {error_code: "APIGW.…", error_msg, request_id} and Keystone-style
//     {"error": {code, message, title}} become *cloudkeys.APIError (error_code
//     and error_msg preferred; message appended as detail; RequestID from
//     X-Request-Id). APIGW.0308 and BCS.03429001 match cloudkeys.ErrRateLimited
//     whatever their status, and reads are retried on them; BCS.03404001
//     matches cloudkeys.ErrNotFound.
//   - A create is never re-sent (cloudkeys.ErrOutcomeUnknown when its answer is
//     lost); a delete is retried and a 404 BCS.03404001 after a retry counts as
//     success.
//
// The package huaweibcstest holds an in-process fake of this API and of the
// IAM token endpoint.
package huaweibcs
