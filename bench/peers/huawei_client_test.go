package peers

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/bench/internal/canned"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
)

// hwCredentials is how many credentials the NES fake holds: one page.
const hwCredentials = 100

// hwLimit is the limit cloudkeys asks the list for (huaweibcs.MaxLimit);
// Huawei's client is given the same, so both send the same question.
const hwLimit = 1000

// The list request and answer as Huawei's generated services write theirs
// (model structs plus a def.HttpRequestDef; the SDK has no NES service), as
// in compat/huawei_test.go.

type hwListRequest struct {
	Offset *int32 `json:"offset,omitempty"`
	Limit  *int32 `json:"limit,omitempty"`
}

type hwCredential struct {
	ID          string `json:"id"`
	Description string `json:"description"`
	CreateTime  string `json:"create_time"`
	UpdateTime  string `json:"update_time"`
}

type hwListResponse struct {
	Credentials    []hwCredential `json:"credentials"`
	Count          int            `json:"count"`
	HttpStatusCode int            `json:"-"`
}

var hwListDef = def.NewHttpRequestDefBuilder().WithMethod(http.MethodGet).
	WithPath("/v1/{project_id}/node-provider/credentials").
	WithResponse(new(hwListResponse)).WithContentType("application/json").
	WithRequestField(def.NewFieldDef().WithName("Offset").WithJsonTag("offset").WithLocationType(def.Query)).
	WithRequestField(def.NewFieldDef().WithName("Limit").WithJsonTag("limit").WithLocationType(def.Query)).
	Build()

// hcHttpClient is Huawei's HcHttpClient for srv, signing with AK/SK
// (basic.Credentials), with its default HTTP config — or, for the canned
// runs, that config with the tape as its RoundTripper.
func hcHttpClient(tb testing.TB, srv *huaweibcstest.Server, rt http.RoundTripper) *core.HcHttpClient {
	tb.Helper()
	creds, err := basic.NewCredentialsBuilder().WithAk(huaweibcstest.AccessKey).WithSk(huaweibcstest.SecretKey).
		WithProjectId(huaweibcstest.ProjectID).SafeBuild()
	require.NoError(tb, err)
	hc := config.DefaultHttpConfig()
	if rt != nil {
		hc = hc.WithHttpRoundTripper(rt)
	}
	c, err := core.NewHcHttpClientBuilder().WithEndpoints([]string{srv.URL()}).WithCredential(creds).
		WithHttpConfig(hc).SafeBuild()
	require.NoError(tb, err)
	return c
}

// hwList is Huawei's list of the first page, as cloudkeys asks it.
func hwList(c *core.HcHttpClient) (*hwListResponse, error) {
	off, lim := int32(0), int32(hwLimit)
	resp, err := c.Sync(&hwListRequest{Offset: &off, Limit: &lim}, hwListDef)
	if err != nil {
		return nil, err
	}
	return resp.(*hwListResponse), nil
}

func newHwFake(tb testing.TB) *huaweibcstest.Server {
	tb.Helper()
	srv := huaweibcstest.NewServer()
	tb.Cleanup(srv.Close)
	srv.SeedCredentials(hwCredentials)
	return srv
}

