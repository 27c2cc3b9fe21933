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
// past is a 401, and so is one more than 15 minutes ahead), answers with
// the real envelopes ({"<command>response":{…}}, errors with errorcode,
// cserrorcode, errortext and uuidList, the HTTP status equal to errorcode,
// an empty list as {"<command>response":{}}), generates 86-character
// URL-safe keys from 64 random bytes, and supports login sessions
// (JSESSIONID cookie plus sessionkey parameter and/or cookie, all present
// must match), an integration-port mode, and the shared fault injection
// (FailNext, FailNextWith, CommitThenDrop, DropNext, SetDelay) and settable
// clock (Clock) of internal/fakeserver, which the handler reads for every
// time check.
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
//   - enforce.post.requests.and.timestamps is ON by default (see
//     WithoutEnforcement): signed requests need signatureversion=3 and
//     expires; registerUserKeys, deleteUserKeys and logout sent other than
//     as POST get 405 (in the "<command>response" envelope).
//   - Authorization: a root admin (account type 1) may act on every user;
//     anyone else only on users of their own account (531 otherwise). Domain
//     admins get no subtree rights. There is only the ROOT domain, and login
//     accepts only domain "/".
//   - Unknown user ids and key-pair ids give the dispatcher's 431 ("Unable
//     to execute API command … due to invalid value"); getUser with an
//     unknown key gives 431 "User with specified API key does not exist";
//     registerUserKeys for the SYSTEM user gives 531.
//   - Unknown commands give 432 in an "errorresponse" envelope after
//     authentication.
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
