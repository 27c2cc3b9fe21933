package bench

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

// vendors in report order.
var vendors = []string{"cloudstack", "zstack", "e24", "huaweibcs", "onezone"}

// pageKeys is how many keys the overhead benchmarks seed: one realistic
// ListKeys page (CloudStack and ZStack answer it in one request, Huawei's
// page is capped at 100). e24cloud returns every key of the account in one
// answer, and Onezone lists ids then GETs each, so they get fewer.
var pageKeys = map[string]int{"cloudstack": 100, "zstack": 100, "e24": 10, "huaweibcs": 100, "onezone": 8}

// target is one vendor's fake on 127.0.0.1 with an SDK client factory, a
// lean baseline and the id GetKey asks for.
type target struct {
	name  string
	fake  cloudkeystest.Fake
	sdk   func(opts ...cloudkeys.Option) cloudkeys.KeyManager
	lean  func(rt http.RoundTripper) lean // the baseline, sending through rt
	getID string
	close func()
}

// newTarget starts vendor's fake seeded with n keys the client can see.
func newTarget(tb testing.TB, vendor string, n int) *target {
	tb.Helper()
	var t *target
	switch vendor {
	case "cloudstack":
		t = newCloudStack(n)
	case "zstack":
		t = newZStack(n)
	case "e24":
		t = newE24(n)
	case "huaweibcs":
		t = newHuawei(n)
	case "onezone":
		t = newOnezone(n)
	default:
		tb.Fatalf("unknown vendor %q", vendor)
	}
	tb.Cleanup(t.close)
	return t
}

func newCloudStack(n int) *target {
	srv := cloudstacktest.NewServer()
	var getID string
	// The admin holds a key already; add n-1 users with one key each.
	for i := 1; i < n; i++ {
		u := srv.AddUser(cloudstacktest.UserSpec{Username: "bench" + strconv.Itoa(i)})
		kp, _ := srv.GenerateKeys(u.ID)
		if i == n/2 {
			getID = kp.APIKey
		}
	}
	if getID == "" {
		getID = srv.AdminAPIKey()
	}
	return &target{
		name: "cloudstack", fake: srv, getID: getID, close: srv.Close,
		sdk: func(opts ...cloudkeys.Option) cloudkeys.KeyManager { return srv.Client(opts...) },
		lean: func(rt http.RoundTripper) lean {
			return &leanCloudStack{hc: &http.Client{Transport: rt}, endpoint: srv.APIURL(), apiKey: srv.AdminAPIKey(),
				secret: srv.AdminSecretKey().Reveal(), now: srv.Now}
		},
	}
}

func newZStack(n int) *target {
	srv := zstacktest.NewServer()
	own := srv.SeedAccessKey(zstacktest.AdminAccountUUID)
	getID := own.UUID
	for i := 1; i < n; i++ {
		k := srv.SeedAccessKey(zstacktest.AdminAccountUUID)
		if i == n/2 {
			getID = k.UUID
		}
	}
	return &target{
		name: "zstack", fake: srv, getID: getID, close: srv.Close,
		sdk: func(opts ...cloudkeys.Option) cloudkeys.KeyManager {
			return srv.AccessKeyClient(own.AccessKeyID, own.Secret.Reveal(), opts...)
		},
		lean: func(rt http.RoundTripper) lean {
			return &leanZStack{hc: &http.Client{Transport: rt}, base: srv.URL() + "/zstack/v1", id: own.AccessKeyID,
				secret: own.Secret.Reveal(), loc: srv.Location(), now: srv.Now}
		},
	}
}

func newE24(n int) *target {
	srv := e24test.NewServer()
	key, sec := srv.AdminKey()
	getID := key
	for i := 1; i < n; i++ {
		k, _ := srv.AddAPIKey()
		if i == n/2 {
			getID = k
		}
	}
	u, _ := url.Parse(srv.URL())
	host, _, _ := net.SplitHostPort(u.Host)
	return &target{
		name: "e24", fake: srv, getID: getID, close: srv.Close,
		sdk: func(opts ...cloudkeys.Option) cloudkeys.KeyManager { return srv.Client(opts...) },
		lean: func(rt http.RoundTripper) lean {
			return &leanE24{hc: &http.Client{Transport: rt}, base: srv.URL(), host: host, key: key, secret: sec.Reveal(), now: srv.Now}
		},
	}
}

func newHuawei(n int) *target {
	srv := huaweibcstest.NewServer()
	srv.SeedCredentials(n)
	creds := srv.Credentials()
	getID := creds[len(creds)/2].ID
	base, _ := url.Parse(srv.URL() + "/v1/" + huaweibcstest.ProjectID + "/node-provider/credentials")
	return &target{
		name: "huaweibcs", fake: srv, getID: getID, close: srv.Close,
		sdk: func(opts ...cloudkeys.Option) cloudkeys.KeyManager { return srv.Client(opts...) },
		lean: func(rt http.RoundTripper) lean {
			return &leanHuawei{hc: &http.Client{Transport: rt}, base: base, project: huaweibcstest.ProjectID,
				ak: huaweibcstest.AccessKey, sk: huaweibcstest.SecretKey, now: srv.Now}
		},
	}
}

func newOnezone(n int) *target {
	srv := onezonetest.NewServer()
	var getID, token string
	for i := range n {
		id, tok := srv.IssueAccessToken(srv.AdminID(), "bench-"+strconv.Itoa(i))
		if i == 0 {
			token = tok
		}
		if i == n/2 {
			getID = id
		}
	}
	if token == "" {
		getID, token = srv.IssueAccessToken(srv.AdminID(), "bench")
	}
	return &target{
		name: "onezone", fake: srv, getID: getID, close: srv.Close,
		sdk: func(opts ...cloudkeys.Option) cloudkeys.KeyManager {
			return srv.ClientWith(onezone.Token(token), opts...)
		},
		lean: func(rt http.RoundTripper) lean {
			return &leanOnezone{hc: &http.Client{Transport: rt}, base: srv.URL() + "/api/v3/onezone", token: token}
		},
	}
}

// warm makes one GetKey so one-time work (CloudStack's version probe, the
// first connection) is out of the measurement.
func warm(tb testing.TB, km cloudkeys.KeyManager, id string) {
	tb.Helper()
	if _, err := km.GetKey(context.Background(), id); err != nil {
		tb.Fatalf("warm-up GetKey: %v", err)
	}
}

// listAll drains an SDK ListKeys and returns how many keys it yielded.
func listAll(ctx context.Context, km cloudkeys.KeyManager) (int, error) {
	n := 0
	for _, err := range km.ListKeys(ctx, cloudkeys.ListKeysOptions{}) {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
