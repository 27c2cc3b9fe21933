package zstacktest_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/zstackwire"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

func do(t *testing.T, srv *zstacktest.Server, method, path string, h map[string]string, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The REST layer's own answers: plain text, exact statuses.
func TestRESTErrors(t *testing.T) {
	t.Parallel()
	cst := time.FixedZone("", 8*3600)
	srv := zstacktest.NewServer(zstacktest.WithLocation(cst))
	defer srv.Close()
	ak := srv.SeedAccessKey(zstacktest.AdminAccountUUID)
	s, err := srv.Client().LogIn(context.Background())
	require.NoError(t, err)
	oauth := "OAuth " + s.UUID.Reveal()
	now := srv.Now()
	signed := func(method, uri, date string) map[string]string {
		return map[string]string{"Date": date, "Authorization": "ZStack " + ak.AccessKeyID + ":" + zstackwire.Sign(ak.Secret.Reveal(), method, date, uri)}
	}
	good := zstackwire.FormatDate(now, cst)
	for _, tc := range []struct {
		name, method, path string
		h                  map[string]string
		body               string
		status             int
		want               string
	}{
		{"unknown path", "GET", "/zstack/v1/nothing", map[string]string{"Authorization": oauth}, "", 404, "no api mapping to /zstack/v1/nothing"},
		{"no context", "GET", "/v1/accesskeys", nil, "", 404, "no api mapping"},
		{"no auth", "GET", "/zstack/v1/accesskeys", nil, "", 400, "missing header 'Authorization'"},
		{"bad scheme", "GET", "/zstack/v1/accesskeys", map[string]string{"Authorization": "Bearer x"}, "", 400, "Authorization type must be 'OAuth'"},
		{"bad session", "GET", "/zstack/v1/accesskeys", map[string]string{"Authorization": "OAuth nope"}, "", 503, `"code":"ID.1001"`},
		{"wrong method", "PATCH", "/zstack/v1/accesskeys", map[string]string{"Authorization": oauth}, "", 405, ""},
		{"job by POST", "POST", "/zstack/v1/api-jobs/x", nil, "", 405, "only GET method is allowed for querying job status"},
		{"unknown job", "GET", "/zstack/v1/api-jobs/0123456789abcdef0123456789abcdef", nil, "", 404, "the job has been expired"},
		{"short job uuid", "POST", "/zstack/v1/accesskeys", map[string]string{"Authorization": oauth, "X-Job-UUID": "abc"}, `{"params":{}}`, 400, "Invalid X-Job-UUID"},
		{"unknown action", "PUT", "/zstack/v1/accesskeys/x/actions", map[string]string{"Authorization": oauth}, `{"flip":{}}`, 400, ""},
		{"no operator", "GET", "/zstack/v1/accesskeys?q=uuid", map[string]string{"Authorization": oauth}, "", 400, "no operator"},
		{"bad start", "GET", "/zstack/v1/accesskeys?start=x", map[string]string{"Authorization": oauth}, "", 400, "'start' must be an integer"},
		{"ak format", "GET", "/zstack/v1/accesskeys", map[string]string{"Authorization": "ZStack abc", "Date": good}, "", 400, "accessKey format is 'ZStack AccessKeyId:Signature'"},
		{"ak no date", "GET", "/zstack/v1/accesskeys", map[string]string{"Authorization": "ZStack a:b"}, "", 400, "'Date' must be incuded in request header"},
		{"ak +0800", "GET", "/zstack/v1/accesskeys", signed("GET", "/v1/accesskeys", now.In(cst).Format("Mon, 02 Jan 2006 15:04:05 -0700")), "", 400, "'Date' format error"},
		{"ak region id", "GET", "/zstack/v1/accesskeys", signed("GET", "/v1/accesskeys", now.In(cst).Format(zstackwire.DateLayout)+" Asia/Shanghai"), "", 200, `"inventories"`}, // JDK 17 reads region ids (date_test.go)
		{"ak GMT+8", "GET", "/zstack/v1/accesskeys", signed("GET", "/v1/accesskeys", now.In(cst).Format(zstackwire.DateLayout)+" GMT+8"), "", 400, "'Date' format error, correct format is 'EEE, dd MMM yyyy HH:mm:ss z'"},
		{"ak long name", "GET", "/zstack/v1/accesskeys", signed("GET", "/v1/accesskeys", now.In(cst).Format(zstackwire.DateLayout)+" China Standard Time"), "", 400, "'Date' format error"},
		{"ak wrong weekday", "GET", "/zstack/v1/accesskeys", signed("GET", "/v1/accesskeys", now.AddDate(0, 0, 1).In(cst).Format("Mon")+now.In(cst).Format(zstackwire.DateLayout)[3:]+" GMT+08:00"), "", 400, "'Date' format error"},
		{"ak skew", "GET", "/zstack/v1/accesskeys", signed("GET", "/v1/accesskeys", zstackwire.FormatDate(now.Add(16*time.Minute), cst)), "", 403, "requestTimeTooSkewed"},
		{"ak utc to cst server", "GET", "/zstack/v1/accesskeys", signed("GET", "/v1/accesskeys", zstackwire.FormatDate(now, time.UTC)), "", 403, "requestTimeTooSkewed"},
		{"ak signs /zstack", "GET", "/zstack/v1/accesskeys", signed("GET", "/zstack/v1/accesskeys", good), "", 403, "wrong accessKey signature"},
		{"ak signs query", "GET", "/zstack/v1/accesskeys?limit=1", signed("GET", "/v1/accesskeys?limit=1", good), "", 403, "wrong accessKey signature"},
		{"ak ok with query", "GET", "/zstack/v1/accesskeys?limit=1", signed("GET", "/v1/accesskeys", good), "", 200, `"inventories"`},
		{"ak label ignored", "GET", "/zstack/v1/accesskeys", signed("GET", "/v1/accesskeys", now.In(cst).Format(zstackwire.DateLayout)+" CST"), "", 200, `"inventories"`},
		{"ak lower case", "GET", "/zstack/v1/accesskeys", signed("GET", "/v1/accesskeys", strings.ToLower(good)), "", 200, `"inventories"`},
		{"ak within skew", "GET", "/zstack/v1/accesskeys", signed("GET", "/v1/accesskeys", zstackwire.FormatDate(now.Add(-14*time.Minute), cst)), "", 200, `"inventories"`},
		{"validate unknown", "GET", "/zstack/v1/accounts/sessions/nope/valid", nil, "", 200, `{"valid":false}`},
		{"bad login", "PUT", "/zstack/v1/accounts/login", nil, `{"logInByAccount":{"accountName":"admin","password":"password"}}`, 503, `"code":"ID.1000"`},
	} {
		status, body := do(t, srv, tc.method, tc.path, tc.h, tc.body)
		assert.Equal(t, tc.status, status, tc.name)
		assert.Contains(t, body, tc.want, tc.name)
	}
}

func TestJobsAndDuplicates(t *testing.T) {
	t.Parallel()
	srv := zstacktest.NewServer(zstacktest.WithPendingPolls(1), zstacktest.WithJobHost("10.0.0.5:8080"))
	defer srv.Close()
	s, err := srv.Client().LogIn(context.Background())
	require.NoError(t, err)
	h := map[string]string{"Authorization": "OAuth " + s.UUID.Reveal(), "X-Job-UUID": "0123456789abcdef0123456789abcdef"}
	body := `{"params":{"accountUuid":"` + zstacktest.AdminAccountUUID + `","userUuid":"` + zstacktest.AdminAccountUUID + `"}}`
	status, b := do(t, srv, "POST", "/zstack/v1/accesskeys", h, body)
	require.Equal(t, 202, status)
	assert.JSONEq(t, `{"location":"http://10.0.0.5:8080/zstack/v1/api-jobs/0123456789abcdef0123456789abcdef","apiTimeout":1800000}`, b)
	status, b = do(t, srv, "POST", "/zstack/v1/accesskeys", h, body)
	assert.Equal(t, 400, status)
	assert.Equal(t, "Duplicate job uuid[0123456789abcdef0123456789abcdef]", b)
	status, b = do(t, srv, "GET", "/zstack/v1/api-jobs/0123456789abcdef0123456789abcdef", nil, "")
	assert.Equal(t, 202, status)
	assert.Equal(t, "{}", b)
	status, b = do(t, srv, "GET", "/zstack/v1/api-jobs/0123456789abcdef0123456789abcdef", nil, "")
	assert.Equal(t, 200, status)
	assert.Contains(t, b, `"AccessKeySecret":"`)
	assert.Equal(t, 1, srv.KeyCount())
	srv.Clock().Advance(zstacktest.JobResultTTL + time.Second)
	status, b = do(t, srv, "GET", "/zstack/v1/api-jobs/0123456789abcdef0123456789abcdef", nil, "")
	assert.Equal(t, 404, status)
	assert.Equal(t, "the job has been expired", b)

	// Supplied pairs: both or neither, and the lengths (a fresh session:
	// the old one expired with the clock).
	s, err = srv.Client().LogIn(context.Background())
	require.NoError(t, err)
	h["Authorization"] = "OAuth " + s.UUID.Reveal()
	for _, p := range []string{`"AccessKeyID":"0123456789"`, `"AccessKeyID":"short","AccessKeySecret":"0123456789"`, `"AccessKeyID":"01234:6789","AccessKeySecret":"0123456789"`} {
		h["X-Job-UUID"] = fmt.Sprintf("%032x", rand.Uint64())
		status, _ := do(t, srv, "POST", "/zstack/v1/accesskeys", h, `{"params":{"accountUuid":"`+zstacktest.AdminAccountUUID+`",`+p+`}}`)
		require.Equal(t, 202, status)
		_, _ = do(t, srv, "GET", "/zstack/v1/api-jobs/"+h["X-Job-UUID"], nil, "")
		_, b := do(t, srv, "GET", "/zstack/v1/api-jobs/"+h["X-Job-UUID"], nil, "")
		assert.Contains(t, b, `"SYS.1007"`, p)
	}
}

func TestSeedingAndInspection(t *testing.T) {
	t.Parallel()
	srv := zstacktest.NewServer(zstacktest.WithInMemory())
	defer srv.Close()
	assert.Equal(t, "http://fake.invalid", srv.URL())
	acct := srv.CreateAccount("a", "pw")
	k := srv.SeedAccessKey(acct)
	assert.Len(t, k.AccessKeyID, 20)
	assert.Len(t, k.Secret.Reveal(), 40)
	assert.Equal(t, "Enabled", k.State)
	c := srv.AccessKeyClient(k.AccessKeyID, k.Secret.Reveal())
	got, err := c.GetKey(context.Background(), k.UUID)
	require.NoError(t, err)
	assert.Equal(t, acct, got.Owner)
	assert.Equal(t, 1, srv.KeyCount())
	assert.Len(t, srv.AccessKeys(), 1)
	assert.Equal(t, 0, srv.SessionCount())
	_, err = srv.Client().LogIn(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, srv.SessionCount())
	srv.SetPendingPolls(0)
	_, err = srv.Client().CreateKey(context.Background(), cloudkeys.CreateKeyRequest{Owner: acct})
	require.NoError(t, err)
	_, err = srv.Client().CreateKey(context.Background(), cloudkeys.CreateKeyRequest{Owner: acct})
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest, "at most 2 keys per non-admin account")
	assert.GreaterOrEqual(t, srv.JobCount(), 2)
}

func FuzzParseRequestDate(f *testing.F) {
	for _, s := range []string{"Thu, 06 Sep 2018 13:54:10 GMT+08:00", "Thu, 06 Sep 2018 13:54:10 PRC", "thu, 06 sep 2018 13:54:10 gmt", "Thu, 06 Sep 2018 13:54:10 +0800", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, err := zstacktest.ParseRequestDate(s); err == nil && got.Location() != time.UTC {
			t.Fatalf("%q: zone %v", s, got.Location())
		}
	})
}
