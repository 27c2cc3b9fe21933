package cli

import (
	"context"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/e24"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
)

func init() {
	register(&Vendor{
		Name:    "e24",
		Summary: "e24cloud API v2: the account's REST/EC2 API keys (ID = api_key).",
		Env: []EnvVar{
			{"E24_API_KEY", "API key of the account (required)", false},
			{"E24_API_SECRET", "its secret (required)", true},
			{"E24_REGION", "region, default eu-poland-1poznan (endpoint https://<region>.api.e24cloud.com)", false},
			{"E24_ENDPOINT", "full endpoint URL instead of the region's (e.g. a fake); --endpoint overrides both", false},
		},
		CreateFields: func(cloudkeys.Capabilities) (bool, bool) { return false, false },
		Connect: func(_ context.Context, getenv func(string) string, endpoint string, opts []cloudkeys.Option) (cloudkeys.KeyManager, error) {
			key, err := need(getenv, "e24", "E24_API_KEY")
			if err != nil {
				return nil, err
			}
			secret, err := need(getenv, "e24", "E24_API_SECRET")
			if err != nil {
				return nil, err
			}
			ep := endpointOr(endpoint, getenv, "E24_ENDPOINT")
			if ep == "" {
				ep = e24.RegionEndpoint(getenv("E24_REGION"))
			}
			return e24.New(ep, e24.APIKey(key, secret), opts...)
		},
		Fake: func(o FakeOptions) (*FakeHandle, error) {
			srv, err := e24test.Listen(e24test.WithAddr(o.Addr))
			if err != nil {
				return nil, err
			}
			key, secret := srv.AdminKey()
			return &FakeHandle{URL: srv.URL(), Close: srv.Close, Env: [][2]string{
				{"E24_ENDPOINT", srv.URL()}, {"E24_API_KEY", key}, {"E24_API_SECRET", secret.Reveal()},
			}}, nil
		},
	})
}
