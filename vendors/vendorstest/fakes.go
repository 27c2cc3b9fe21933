package vendorstest

import (
	"strconv"
	"sync/atomic"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
	"github.com/cloudkeys/cloudkeys/e24"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
	"github.com/cloudkeys/cloudkeys/zstack"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

// common turns Options into a vendor test package's options: WithAddr,
// WithInMemory, WithTLS or WithTLSHTTP1 (each package has its own Option
// type, so the constructors are passed in).
func common[O any](o Options, addr func(string) O, inMemory, tls, tlsHTTP1 func() O) []O {
	var out []O
	if o.Addr != "" {
		out = append(out, addr(o.Addr))
	}
	if o.InMemory {
		out = append(out, inMemory())
	}
	switch o.TLS {
	case cloudkeystest.TLSHTTP2:
		out = append(out, tls())
	case cloudkeystest.TLSHTTP1:
		out = append(out, tlsHTTP1())
	}
	return out
}

// seq numbers what CreateRequest makes unique (CloudStack users).
var seq atomic.Int64

func init() {
	register(&Vendor{
		Name:           "cloudstack",
		DefaultVersion: "4.23.0.0",
		Versions:       []string{"4.22.0.0", "4.23.0.0"},
		CanEnforce:     true,
		start: func(o Options) (*Fake, error) {
			opts := append(common(o, cloudstacktest.WithAddr, cloudstacktest.WithInMemory, cloudstacktest.WithTLS, cloudstacktest.WithTLSHTTP1),
				cloudstacktest.WithVersion(o.Version))
			if o.Enforce {
				opts = append(opts, cloudstacktest.WithEnforcement())
			}
			srv, err := cloudstacktest.Listen(opts...)
			if err != nil {
				return nil, err
			}
			return &Fake{Fake: srv, Server: srv, Endpoint: srv.APIURL(), Env: srv.Env(),
				client: func(opts ...cloudkeys.Option) cloudkeys.KeyManager { return srv.Client(opts...) },
				request: func(name string) cloudkeys.CreateKeyRequest {
					u := srv.AddUser(cloudstacktest.UserSpec{Username: "vendorstest-" + strconv.FormatInt(seq.Add(1), 10)})
					return cloudkeys.CreateKeyRequest{Owner: u.ID, Name: name, Description: name}
				},
			}, nil
		},
	})
	register(&Vendor{
		Name: "e24",
		start: func(o Options) (*Fake, error) {
			srv, err := e24test.Listen(common(o, e24test.WithAddr, e24test.WithInMemory, e24test.WithTLS, e24test.WithTLSHTTP1)...)
			if err != nil {
				return nil, err
			}
			key, secret := srv.AdminKey()
			return &Fake{Fake: srv, Server: srv, Endpoint: srv.URL(),
				Env:    [][2]string{{e24.EnvEndpoint, srv.URL()}, {e24.EnvAPIKey, key}, {e24.EnvAPISecret, secret.Reveal()}},
				client: func(opts ...cloudkeys.Option) cloudkeys.KeyManager { return srv.Client(opts...) },
				// API keys belong to the signing account and have no name.
				request: func(string) cloudkeys.CreateKeyRequest { return cloudkeys.CreateKeyRequest{} },
			}, nil
		},
	})
	register(&Vendor{
		Name: "huaweibcs",
		start: func(o Options) (*Fake, error) {
			srv, err := huaweibcstest.Listen(common(o, huaweibcstest.WithAddr, huaweibcstest.WithInMemory, huaweibcstest.WithTLS, huaweibcstest.WithTLSHTTP1)...)
			if err != nil {
				return nil, err
			}
			return &Fake{Fake: srv, Server: srv, Endpoint: srv.URL(), Env: srv.Env(),
				client: func(opts ...cloudkeys.Option) cloudkeys.KeyManager { return srv.Client(opts...) },
				// Credentials have a description, no name.
				request: func(name string) cloudkeys.CreateKeyRequest { return cloudkeys.CreateKeyRequest{Description: name} },
			}, nil
		},
	})
	register(&Vendor{
		Name:           "onezone",
		DefaultVersion: onezonetest.DefaultVersion,
		start: func(o Options) (*Fake, error) {
			opts := append(common(o, onezonetest.WithAddr, onezonetest.WithInMemory, onezonetest.WithTLS, onezonetest.WithTLSHTTP1),
				onezonetest.WithVersion(o.Version))
			srv, err := onezonetest.Listen(opts...)
			if err != nil {
				return nil, err
			}
			// An access token of the admin, as ONEZONE_API_KEY.
			_, tok := srv.IssueAccessToken(srv.AdminID(), "vendorstest")
			return &Fake{Fake: srv, Server: srv, Endpoint: srv.URL(),
				Env:    [][2]string{{onezone.EnvHost, srv.URL()}, {onezone.EnvAPIKey, tok}},
				client: func(opts ...cloudkeys.Option) cloudkeys.KeyManager { return srv.Client(opts...) },
				// Names are required and unique per owner.
				request: func(name string) cloudkeys.CreateKeyRequest {
					return cloudkeys.CreateKeyRequest{Name: name, Description: name}
				},
			}, nil
		},
	})
	register(&Vendor{
		Name: "zstack",
		start: func(o Options) (*Fake, error) {
			srv, err := zstacktest.Listen(common(o, zstacktest.WithAddr, zstacktest.WithInMemory, zstacktest.WithTLS, zstacktest.WithTLSHTTP1)...)
			if err != nil {
				return nil, err
			}
			return &Fake{Fake: srv, Server: srv, Endpoint: srv.URL(),
				Env: [][2]string{
					{zstack.EnvEndpoint, srv.URL()}, {zstack.EnvAccount, zstacktest.AdminAccountName},
					{zstack.EnvPassword, zstacktest.AdminPassword}, {zstack.EnvTimezone, srv.Location().String()},
				},
				client: func(opts ...cloudkeys.Option) cloudkeys.KeyManager { return srv.Client(opts...) },
				// AccessKeys have a description, no name; the admin account owns them.
				request: func(name string) cloudkeys.CreateKeyRequest {
					return cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID, Description: name}
				},
			}, nil
		},
	})
}
