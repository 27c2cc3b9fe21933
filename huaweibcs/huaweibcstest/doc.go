// Package huaweibcstest is an in-process fake of Huawei Cloud NES's
// "node-provider" API-keys endpoints, of the API gateway in front of them,
// and of the IAM password-login endpoint, for testing code that uses package
// huaweibcs without a cloud.
//
//	srv := huaweibcstest.NewServer()          // 127.0.0.1:0; WithInMemory() for synctest
//	defer srv.Close()
//	c := srv.Client()                         // AK/SK-signed as the seeded access key
//	// srv.TokenClient(), srv.PasswordClient() for the other two methods
//
// Listen(WithAddr("127.0.0.1:8080")) listens on a chosen address and returns
// an error instead of panicking; srv.Env() gives the seeded identity as the
// environment variables huaweibcs.NewFromEnv reads.
//
// It serves, on one listener:
//
//   - GET/POST /v1/{project_id}/node-provider/credentials and
//     DELETE /v1/{project_id}/node-provider/credentials/{credential_id};
//   - POST /v3/auth/tokens (IAM), so the IAM endpoint is srv.IAMEndpoint().
//
// Like the gateway it checks X-Auth-Token (issued by the fake, scoped to the
// project, expiring after the token TTL on the fake's clock) or an
// SDK-HMAC-SHA256 Authorization header, recomputed from the SignedHeaders
// list the request sends (host taken from the Host header), with X-Sdk-Date
// within 15 minutes of the fake's clock. The fake verifies with its own
// code, written from Huawei's published algorithm and tested against the
// known-answer vectors, never with package huaweibcs's signer: a mistake in
// the client's signer is refused here as by the real gateway, not mirrored.
//
// Assumptions where Huawei's reference is silent (each one a choice of this
// fake, not a documented fact):
//
//   - One project, ProjectID (named ProjectName); a well-formed other project
//     id gets 403 APIGW.0310. AK/SK requests must carry X-Project-Id equal to
//     the path's project id (Huawei's SDK always sends it).
//   - The gateway canonicalises the signed headers in the order the
//     SignedHeaders list gives, a header listed but absent as "name:", and
//     every raw query part (a literal ';' included; a malformed %-escape
//     fails); X-Sdk-Content-Sha256, when sent, replaces the body hash.
//   - Auth failures: a missing or malformed Authorization header, an unknown
//     AK or a bad signature get 401 APIGW.0301 (gateway body); a date skew over
//     15 minutes 401 APIGW.0303; an unknown, expired or foreign token 401
//     BCS.03401001 (service body). The five-failure AK lockout and the 200
//     req/s throttle are not modelled (inject 429 with FailNext).
//   - List: offset 0..1000 and limit 1..1000 (integers, else 400
//     BCS.03400001); limit defaults to DefaultLimit (10); a page holds at most
//     MaxPage (100) items; count is the total; items are in creation order;
//     times are RFC 3339 with microseconds in +08:00, and update_time (last
//     use) starts equal to create_time, as in the reference's example. The
//     fake stores any number of keys (the reference caps count at 1000).
//     A credential's access policy (node_ids, control_type, allowlists, from
//     the zh-cn reference) is listed only when set; only
//     AddCredentialWithPolicy sets one.
//   - Create: Content-Type must be application/json (else 400 BCS.03400006);
//     a body that is not a JSON object gets 400 BCS.03400001 "unmarshal
//     request data error"; a description over 100 characters 400
//     BCS.03400001. Policy fields in the body (node_ids, control_type,
//     allowlists) are ignored: whether the API takes them is unconfirmed.
//     The answer is 200 application/zip, a ZIP archive holding
//     credential.csv (or, with FileCSV, the bare CSV as
//     application/octet-stream) with the header row
//     "Credential ID,API Key,Description,Create Time" and one data row. The
//     secret is 32 lowercase hex characters; ids are random UUIDs.
//     SetCredentialFile replaces the CSV, to test other columns.
//   - Delete: a credential_id not 36 characters long gets 400 BCS.03400001; an
//     unknown one 404 BCS.03404001; success is 200 with an empty body.
//   - IAM login: body {"auth":{"identity":{"methods":["password"],
//     "password":{"user":{name,password,domain:{name}}}},"scope":{"project":
//     {id|name}}}}; success is 201 with X-Subject-Token and
//     {"token":{"expires_at","issued_at",...}}; errors are Keystone-style
//     {"error":{"code","message","title"}} (400 bad body, 401 wrong user,
//     password or project).
//   - Authentication comes first (as at the gateway): an authenticated request
//     for an unknown path or method gets 404 APIGW.0101. Every answer carries
//     X-Request-Id. FailNext answers with ErrorBody(status).
//
// Time is read only from the settable clock (srv.Clock()); the clients
// Server.Client and friends build read the same clock, so moving it does not
// break signatures. Pass cloudkeys.WithClock to test skew.
package huaweibcstest

//go:generate go run ../../internal/fakeserver/genfake
