package cli

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/e24"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
)

func init() {
	registerVendor("e24", "",
		func(cloudkeys.Capabilities) (bool, bool) { return false, false }, // API keys have neither
		func(o FakeOptions) (*FakeHandle, error) {
			srv, err := e24test.Listen(e24test.WithAddr(o.Addr))
			if err != nil {
				return nil, err
			}
			key, secret := srv.AdminKey()
			return &FakeHandle{URL: srv.URL(), Close: srv.Close, Env: [][2]string{
				{e24.EnvEndpoint, srv.URL()}, {e24.EnvAPIKey, key}, {e24.EnvAPISecret, secret.Reveal()},
			}}, nil
		})
}
