package zstack

import "context"

// Former names, kept so that code written against them still compiles. Requests of a single call
// are named …Request in every vendor package.

// CreateAccessKeyParams is the former name of [CreateAccessKeyRequest].
//
// Deprecated: use CreateAccessKeyRequest.
type CreateAccessKeyParams = CreateAccessKeyRequest

// QueryAccessKey reads one page of QueryAccessKey: the former name of
// [Client.QueryAccessKeysPage].
//
// Deprecated: use QueryAccessKeysPage (one page) or QueryAccessKeys (every
// match), the names every list of every vendor package follows.
func (c *Client) QueryAccessKey(ctx context.Context, q Query) (*AccessKeyPage, error) {
	return c.QueryAccessKeysPage(ctx, q)
}
