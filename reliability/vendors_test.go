package reliability

import (
	"bytes"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
	"github.com/cloudkeys/cloudkeys/e24"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
	"github.com/cloudkeys/cloudkeys/zstack"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

// fake is the fault injection, clock and request log every
// <vendor>test.Server shares.
type fake = cloudkeystest.Fake

// rig is one vendor's fake with everything a scenario needs, so that each
// scenario is written once and run for all five vendors.
type rig struct {
	vendor string
	srv    fake
	// client returns the fake's own client (the seeded admin), opts last.
	client func(opts ...cloudkeys.Option) cloudkeys.KeyManager
	// at returns a client with the same credentials for another base URL
	// (what the fake's URL() would be), opts last.
	at func(base string, opts ...cloudkeys.Option) (cloudkeys.KeyManager, error)
	// wrong returns a client with a wrong secret or password.
	wrong func(opts ...cloudkeys.Option) cloudkeys.KeyManager
	// session returns a client whose credentials are a session or token
	// that expire() ends and the client renews; logins counts the logins
	// the fake served. nil where the credentials never expire.
	session func(opts ...cloudkeys.Option) cloudkeys.KeyManager
	expire  func()
	logins  func() int
	// keys counts the keys on the server.
	keys func() int
	// req returns a CreateKeyRequest that works; i makes names unique.
	req func(i int) cloudkeys.CreateKeyRequest
	// isCreate and isDelete match the single request that creates or
	// deletes a key (for commit-then-drop).
	isCreate, isDelete func(*http.Request) bool
	// secrets are the fixed secrets of this rig (passwords, seeded
	// secrets, wrong secrets, password hashes).
	secrets []string
}

type vendorCase struct {
	name string
	// start starts the vendor's fake: in memory (no socket; in a synctest
	// bubble) or on 127.0.0.1, over plain HTTP/1.1 or over TLS with HTTP/2
	// (in memory: real TLS and HTTP/2 over net.Pipe).
	start func(inMemory, tls bool) *rig
	// stalled starts a fake whose key creates run as jobs that never
	// finish (the client polls until cancelled); nil where creates are not
	// polled jobs.
	stalled func(inMemory, tls bool) *rig
}

// vendors is the adapter table: every suite in this package ranges over it.
var vendors = []vendorCase{
	{"cloudstack", func(m, tls bool) *rig { return startCloudStack(m, tls) }, func(m, tls bool) *rig {
		return startCloudStack(m, tls, cloudstacktest.WithPendingPolls(1<<30))
	}},
	{"zstack", startZStack, func(m, tls bool) *rig {
		r := startZStack(m, tls)
		r.srv.(*zstacktest.Server).SetPendingPolls(1 << 30)
		return r
	}},
	{"e24", startE24, nil},
	{"huaweibcs", startHuawei, nil},
	{"onezone", startOnezone, nil},
}

func sha512Hex(s string) string {
	h := sha512.Sum512([]byte(s))
	return hex.EncodeToString(h[:])
}

// where returns the fake's options for where it runs: in memory and/or
// over TLS with HTTP/2.
func where[T any](inMemory, tls bool, memOpt, tlsOpt T) []T {
	var out []T
	if inMemory {
		out = append(out, memOpt)
	}
	if tls {
		out = append(out, tlsOpt)
	}
	return out
}

// param reads a request parameter from the query or a form body, leaving
// the body readable for the handler.
func param(r *http.Request, name string) string {
	if v := r.URL.Query().Get(name); v != "" {
		return v
	}
	if r.Body == nil {
		return ""
	}
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	q, _ := url.ParseQuery(string(b))
	return q.Get(name)
}

// startCloudStack starts a CloudStack fake that enforces
// enforce.post.requests.and.timestamps (signatureversion 3 with expires,
// POST for state-changing commands): the suites hold the client to a
// hardened server. TestCloudStackStockServer runs against a stock one.
func startCloudStack(inMemory, tls bool, extra ...cloudstacktest.Option) *rig {
	return startCloudStackMode(true, inMemory, tls, extra...)
}

// startCloudStackMode is startCloudStack, enforcing or stock.
func startCloudStackMode(enforce, inMemory, tls bool, extra ...cloudstacktest.Option) *rig {
	opts := append(where(inMemory, tls, cloudstacktest.WithInMemory(), cloudstacktest.WithTLS()), cloudstacktest.WithVersion("4.23.0.0"))
	if enforce {
		opts = append(opts, cloudstacktest.WithEnforcement())
	}
	srv := cloudstacktest.NewServer(append(opts, extra...)...)
	admin := srv.AdminID()
	logins := func() int {
		n := 0
		for _, r := range srv.Requests() {
			if strings.EqualFold(r.Method, http.MethodPost) && strings.Contains(string(r.Body), "command=login") ||
				strings.Contains(r.RawQuery, "command=login") {
				n++
			}
		}
		return n
	}
	const wrongSecret = "WrongCloudStackSecretKey0123456789"
	const sessionPassword = "CloudStack-Reliability-Pass-42"
	return &rig{
		vendor: "cloudstack",
		srv:    srv,
		client: func(opts ...cloudkeys.Option) cloudkeys.KeyManager { return srv.Client(opts...) },
		at: func(base string, opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
			return cloudstack.New(base+cloudstacktest.APIPath, cloudstack.APIKey(srv.AdminAPIKey(), srv.AdminSecretKey().Reveal()), opts...)
		},
		wrong: func(opts ...cloudkeys.Option) cloudkeys.KeyManager {
			c, err := srv.ClientWith(cloudstack.APIKey(srv.AdminAPIKey(), wrongSecret), opts...)
			if err != nil {
				panic(err)
			}
			return c
		},
		session: func(opts ...cloudkeys.Option) cloudkeys.KeyManager {
			// A root admin with a strong password: the seeded "password"
			// is an ordinary word that error texts may contain.
			u := srv.AddUser(cloudstacktest.UserSpec{Username: "reladmin", Password: sessionPassword, AccountType: cloudstacktest.AccountTypeAdmin})
			c, err := srv.ClientWith(cloudstack.Login(u.Username, sessionPassword, "/"), opts...)
			if err != nil {
				panic(err)
			}
			return c
		},
		expire: srv.ExpireSessions,
		logins: logins,
		keys:   func() int { return len(srv.UserKeys(admin)) },
		req: func(i int) cloudkeys.CreateKeyRequest {
			return cloudkeys.CreateKeyRequest{Owner: admin, Name: fmt.Sprintf("rel-%d", i), Description: "reliability"}
		},
		isCreate: func(r *http.Request) bool { return param(r, "command") == "registerUserKeys" },
		isDelete: func(r *http.Request) bool { return param(r, "command") == "deleteUserKeys" },
		secrets:  []string{srv.AdminSecretKey().Reveal(), wrongSecret, sessionPassword},
	}
}

func startZStack(inMemory, tls bool) *rig {
	srv := zstacktest.NewServer(where(inMemory, tls, zstacktest.WithInMemory(), zstacktest.WithTLS())...)
	const wrongPassword = "WrongZStackPassword-42"
	newClient := func(creds zstack.Credentials, opts []cloudkeys.Option) *zstack.Client {
		all := srv.ClientOptions(append([]cloudkeys.Option{zstack.WithServerLocation(srv.Location())}, opts...)...)
		c, err := zstack.New(srv.URL(), creds, all...)
		if err != nil {
			panic(err)
		}
		return c
	}
	return &rig{
		vendor: "zstack",
		srv:    srv,
		client: func(opts ...cloudkeys.Option) cloudkeys.KeyManager { return srv.Client(opts...) },
		at: func(base string, opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
			return zstack.New(base, zstack.AccountLogin(zstacktest.AdminAccountName, zstacktest.AdminPassword), opts...)
		},
		wrong: func(opts ...cloudkeys.Option) cloudkeys.KeyManager {
			return newClient(zstack.AccountLogin(zstacktest.AdminAccountName, wrongPassword), opts)
		},
		session: func(opts ...cloudkeys.Option) cloudkeys.KeyManager { return srv.Client(opts...) },
		expire:  srv.ExpireSessions,
		logins: func() int {
			n := 0
			for _, r := range srv.Requests() {
				if r.Method == http.MethodPut && strings.HasSuffix(r.Path, "/login") {
					n++
				}
			}
			return n
		},
		keys: srv.KeyCount,
		req: func(i int) cloudkeys.CreateKeyRequest {
			return cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID, Description: fmt.Sprintf("reliability %d", i)}
		},
		isCreate: func(r *http.Request) bool {
			return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/v1/accesskeys")
		},
		isDelete: func(r *http.Request) bool {
			return r.Method == http.MethodDelete && strings.Contains(r.URL.Path, "/v1/accesskeys/")
		},
		secrets: []string{sha512Hex(zstacktest.AdminPassword), wrongPassword, sha512Hex(wrongPassword)},
	}
}

