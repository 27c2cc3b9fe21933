package onezone_test

import "github.com/cloudkeys/cloudkeys/onezone"

// The former names still compile, as the same types.
var _ onezone.NamedTokenUpdate = onezone.NamedTokenUpdateRequest{}
