// Package cloudstack manages Apache CloudStack API keys: a signed client for
// the management server API (registerUserKeys, getUserKeys, getUser,
// listUsers, updateUser — which sets keys the caller chooses —,
// listCapabilities, queryAsyncJobResult, and the 4.23 key-pair
// commands listUserKeys, deleteUserKeys and listUserKeyRules) that also
// implements cloudkeys.KeyManager.
//
// # On the wire
//
// Every command goes to the endpoint (e.g. https://cs.example.com/client/api)
// with command=<name> and response=json. Reads are GET with the parameters
// in the query; state-changing commands (registerUserKeys, updateUser,
// deleteUserKeys, login, logout) are POST with an
// application/x-www-form-urlencoded body, which servers with
// enforce.post.requests.and.timestamps require (they answer a state-changing
// GET with 400) and which Go's HTTP stack never silently re-sends. Parameter
// names are sent in lower case.
//
// With [APIKey] credentials each attempt carries apikey, signatureversion=3,
// expires (five minutes ahead, as yyyy-MM-dd'T'HH:mm:ss+0000, which every
// server version parses) and signature, recomputed on every retry. The
// signature is computed exactly as ApiServer.verifyRequest does:
// every parameter but signature, names sorted as sent, values encoded like
// Java's URLEncoder with %20 for a space — so "*" stays and "~" becomes %7E,
// unlike url.QueryEscape —, the whole string lowercased, HMAC-SHA1, standard
// Base64, percent-encoded on the wire.
//
// With [Login] credentials the client POSTs login once (shared by every
// goroutine that needs the session), then sends the sessionkey parameter
// and the JSESSIONID and sessionkey cookies; on a 401 without a cserrorcode
// — the servlet's session check, made before the command is dispatched —
// it logs in again once and repeats the call, reads and writes alike (see
// [Client.Login]). With
// [IntegrationPort] every call is a GET with the query only, unsigned.
// getUserKeys fails there from 4.22 on (530, a server NullPointerException,
// apache/cloudstack PR #14104), so up to 4.22 the key manager reads a user's
// key from listUsers id=<owner> on that port (and after any 530 from
// getUserKeys): CreateKey's check works, but ListKeys cannot return the
// secret there.
//
// # Errors
//
// The error envelope {"<command>response":{"errorcode":…,"cserrorcode":…,
// "errortext":…,"uuidList":[]}} — on any status, inside a 200, and in a
// failed job's result — becomes a *cloudkeys.APIError with one code per
// field:
//
//   - StatusCode is the errorcode (ApiErrorCode, e.g. 431), which the server
//     also sends as the HTTP status — so it is set inside a 200 and for a
//     failed job too;
//   - Code is the cserrorcode (CSExceptionErrorCode, the exception class,
//     e.g. "4350" InvalidParameterValueException, "4365"
//     PermissionDeniedException, "9999" a plain ServerApiException), or ""
//     when the server sends none: authentication failures (a 401 from the
//     signature or session check) carry none.
//
// Switch on StatusCode for the kind of failure, on Code for the exception.
// The sentinels follow the errorcode: 401 and 511 → ErrUnauthorized; 400, 405, 430,
// 431 → ErrInvalidRequest (431 also for a value with a control character
// such as TAB, which every server refuses); 432 (unknown command, e.g.
// listUserKeys before 4.23) → ErrUnsupported; 429 → ErrRateLimited; 531 and
// 532 → ErrForbidden; 530 and 533–537 → ErrServer. Application errors are
// never retried; reads are retried on connection errors, 429 and gateway
// 502/503/504. registerUserKeys, updateUser and login are never re-sent
// after they may have arrived: a lost answer is an error matching
// cloudkeys.ErrOutcomeUnknown. deleteUserKeys by id is idempotent by nature
// and is retried like a read.
//
// A 200 that cannot be read (not a CloudStack envelope: a PHP notice or a
// proxy banner around it, a value of the wrong type, a registration without
// apikey and secretkey) is a *cloudkeys.UndecodableAnswerError whose text
// never quotes it. For registerUserKeys it matches cloudkeys.ErrOutcomeUnknown
// and keeps, in Answer, the answer that holds the new pair: the command's
// own, or on 4.23 the queryAsyncJobResult answer of its job. For reads and
// login it matches cloudkeys.ErrServer only.
//
// Asynchronous answers ({"jobid":…}, 4.23 registerUserKeys and
// deleteUserKeys) are polled with queryAsyncJobResult (jobstatus 0 pending,
// 1 done, 2 failed) until the job ends or the context is done; see
// [WithPollInterval].
//
// # Key management and server versions
//
// [Client.Capabilities] asks listCapabilities once for the version and caches
// it. Up to 4.22 a user has one key pair: the Key ID is the API key,
// CreateKey refuses (ErrConflict) when the user already has keys because
// registerUserKeys would silently replace them, RotateKey is registerUserKeys
// (the old key stops working at once), and keys cannot be deleted or
// disabled. From 4.23 a user has many pairs: the Key ID is the key-pair id,
// CreateKey adds a pair (ExpiresAt becomes enddate), DeleteKey is
// deleteUserKeys, and cloudkeys.Rotate replaces a pair without downtime.
//
// # Assumptions
//
// The 4.23 key-pair id is ApiKeyPairResponse's "uuid". Where the sources
// are silent: an "id" is read too; for a new pair without either, the "id"
// of the immediate asynchronous answer, else the pair of the owner with the
// same API key in listUserKeys — a Key never has an empty ID (CreateKey
// fails with an error matching cloudkeys.ErrOutcomeUnknown when nothing
// names the new pair); startdate/enddate are sent as
// yyyy-MM-dd'T'HH:mm:ss+0000 in UTC; listUserKeyRules takes the pair id as
// "id"; the API-key filter of listUserKeys (wire name unverified) is not
// offered; listUserKeys paging stops on a short page because its count is
// the unfiltered total.
// Two-factor login (validateUserTwoFactorAuthenticationCode) is not
// supported.
package cloudstack
