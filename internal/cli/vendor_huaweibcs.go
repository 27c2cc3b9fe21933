package cli

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
)

func init() {
	registerVendor("huaweibcs", "",
		func(cloudkeys.Capabilities) (bool, bool) { return false, true }, // credentials have a description, no name
		func(o FakeOptions) (*FakeHandle, error) {
			srv, err := huaweibcstest.Listen(huaweibcstest.WithAddr(o.Addr))
			if err != nil {
				return nil, err
			}
			return &FakeHandle{URL: srv.URL(), Env: srv.Env(), Close: srv.Close}, nil
		})
}
