// Package cloudkeys manages API keys and tokens on five clouds — Apache
// CloudStack, ZStack, e24cloud, Huawei Cloud NES (BCS family) and Onedata
// Onezone — behind one [KeyManager] interface.
//
// Each vendor lives in its own package (cloudstack, zstack, e24, huaweibcs,
// onezone) whose New function returns a *Client that implements KeyManager and
// also exposes every documented endpoint of that vendor under the vendor's own
// names. Each vendor package has a <vendor>test package with an in-process fake
// server that speaks the vendor's wire format, so that programs built on this
// SDK can be tested without a cloud.
//
// Three rules hold for every vendor:
//
//   - Secrets never leak. Every secret value is a [Secret], which prints, logs
//     and marshals as "[REDACTED]"; only [Secret.Reveal] returns it. Errors and
//     log lines never carry a query string, header, body, token or signature.
//   - A write is never silently repeated. Reads are retried on transient
//     failures; a write whose answer was lost after it may have reached the
//     server returns an error wrapping [ErrOutcomeUnknown] instead of being
//     sent again, unless the vendor gives exactly-once semantics.
//   - Errors are typed. Every error for a server answer is, or wraps, an
//     [*APIError], which matches the sentinel errors ([ErrNotFound],
//     [ErrUnauthorized], ...) with errors.Is.
//
// # Names in the vendor packages
//
// The vendor packages name what they add beside KeyManager one way:
//
//   - A list has two methods. ListX (or QueryX, where the vendor calls it a
//     query) returns an iter.Seq2[*X, error] that reads every page lazily
//     and yields an error once, last — the shape of [KeyManager.ListKeys].
//     ListXPage sends one request and returns one page, whose Next field
//     holds the options of the page that follows (nil after the last).
//   - The filters and paging of a list are ListXOptions (ZStack's are a
//     Query, its query language); the input of any
//     other call is a struct named after the call, …Request (Onezone keeps
//     its schema's names, such as NamedTokenCreateRequest).
//   - Options of one vendor, such as zstack.WithServerLocation, are
//     functions of its package returning an [Option]; they go into the same
//     list as this package's options.
//   - Each package has a Vendor constant, the name its clients report.
//
// # Waiting, retrying and HTTP/2
//
// Every client bounds each attempt: no response headers within
// [DefaultResponseHeaderTimeout] (60 s, connecting included), or no byte of
// the body for [DefaultBodyReadTimeout] (30 s), abandons the attempt — a
// read is then retried, a write fails matching [ErrOutcomeUnknown]. Change
// them with [WithResponseHeaderTimeout] and [WithBodyReadTimeout]; with
// [WithHTTPClient] your client's own timeouts apply unless you set them.
// The context's deadline always applies too.
//
// Retries draw from a per-client budget ([WithRetryBudget], default
// [DefaultRetryBudget] = 100 retries, earned back by successes), so that
// during an outage a client sends little more than one request per call.
//
// No layer below the retry loop re-sends a write: Go's HTTP/1 and HTTP/2
// transports are never given a replayable write, so a stream reset after
// the request was sent is reported (ErrOutcomeUnknown), not silently
// replayed. A write the server refused before processing it (HTTP/2
// REFUSED_STREAM, or a GOAWAY that excludes its stream) is sent again by
// the retry loop, counted within MaxAttempts.
package cloudkeys
