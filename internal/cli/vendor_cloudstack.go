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
		"'cloudkeys fake cloudstack' emulates a stock "+fakeCloudStackVersion+"; --server-version 4.22.0.0 gives the one-pair semantics,\n"+
			"--enforce a hardened server (enforce.post.requests.and.timestamps: signatureversion 3 with expires, POST for state-changing commands).",
		// Names and descriptions came with key pairs (4.23).
		func(caps cloudkeys.Capabilities) (bool, bool) { return caps.MultipleKeys, caps.MultipleKeys },
		func(o FakeOptions) (*FakeHandle, error) {
			opts := []cloudstacktest.Option{cloudstacktest.WithAddr(o.Addr), cloudstacktest.WithVersion(cmp.Or(o.Version, fakeCloudStackVersion))}
			if o.Enforce {
				opts = append(opts, cloudstacktest.WithEnforcement())
			}
			srv, err := cloudstacktest.Listen(opts...)
			if err != nil {
				return nil, err
			}
			return &FakeHandle{URL: srv.APIURL(), Env: srv.Env(), Close: srv.Close}, nil
		})
}
