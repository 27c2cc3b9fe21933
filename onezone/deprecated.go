package onezone

// Former names, kept so that code written against them still compiles. Requests of a single call
// are named …Request in every vendor package.

// NamedTokenUpdate is the former name of [NamedTokenUpdateRequest].
//
// Deprecated: use NamedTokenUpdateRequest.
type NamedTokenUpdate = NamedTokenUpdateRequest
