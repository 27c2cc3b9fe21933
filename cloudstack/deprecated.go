package cloudstack

// Former names, kept so that code written against them still compiles. Requests of a single call
// are named …Request and the filters of a list …Options, in every vendor
// package.

// ListUsersParams is the former name of [ListUsersOptions].
//
// Deprecated: use ListUsersOptions.
type ListUsersParams = ListUsersOptions

// ListUserKeysParams is the former name of [ListUserKeysOptions].
//
// Deprecated: use ListUserKeysOptions.
type ListUserKeysParams = ListUserKeysOptions

// RegisterUserKeysParams is the former name of [RegisterUserKeysRequest].
//
// Deprecated: use RegisterUserKeysRequest.
type RegisterUserKeysParams = RegisterUserKeysRequest

// UpdateUserParams is the former name of [UpdateUserRequest].
//
// Deprecated: use UpdateUserRequest.
type UpdateUserParams = UpdateUserRequest