// hwCanned records cloudkeys' ListKeys against a fake of its own with a
// frozen clock, closes the fake and returns it (for its URL), the tape and
// the fixed time.
func hwCanned(tb testing.TB) (*huaweibcstest.Server, *canned.Tape, time.Time) {
	tb.Helper()
	srv := newHwFake(tb)
	now := time.Now().UTC().Truncate(time.Second)
	srv.Clock().Set(now)
	next := &http.Transport{}
	defer next.CloseIdleConnections()
	rec := &canned.Recorder{Next: next}
	keys, err := cloudkeys.Collect(srv.Client(cannedOptions(rec, now)...).ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
	if err != nil || len(keys) != hwCredentials {
		tb.Fatalf("recording ListKeys: %d keys, %v", len(keys), err)
	}
	srv.Close()
	return srv, rec.Tape(), now
}

// TestHcHttpClientReadsWhatCloudkeysReads: against the fake and from the
// canned answers, Huawei's HcHttpClient and cloudkeys' ListKeys read the
// same hwCredentials credentials (id, description, times), in the same
// order; on the live fake the answer each gets is the same, byte for byte.
func TestHcHttpClientReadsWhatCloudkeysReads(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, c *core.HcHttpClient, km cloudkeys.KeyManager) {
		t.Helper()
		r, err := hwList(c)
		require.NoError(t, err)
		keys, err := cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, r.HttpStatusCode)
		require.Equal(t, hwCredentials, r.Count)
		require.Len(t, r.Credentials, hwCredentials)
		require.Len(t, keys, hwCredentials)
		for i, cr := range r.Credentials {
			k := keys[i]
			require.Equal(t, cr.ID, k.ID, "credential %d", i)
			require.Equal(t, cr.Description, k.Description, "credential %d", i)
			created, err := time.Parse(time.RFC3339Nano, cr.CreateTime)
			require.NoError(t, err)
			updated, err := time.Parse(time.RFC3339Nano, cr.UpdateTime)
			require.NoError(t, err)
			require.True(t, created.Equal(k.CreatedAt), "credential %d: created %v vs %v", i, created, k.CreatedAt)
			require.True(t, updated.Equal(k.LastUsedAt), "credential %d: updated %v vs %v", i, updated, k.LastUsedAt)
		}
	}
	t.Run("loopback", func(t *testing.T) {
		srv := newHwFake(t)
		next := &http.Transport{}
		defer next.CloseIdleConnections()
		ckRec, hwRec := &canned.Recorder{Next: next}, &canned.Recorder{Next: next}
		check(t, hcHttpClient(t, srv, hwRec), srv.Client(cloudkeys.WithHTTPClient(&http.Client{Transport: ckRec})))
		ckTape := ckRec.Tape()
		exs := hwRec.Exchanges()
		require.Len(t, exs, 1)
		got := ckTape.Answers(exs[0].Key)
		require.NotEmpty(t, got, "cloudkeys never asked %s (it asked %v)", exs[0].Key, ckTape.Keys())
		require.Equal(t, string(got[0].Body), string(exs[0].Body))
		check(t, hcHttpClient(t, srv, nil), srv.Client())
	})
	t.Run("canned", func(t *testing.T) {
		srv, tape, now := hwCanned(t)
		check(t, hcHttpClient(t, srv, tape), srv.Client(cannedOptions(tape, now)...))
		require.NoError(t, tape.Intact())
	})
}

// BenchmarkPeerHuawei: huaweicloud-sdk-go-v3's HcHttpClient against
// cloudkeys' ListKeys, one list of hwCredentials credentials, over
// 127.0.0.1 against the NES fake (each client as its users build it) and
// served the same recorded answer from memory (canned).
func BenchmarkPeerHuawei(b *testing.B) {
	ctx := context.Background()
	srv := newHwFake(b)
	csrv, tape, now := hwCanned(b)
	for _, m := range []struct {
		mode string
		hc   *core.HcHttpClient
		km   cloudkeys.KeyManager
	}{
		{"loopback", hcHttpClient(b, srv, nil), srv.Client()},
		{"canned", hcHttpClient(b, csrv, tape), csrv.Client(cannedOptions(tape, now)...)},
	} {
		name := "list-" + strconv.Itoa(hwCredentials) + "/" + m.mode
		b.Run(name+"/huaweicloud-sdk-go-v3", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r, err := hwList(m.hc)
				if err != nil {
					b.Fatal(err)
				}
				if len(r.Credentials) != hwCredentials {
					b.Fatalf("%d credentials", len(r.Credentials))
				}
			}
		})
		b.Run(name+"/cloudkeys", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				keys, err := cloudkeys.Collect(m.km.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
				if err != nil {
					b.Fatal(err)
				}
				if len(keys) != hwCredentials {
					b.Fatalf("%d keys", len(keys))
				}
			}
		})
	}
}
