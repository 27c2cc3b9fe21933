package huaweibcs

import (
	"context"
	"iter"
)

// Former names, kept so that code written against them still compiles.
// Every list of every vendor package has an iterator, ListX, and a call
// for one page, ListXPage; the filters of a list are its …Options.

// ListCredentialsRequest is the former name of [ListCredentialsOptions].
//
// Deprecated: use ListCredentialsOptions.
type ListCredentialsRequest = ListCredentialsOptions

// ListCredentialsResult is the former name of [CredentialsPage].
//
// Deprecated: use CredentialsPage.
type ListCredentialsResult = CredentialsPage

// AllCredentials iterates over every credential of the project: the former
// name of ListCredentials with zero options.
//
// Deprecated: use ListCredentials.
func (c *Client) AllCredentials(ctx context.Context) iter.Seq2[*Credential, error] {
	return c.ListCredentials(ctx, ListCredentialsOptions{})
}
