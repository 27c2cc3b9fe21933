package zstack_test

import "github.com/cloudkeys/cloudkeys/zstack"

// The former names still compile, as the same types.
var (
	_ zstack.CreateAccessKeyParams = zstack.CreateAccessKeyRequest{}
	_                              = (*zstack.Client).QueryAccessKey
)
