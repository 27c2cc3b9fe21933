// Package cloudstacktest is an in-process fake Apache CloudStack management
// server for testing code that uses package cloudstack (or any CloudStack
// client) without a cloud.
//
//	srv := cloudstacktest.NewServer(cloudstacktest.WithVersion("4.23.0.0"))
//	defer srv.Close()
//	alice := srv.AddUser(cloudstacktest.UserSpec{Username: "alice", Password: "pw"})
//	c := srv.Client() // *cloudstack.Client signed with the seeded admin's keys
//	key, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: alice.ID})
//
// It serves /client/api like the real server: it collects parameters as
// ApiServlet does (query plus form body; the raw query's last duplicate
// wins), verifies signatures exactly as ApiServer.verifyRequest (names as
// received, sorted case-sensitively, values encoded like Java's URLEncoder
// with %20, the whole string lowercased, HMAC-SHA1, standard Base64,
// constant-time compare; apikey, signatureversion and expires matched
// case-insensitively), checks signatureversion=3 expiry (an expires in the
// past is a 401), refuses values with control characters as the server does
// (431), answers listApis and updateUser (keys included), answers with
// the real envelopes ({"<command>response":{…}}, errors with errorcode,
// cserrorcode, errortext and uuidList, the HTTP status equal to errorcode,
// an empty list as {"<command>response":{}}), generates 86-character
// URL-safe keys from 64 random bytes, and supports login sessions
// (JSESSIONID cookie plus sessionkey parameter and/or cookie, all present
// must match), an integration-port mode, and the shared fault injection
// (FailNext, FailNextWith, CommitThenDrop, DropNext, SetDelay) and settable
// clock (Clock) of every fake (cloudkeystest.Fake), which the handler reads
// for every time check.
//
// # A stock server, or a hardened one
//
// By default the fake is a stock server: enforce.post.requests.and.timestamps
// is off (its ConfigKey default is "false", ApiServer.java), so, as on
// apache/cloudstack ApiServer.verifyRequest:
//
//   - a signed request without signatureversion=3 passes, and its expires,
//     if any, is ignored (even one in the past) — what apache/cloudstack-go
//     v2.16.1 and cloudmonkey send;
//   - with signatureversion=3, expires is required and one in the past is a
//     401; one more than 15 minutes ahead passes;
//   - any command may be sent as GET (a Node client that GETs everything).
//
// [WithEnforcement] turns the setting on: no signatureversion 3 is a 401, an
// expires more than 15 minutes ahead is a 401, and a command not named like
// a read (get*, list*, query*, find*, and a few others) sent other than as
// POST is a 400 "State changing command <cmd> needs to be sent using POST
// request", checked before authentication (ApiServlet, PR #10899). login and
// logout are exempt; login is POST-only either way (405). The
// integration port checks neither.
//
// Whatever the setting, ApiServer.handleRequest first refuses a parameter
// value with an ASCII control character — 0x00–0x09 (TAB included), 0x0B,
// 0x0C, 0x0E–0x1F, 0x7F; LF and CR are allowed — with a 431 "Received value
// containing illegal ASCII non-printable characters for parameter <name>"
// (checkCharacterInkParams; "activationrule" is exempt), after the request
// is authenticated and before the command is looked up.
//
// # listApis and updateUser
//
// listApis answers {"listapisresponse":{"count":N,"api":[…]}} with name,
// description, since, isasync, related, params and response for the
// commands the fake implements; name=<command> selects one (by exact name;
// an unknown one is the plugin's 530). updateUser sets names, email,
// timezone, password (a user must give currentpassword, an admin need
// not), apikeyaccess, and userapikey/usersecretkey — keys the caller
// chooses, both or neither, any non-blank strings, an API key another user
// holds refused (431); up to 4.22 they replace the user's pair, on 4.23 its
// newest pair. See updateuser.go for the checks and their sources.
//
// # Versions
//
// "4.22.x" (the default): one key pair per user; registerUserKeys replaces
// it (the old key stops working at once); listUserKeys, deleteUserKeys and
// listUserKeyRules are unknown (432 errorresponse). "4.23.x" and later: many
// pairs per user with name, description, startdate/enddate and rules;
// registerUserKeys and deleteUserKeys answer with a jobid (unless
// WithSyncRegister) to be polled with queryAsyncJobResult.
//
// # Assumptions where the real server's behaviour is not documented
//
//   - Authorization: a root admin (account type 1) may act on every user;
//     anyone else only on users of their own account (531 otherwise). Domain
//     admins get no subtree rights. There is only the ROOT domain, and login
//     accepts only domain "/".
//   - Unknown user ids and key-pair ids give the dispatcher's 431 ("Unable
//     to execute API command … due to invalid value"); getUser with an
//     unknown key gives 431 "User with specified API key does not exist";
//     registerUserKeys for the SYSTEM user gives 531.
//   - Unknown commands give 432 in an "errorresponse" envelope after
//     authentication, and commands are matched case-insensitively. This
//     differs from the source: the server finds commands by exact name, and
//     its verifyRequest refuses a signed request for a command it does not
//     have with a 401 (a session-authenticated one reaches the 432).
//   - 4.23: the key-pair id is sent as "uuid" (the ApiKeyPairResponse
//     field; no "id"), and an asynchronous registerUserKeys answers
//     {"jobid":…} only (a BaseAsyncCmd, not a create command); dates as
//     yyyy-MM-dd'T'HH:mm:ssZ; listUserKeys' count is the total before the
//     userid/keypairid/keyword filters (the bug of PR #13828); a pair's
//     rules are applied in index order, the first matching rule decides
//     ("list*" is a prefix wildcard), and a pair with rules but no match is
//     denied (401 "The given command … either does not exist, is not
//     available for user."); listUserKeyRules takes "id" (or "keypairid").
//     Asynchronous jobs do their work at once; WithPendingPolls makes their
//     first polls report jobstatus 0, and FailJobs makes jobs fail
//     (jobstatus 2, jobresult {errorcode, errortext}).
//   - getUserKeys and listUsers show the newest live pair of a user.
//   - Sessions time out after 1800 s of inactivity on the fake clock;
//     ExpireSessions ends them all. 2FA is not emulated.
//   - The integration port (WithIntegrationPort) reads only the URI query
//     (first duplicate wins), ignores bodies and any key or signature, runs
//     every command as SYSTEM (a root admin), and defaults to XML; login
//     there gives 531. From 4.22 getUserKeys there fails like the real
//     server's (PR #14104): HTTP 530, errorcode 530, cserrorcode 9999 and
//     the NullPointerException text (Cannot invoke
//     "org.apache.cloudstack.acl.apikeypair.ApiKeyPair.getUserId()" because
//     "accessingKeyPair" is null) in the getuserkeysresponse envelope.
//   - Injected faults without a body answer with the CloudStack envelope
//     (cserrorcode 9999), except 502/503/504, which get a proxy's HTML page.
//   - Parameter names are sorted by Go byte order, which equals Java's
//     UTF-16 order for every name outside the supplementary planes.
package cloudstacktest

//go:generate go run ../../internal/fakeserver/genfake
