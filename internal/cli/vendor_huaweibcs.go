package cli

import (
	"context"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
)

func init() {
	register(&Vendor{
		Name:    "huaweibcs",
		Summary: "Huawei Cloud NES / BCS node API keys (ID = credential id; the secret is returned once, at create).",
		Env: []EnvVar{
			{huaweibcs.EnvEndpoint, "endpoint, default " + huaweibcs.DefaultEndpoint + "; --endpoint overrides it", false},
			{huaweibcs.EnvProjectID, "project id, 32 characters (required)", false},
			{huaweibcs.EnvAK, "access key, for AK/SK signing (with " + huaweibcs.EnvSK + ")", false},
			{huaweibcs.EnvSK, "secret key", true},
			{huaweibcs.EnvSecurityToken, "security token of a temporary AK/SK (optional)", true},
			{huaweibcs.EnvToken, "or an IAM token (X-Auth-Token)", true},
			{huaweibcs.EnvIAMEndpoint, "or a password login at this IAM endpoint, with the next three", false},
			{huaweibcs.EnvDomain, "account (domain) name", false},
			{huaweibcs.EnvUser, "IAM user name", false},
			{huaweibcs.EnvPassword, "IAM user password", true},
		},
		Notes:        "Credentials are taken in this order: AK/SK, token, password login.",
		CreateFields: func(cloudkeys.Capabilities) (bool, bool) { return false, true },
		Connect: func(_ context.Context, getenv func(string) string, endpoint string, opts []cloudkeys.Option) (cloudkeys.KeyManager, error) {
			return huaweibcs.NewFromEnv(getenv, endpoint, opts...)
		},
		Fake: func(o FakeOptions) (*FakeHandle, error) {
			srv, err := huaweibcstest.Listen(huaweibcstest.WithAddr(o.Addr))
			if err != nil {
				return nil, err
			}
			return &FakeHandle{URL: srv.URL(), Env: srv.Env(), Close: srv.Close}, nil
		},
	})
}
