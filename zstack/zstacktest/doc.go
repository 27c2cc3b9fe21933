// Package zstacktest is an in-process fake of a ZStack management node's
// REST API for AccessKeys and sessions, for testing code that uses package
// zstack without a cloud.
//
//	srv := zstacktest.NewServer()      // 127.0.0.1:0; WithInMemory() for synctest
//	defer srv.Close()
//	c := srv.Client()                  // logs in as the seeded admin
//
// What it does like the real server (RestServer, AccessKeyManager):
//
//   - routes /zstack/v1/...; unknown paths are 404 "no api mapping to ...",
//     a wrong method 405, an unknown PUT action 400 (plain text);
//   - writes answer 202 {"location":"http://<host>/zstack/v1/api-jobs/<id>",
//     "apiTimeout":ms}; GET on the location (no auth needed) answers 202 {}
//     for WithPendingPolls(n) polls (default 1), then 200 with the result or
//     503 {"error":{...}}; a result older than 3 h, or an unknown id, is 404
//     "the job has been expired"; other methods are 405;
//   - X-Job-UUID sets the job id: not 32 characters → 400, a duplicate →
//     400 "Duplicate job uuid[<id>]";
//   - synchronous APIs (queries, login, logout, validate) answer 200 or 503;
//   - sessions: login with the SHA-512 hex password (wrong → 503 ID.1000),
//     7200 s sliding expiry on the settable clock (every authenticated call
//     renews), invalid/expired → ID.1001 (503, or the job's 503 for writes);
//     a missing Authorization → 400 text, an unknown scheme → 400 text;
//   - AccessKey auth: "ZStack id:sig" (else 400), Date required and parsed
//     as the server's JDK formatter "EEE, dd MMM yyyy HH:mm:ss z" does
//     (ParseDate, checked against OpenJDK 17: zone ids such as
//     Asia/Shanghai, the JDK's short names such as IST, KST, MSK, MMT, ICT,
//     AEDT, each resolved to the one region the JDK picks, GMT±hh:mm and
//     ±hh:mm; "+0800", "GMT+8", long names and a wrong weekday are refused,
//     400), its wall clock within ±15 min of the server's own wall clock in
//     WithLocation's zone (403 requestTimeTooSkewed; the zone label is
//     ignored, checkTimeZone=false; WithCheckTimeZone compares instants
//     instead, with the region's offset on that date: CST is
//     America/Chicago, IST Africa/Abidjan),
//     an unknown or disabled key → 403, and the HMAC-SHA1 over
//     METHOD\nDate\n<decoded path without /zstack and query> → 403 "wrong
//     accessKey signature" on mismatch;
//   - AccessKeys: generated ID/secret are 20/40 alphanumerics; supplied ones
//     10-20/10-40 characters, both or neither; at most 2 keys per non-admin
//     account; a non-admin account touches only its own keys; deleting an
//     unknown uuid succeeds; argument errors are SYS.1007;
//   - queries: repeated q= conditions with every operator, start/limit
//     (default 1000; non-integer → 400), count, replyWithCount, sort=±field,
//     fields=a,b; GET /v1/accesskeys/{uuid} ignores other parameters.
//
// Where the vendor documentation is silent the fake assumes: query answers
// never include AccessKeySecret (as on newer servers; only create and
// change-state results do); ChangeAccessKeyState on an unknown uuid is
// SYS.1003; an unknown query field or malformed params body is SYS.1007
// (the real REST layer answers some of these with a 400 text); queries
// compare values as strings; the admin account has no key limit; user login
// sessions act as their account; FailNext(n, 503) answers SYS.1012
// (management node unavailable), other statuses a plain-text body.
package zstacktest

//go:generate go run ../../internal/fakeserver/genfake
