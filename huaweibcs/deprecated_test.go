package huaweibcs_test

import "github.com/cloudkeys/cloudkeys/huaweibcs"

// The former names still compile, as the same types.
var (
	_ huaweibcs.ListCredentialsRequest = huaweibcs.ListCredentialsOptions{}
	_ *huaweibcs.ListCredentialsResult = &huaweibcs.CredentialsPage{}
	_                                  = (*huaweibcs.Client).AllCredentials
)
