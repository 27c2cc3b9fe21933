package zstack

// Former names, kept so that code written against them still compiles. Requests of a single call
// are named …Request in every vendor package.

// CreateAccessKeyParams is the former name of [CreateAccessKeyRequest].
//
// Deprecated: use CreateAccessKeyRequest.
type CreateAccessKeyParams = CreateAccessKeyRequest
