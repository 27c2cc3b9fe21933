package cloudstack_test

import "github.com/cloudkeys/cloudkeys/cloudstack"

// The former names still compile, as the same types.
var (
	_ cloudstack.ListUsersParams        = cloudstack.ListUsersOptions{}
	_ cloudstack.ListUserKeysParams     = cloudstack.ListUserKeysOptions{}
	_ cloudstack.RegisterUserKeysParams = cloudstack.RegisterUserKeysRequest{}
	_ cloudstack.UpdateUserParams       = cloudstack.UpdateUserRequest{}
	_                                   = (*cloudstack.Client).SetPollInterval
)
