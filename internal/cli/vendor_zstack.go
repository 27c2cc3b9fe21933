package cli

import "github.com/cloudkeys/cloudkeys"

func init() {
	registerVendor("zstack", "",
		func(cloudkeys.Capabilities) (bool, bool) { return false, true }) // AccessKeys have a description, no name
}
