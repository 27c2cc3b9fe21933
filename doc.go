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
package cloudkeys
