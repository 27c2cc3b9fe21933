package cli

import "github.com/cloudkeys/cloudkeys"

func init() {
	registerVendor("e24", "",
		func(cloudkeys.Capabilities) (bool, bool) { return false, false }) // API keys have neither
}