func startE24(inMemory, tls bool) *rig {
	srv := e24test.NewServer(append(where(inMemory, tls, e24test.WithInMemory(), e24test.WithTLS()),
		e24test.WithAdminKey("E24RELIABILITYKEY0001", "e24-reliability-secret-0123456789abcdef"))...)
	const wrongSecret = "e24-wrong-secret-0123456789abcdef"
	key, sec := srv.AdminKey()
	return &rig{
		vendor: "e24",
		srv:    srv,
		client: func(opts ...cloudkeys.Option) cloudkeys.KeyManager { return srv.Client(opts...) },
		at: func(base string, opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
			return e24.New(base, e24.APIKey(key, sec.Reveal()), opts...)
		},
		wrong: func(opts ...cloudkeys.Option) cloudkeys.KeyManager {
			return srv.ClientFor(key, cloudkeys.NewSecret(wrongSecret), opts...)
		},
		keys:     func() int { return len(srv.APIKeys()) },
		req:      func(int) cloudkeys.CreateKeyRequest { return cloudkeys.CreateKeyRequest{} },
		isCreate: func(r *http.Request) bool { return r.Method == http.MethodPut && r.URL.Path == "/v2/account/api" },
		isDelete: func(r *http.Request) bool { return r.Method == http.MethodDelete && r.URL.Path == "/v2/account/api" },
		secrets:  []string{sec.Reveal(), wrongSecret},
	}
}

