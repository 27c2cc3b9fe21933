// Package fleet is the engine behind "cloudkeys audit", "cloudkeys
// rotate" (by policy) and "cloudkeys reconcile": key hygiene over many
// accounts on several vendors, so that tools built on the library behave
// as the command does.
//
// # Audit
//
// A [Target] is one account: a profile name, its [cloudkeys.KeyManager],
// the owners whose keys to cover and a rate limit. [Audit] lists every
// key of every target and yields one [Finding] per key, judged by a
// [Policy] (maximum age, maximum time unused, expiring within; a zero
// field is not checked):
//
//	for f, err := range fleet.Audit(ctx, targets, fleet.Policy{MaxAge: 90 * 24 * time.Hour}) {
//		if err != nil { ... }            // a *TargetError; the audit goes on
//		fmt.Println(f.Profile, f.ID, f.Verdict, f.Reasons)
//	}
//
// Findings stream: memory does not grow with the number of keys. Where a
// vendor does not report a value a check needs (e24cloud reports no
// creation time; only Huawei reports last use) the check is not made, the
// finding says so in its Reasons, and its Verdict is [VerdictUnknown] —
// never a violation by guess.
//
// # Rotation by policy
//
// [Rotate] (or [RotateFindings] over findings of your choosing) rotates the
// selected keys with [cloudkeys.Rotate] — create, store, delete the old
// key, or the vendor's in-place rotation — with bounded concurrency, a
// rate limit per target ([Limit], a token bucket around the KeyManager),
// one rotation at a time per owner, and the key a target's client
// authenticates with rotated last. It returns a [Summary]: rotated,
// skipped and failed keys, each with its reason. DryRun plans without
// sending any request that changes anything.
//
// # Journal and reconcile
//
// With a [Journal] every step of every rotation is a JSON line, written
// and fsynced before the request it announces and after its answer:
//
//	{"v":1,"time":"…","run":"R","step":"start"}
//	{"v":1,"time":"…","run":"R","step":"snapshot","profile":"p","vendor":"zstack","owner":"o","keys":["k1","k2"]}
//	{"v":1,"time":"…","run":"R","rotation":"R-1","step":"creating","mode":"replace","profile":"p","vendor":"zstack","owner":"o","old":"k1","name":"ci"}
//	{"v":1,"time":"…","run":"R","rotation":"R-1","step":"created","mode":"replace",…,"old":"k1","new":"k3"}
//	{"v":1,"time":"…","run":"R","rotation":"R-1","step":"stored",…,"new":"k3"}
//	{"v":1,"time":"…","run":"R","rotation":"R-1","step":"deleted",…,"new":"k3"}
//	{"v":1,"time":"…","run":"R","step":"end"}
//
// It holds ids, names and times — never a secret. A run killed midway
// leaves rotations whose last step is not final; [Reconcile] finishes or
// undoes each (its documentation has the rules), recording what it did in
// the same journal. A run refuses a journal with unfinished rotations.
//
// # Sharding
//
// [Shard] splits targets by a hash of their profile names, so that a
// large estate can be spread over machines without coordination.
package fleet
