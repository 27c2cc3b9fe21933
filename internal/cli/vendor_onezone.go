package cli

import (
	"context"
	"strings"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
)

func init() {
	register(&Vendor{
		Name:    "onezone",
		Summary: "Onedata Onezone named access tokens (ID = tokenId; the token string is the secret).",
		Env: []EnvVar{
			{"ONEZONE_HOST", "Onezone URL, e.g. https://zone.example.com (required; --endpoint overrides it)", false},
			{"ONEZONE_API_KEY", "an access token, sent as X-Auth-Token", true},
			{"ONEZONE_BASIC_AUTH", "or user:password for basic auth, where the zone allows it", true},
		},
		Notes: "create needs --name (unique per owner); --owner <user id> creates for another user, --expires adds a time caveat.\n" +
			"disable/enable set the token's revoked flag.",
		Connect: func(_ context.Context, getenv func(string) string, endpoint string, opts []cloudkeys.Option) (cloudkeys.KeyManager, error) {
			host := endpointOr(endpoint, getenv, "ONEZONE_HOST")
			if host == "" {
				return nil, cloudkeys.InvalidInput("onezone", "ONEZONE_HOST", "environment variable not set (see 'cloudkeys help onezone')")
			}
			var creds onezone.Credentials
			switch {
			case getenv("ONEZONE_API_KEY") != "":
				creds = onezone.Token(getenv("ONEZONE_API_KEY"))
			case getenv("ONEZONE_BASIC_AUTH") != "":
				user, pass, ok := strings.Cut(getenv("ONEZONE_BASIC_AUTH"), ":")
				if !ok {
					return nil, cloudkeys.InvalidInput("onezone", "ONEZONE_BASIC_AUTH", "want user:password")
				}
				creds = onezone.Basic(user, pass)
			default:
				return nil, cloudkeys.InvalidInput("onezone", "ONEZONE_API_KEY", "set ONEZONE_API_KEY or ONEZONE_BASIC_AUTH")
			}
			return onezone.New(host, creds, opts...)
		},
		Fake: func(o FakeOptions) (*FakeHandle, error) {
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
				{"ONEZONE_HOST", srv.URL()}, {"ONEZONE_API_KEY", tok},
			}}, nil
		},
	})
}