func startHuawei(inMemory, tls bool) *rig {
	srv := huaweibcstest.NewServer(where(inMemory, tls, huaweibcstest.WithInMemory(), huaweibcstest.WithTLS())...)
	const wrongSK = "WrongHuaweiSecretKey0123456789abcdefghij"
	return &rig{
		vendor: "huaweibcs",
		srv:    srv,
		client: func(opts ...cloudkeys.Option) cloudkeys.KeyManager { return srv.Client(opts...) },
		at: func(base string, opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
			return huaweibcs.New(base, huaweibcstest.ProjectID, huaweibcs.AKSK(huaweibcstest.AccessKey, huaweibcstest.SecretKey), opts...)
		},
		wrong: func(opts ...cloudkeys.Option) cloudkeys.KeyManager {
			all := srv.ClientOptions(append([]cloudkeys.Option{cloudkeys.WithClock(srv.Now)}, opts...)...)
			c, err := huaweibcs.New(srv.URL(), huaweibcstest.ProjectID, huaweibcs.AKSK(huaweibcstest.AccessKey, wrongSK), all...)
			if err != nil {
				panic(err)
			}
			return c
		},
		session: func(opts ...cloudkeys.Option) cloudkeys.KeyManager { return srv.PasswordClient(opts...) },
		expire:  srv.RevokeTokens,
		logins:  srv.Logins,
		keys:    srv.CredentialCount,
		req: func(i int) cloudkeys.CreateKeyRequest {
			return cloudkeys.CreateKeyRequest{Description: fmt.Sprintf("reliability %d", i)}
		},
		isCreate: func(r *http.Request) bool {
			return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/credentials")
		},
		isDelete: func(r *http.Request) bool {
			return r.Method == http.MethodDelete && strings.Contains(r.URL.Path, "/credentials/")
		},
		secrets: []string{huaweibcstest.SecretKey, huaweibcstest.Password, wrongSK},
	}
}

func startOnezone(inMemory, tls bool) *rig {
	srv := onezonetest.NewServer(where(inMemory, tls, onezonetest.WithInMemory(), onezonetest.WithTLS())...)
	const wrongPassword = "WrongOnezonePassword-42"
	return &rig{
		vendor: "onezone",
		srv:    srv,
		client: func(opts ...cloudkeys.Option) cloudkeys.KeyManager { return srv.Client(opts...) },
		at: func(base string, opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
			return onezone.New(base, onezone.Basic(onezonetest.AdminUsername, srv.AdminPassword()), opts...)
		},
		wrong: func(opts ...cloudkeys.Option) cloudkeys.KeyManager {
			return srv.ClientWith(onezone.Basic(onezonetest.AdminUsername, wrongPassword), opts...)
		},
		keys: func() int { return len(srv.NamedTokens()) },
		req: func(i int) cloudkeys.CreateKeyRequest {
			return cloudkeys.CreateKeyRequest{Name: fmt.Sprintf("rel-%d", i), Description: "reliability"}
		},
		isCreate: func(r *http.Request) bool {
			return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/tokens/named")
		},
		isDelete: func(r *http.Request) bool {
			return r.Method == http.MethodDelete && strings.Contains(r.URL.Path, "/tokens/named/")
		},
		secrets: []string{srv.AdminPassword(), wrongPassword},
	}
}
