// Package cloudkeystest is the public testing surface of cloudkeys: what
// you need to test your own code against the SDK without a cloud.
//
// It holds three things:
//
//   - [Fake], the interface every vendor's fake server implements (the
//     Server of cloudstacktest, zstacktest, e24test, huaweibcstest and
//     onezonetest): where it listens, fault injection ([Fake.FailNext],
//     [Fake.FailNextWith], [Fake.CommitThenDrop], [Fake.DropNext],
//     [Fake.SetDelay]), its settable [Clock], and its request log
//     ([Fake.Requests]). Write a test helper once against Fake and use it
//     with every vendor.
//   - The types those methods take and return: [Fault] (what to do to a
//     request: a status, a drop, a commit-then-drop, an HTTP/2 stream
//     reset with a [ResetCode] or a GOAWAY, a stall before the headers or
//     in the body, a body cut mid-way), [Request] (one logged request),
//     [Clock] and [TLSMode].
//   - [KeyManager], an in-memory [cloudkeys.KeyManager] with the
//     capabilities you choose and injectable failures, for code written
//     against the interface that needs no wire at all: a rotation job, a
//     policy engine, a CLI.
//
// The fake servers themselves live beside their vendor packages, e.g.
// github.com/cloudkeys/cloudkeys/e24/e24test; package
// github.com/cloudkeys/cloudkeys/vendors/vendorstest starts any of them by
// vendor name.
//
// # Faults and what a client sees
//
// A fault applies to the next matching request after its body was read.
// Commit runs the real operation first, so a test can check that a write
// whose answer was lost is reported as [cloudkeys.ErrOutcomeUnknown] and
// not sent again. Faults that act on HTTP/2 streams (Reset, GoAway) need a
// fake started with its WithTLS option; over HTTP/1.1 and in memory they
// close the connection instead.
//
// A fake started with its WithInMemory option serves through
// [Fake.Transport] without a socket; with testing/synctest, delays and
// stalls then let the bubble's clock advance, so backoff and timeouts are
// tested without waiting.
package cloudkeystest
