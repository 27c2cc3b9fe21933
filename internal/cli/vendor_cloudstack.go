package cli

import (
	"cmp"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

// fakeCloudStackVersion is what "cloudkeys fake cloudstack" emulates
// without --server-version: the newest semantics (many key pairs per user).
const fakeCloudStackVersion = "4.23.0.0"

func init() {
	registerVendor("cloudstack",
		"'cloudkeys fake cloudstack' emulates "+fakeCloudStackVersion+"; --server-version 4.22.0.0 gives the one-pair semantics.",
		// Names and descriptions came with key pairs (4.23).
		func(caps cloudkeys.Capabilities) (bool, bool) { return caps.MultipleKeys, caps.MultipleKeys },
		func(o FakeOptions) (*FakeHandle, error) {
			srv, err := cloudstacktest.Listen(cloudstacktest.WithAddr(o.Addr), cloudstacktest.WithVersion(cmp.Or(o.Version, fakeCloudStackVersion)))
			if err != nil {
				return nil, err
			}
			return &FakeHandle{URL: srv.APIURL(), Env: srv.Env(), Close: srv.Close}, nil
		})
}
