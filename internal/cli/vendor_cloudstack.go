package cli

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/vendors/vendorstest"
)

func init() {
	fv, _ := vendorstest.Lookup("cloudstack")
	registerVendor("cloudstack",
		"'cloudkeys fake cloudstack' emulates a stock "+fv.DefaultVersion+"; --server-version 4.22.0.0 gives the one-pair semantics,\n"+
			"--enforce a hardened server (enforce.post.requests.and.timestamps: signatureversion 3 with expires, POST for state-changing commands).",
		// Names and descriptions came with key pairs (4.23).
		func(caps cloudkeys.Capabilities) (bool, bool) { return caps.MultipleKeys, caps.MultipleKeys })
}
