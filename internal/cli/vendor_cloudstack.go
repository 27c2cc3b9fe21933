package cli

import (
	"cmp"
	"context"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

// fakeCloudStackVersion is what "cloudkeys fake cloudstack" emulates
// without --version: the newest semantics (many key pairs per user).
const fakeCloudStackVersion = "4.23.0.0"

func init() {
	register(&Vendor{
		Name: "cloudstack",
		Summary: "Apache CloudStack user API keys. Up to 4.22 a user holds one pair (ID = apikey; create refuses\n" +
			"when the user has one, rotate regenerates it in place); from 4.23 many pairs (ID = key-pair id).",
		Env: []EnvVar{
			{cloudstack.EnvAPIURL, "API URL, e.g. https://cs.example.com/client/api (required; --endpoint overrides it)", false},
			{cloudstack.EnvAPIKey, "API key, for signed requests (with " + cloudstack.EnvSecretKey + ")", false},
			{cloudstack.EnvSecretKey, "secret key", true},
			{cloudstack.EnvUsername, "or a session login: user name (with the next two)", false},
			{cloudstack.EnvPassword, "password", true},
			{cloudstack.EnvDomain, "login domain path, default /", false},
			{cloudstack.EnvIntegrationPort, "or \"true\": the unauthenticated integration port (GET, no signature)", false},
		},
		Notes: "create and list take --owner <user id>; without it, create makes keys for the caller.\n" +
			"'cloudkeys fake cloudstack' emulates " + fakeCloudStackVersion + "; --version 4.22.0.0 gives the one-pair semantics.",
		CreateFields: func(caps cloudkeys.Capabilities) (bool, bool) { return caps.MultipleKeys, caps.MultipleKeys },
		Connect: func(_ context.Context, getenv func(string) string, endpoint string, opts []cloudkeys.Option) (cloudkeys.KeyManager, error) {
			return cloudstack.NewFromEnv(getenv, endpoint, opts...)
		},
		Fake: func(o FakeOptions) (*FakeHandle, error) {
			srv, err := cloudstacktest.Listen(cloudstacktest.WithAddr(o.Addr), cloudstacktest.WithVersion(cmp.Or(o.Version, fakeCloudStackVersion)))
			if err != nil {
				return nil, err
			}
			return &FakeHandle{URL: srv.APIURL(), Env: srv.Env(), Close: srv.Close}, nil
		},
	})
}
