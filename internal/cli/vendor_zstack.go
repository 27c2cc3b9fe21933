package cli

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/zstack"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

func init() {
	registerVendor("zstack", "",
		func(cloudkeys.Capabilities) (bool, bool) { return false, true }, // AccessKeys have a description, no name
		func(o FakeOptions) (*FakeHandle, error) {
			srv, err := zstacktest.Listen(zstacktest.WithAddr(o.Addr))
			if err != nil {
				return nil, err
			}
			return &FakeHandle{URL: srv.URL(), Close: srv.Close, Env: [][2]string{
				{zstack.EnvEndpoint, srv.URL()}, {zstack.EnvAccount, zstacktest.AdminAccountName},
				{zstack.EnvPassword, zstacktest.AdminPassword}, {zstack.EnvTimezone, srv.Location().String()},
			}}, nil
		})
}
