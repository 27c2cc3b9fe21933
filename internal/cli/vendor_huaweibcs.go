package cli

import "github.com/cloudkeys/cloudkeys"

func init() {
	registerVendor("huaweibcs", "",
		func(cloudkeys.Capabilities) (bool, bool) { return false, true }) // credentials have a description, no name
}
