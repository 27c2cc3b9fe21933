package cli

import (
	"context"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/zstack"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

func init() {
	register(&Vendor{
		Name:    "zstack",
		Summary: "ZStack AccessKeys (ID = uuid, access key = AccessKeyID); creates are exactly-once.",
		Env: []EnvVar{
			{"ZSTACK_ENDPOINT", "management node, e.g. http://mn:8080 (required; --endpoint overrides it)", false},
			{"ZSTACK_ACCOUNT", "account name, for a session login (with ZSTACK_PASSWORD)", false},
			{"ZSTACK_USER", "IAM user name within ZSTACK_ACCOUNT (optional: log in as that user)", false},
			{"ZSTACK_PASSWORD", "password of the account or user", true},
			{"ZSTACK_ACCESS_KEY_ID", "or an AccessKey id, for signed requests (with ZSTACK_ACCESS_KEY_SECRET)", false},
			{"ZSTACK_ACCESS_KEY_SECRET", "its secret", true},
			{"ZSTACK_TIMEZONE", "the server's time zone, e.g. Asia/Shanghai (default: this machine's); AccessKey dates must match it", false},
		},
		Notes:        "Give either ZSTACK_ACCOUNT and ZSTACK_PASSWORD, or ZSTACK_ACCESS_KEY_ID and ZSTACK_ACCESS_KEY_SECRET.\ncreate needs --owner <account uuid>, or creates for the logged-in account.",
		CreateFields: func(cloudkeys.Capabilities) (bool, bool) { return false, true },
		Connect: func(_ context.Context, getenv func(string) string, endpoint string, opts []cloudkeys.Option) (cloudkeys.KeyManager, error) {
			ep := endpointOr(endpoint, getenv, "ZSTACK_ENDPOINT")
			if ep == "" {
				return nil, cloudkeys.InvalidInput("zstack", "ZSTACK_ENDPOINT", "environment variable not set (see 'cloudkeys help zstack')")
			}
			if tz := getenv("ZSTACK_TIMEZONE"); tz != "" {
				loc, err := time.LoadLocation(tz)
				if err != nil {
					return nil, cloudkeys.InvalidInput("zstack", "ZSTACK_TIMEZONE", "unknown time zone")
				}
				opts = append(opts, cloudkeys.WithServerLocation(loc))
			}
			var creds zstack.Credentials
			switch {
			case getenv("ZSTACK_ACCESS_KEY_ID") != "":
				secret, err := need(getenv, "zstack", "ZSTACK_ACCESS_KEY_SECRET")
				if err != nil {
					return nil, err
				}
				creds = zstack.AccessKey(getenv("ZSTACK_ACCESS_KEY_ID"), secret)
			case getenv("ZSTACK_ACCOUNT") != "":
				pw, err := need(getenv, "zstack", "ZSTACK_PASSWORD")
				if err != nil {
					return nil, err
				}
				if user := getenv("ZSTACK_USER"); user != "" {
					creds = zstack.UserLogin(getenv("ZSTACK_ACCOUNT"), user, pw)
				} else {
					creds = zstack.AccountLogin(getenv("ZSTACK_ACCOUNT"), pw)
				}
			default:
				return nil, cloudkeys.InvalidInput("zstack", "ZSTACK_ACCOUNT", "set ZSTACK_ACCOUNT/ZSTACK_PASSWORD or ZSTACK_ACCESS_KEY_ID/ZSTACK_ACCESS_KEY_SECRET")
			}
			return zstack.New(ep, creds, opts...)
		},
		Fake: func(o FakeOptions) (*FakeHandle, error) {
			srv, err := zstacktest.Listen(zstacktest.WithAddr(o.Addr))
			if err != nil {
				return nil, err
			}
			return &FakeHandle{URL: srv.URL(), Close: srv.Close, Env: [][2]string{
				{"ZSTACK_ENDPOINT", srv.URL()}, {"ZSTACK_ACCOUNT", zstacktest.AdminAccountName},
				{"ZSTACK_PASSWORD", zstacktest.AdminPassword}, {"ZSTACK_TIMEZONE", srv.Location().String()},
			}}, nil
		},
	})
}
