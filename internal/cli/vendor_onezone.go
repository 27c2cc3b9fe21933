package cli

import (
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
)

func init() {
	registerVendor("onezone", "", nil, // named tokens have both
		func(o FakeOptions) (*FakeHandle, error) {
			opts := []onezonetest.Option{onezonetest.WithAddr(o.Addr)}
			if o.Version != "" {
				opts = append(opts, onezonetest.WithVersion(o.Version))
			}
			srv, err := onezonetest.Listen(opts...)
			if err != nil {
				return nil, err
			}
			_, tok := srv.IssueAccessToken(srv.AdminID(), "cloudkeys-fake")
			return &FakeHandle{URL: srv.URL(), Close: srv.Close, Env: [][2]string{
				{onezone.EnvHost, srv.URL()}, {onezone.EnvAPIKey, tok},
			}}, nil
		})
}
