package zstack_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/zstack"
)

const mn = "http://mn:8080"

type seen struct {
	method, path, query, body string
	header                    http.Header
}

// recorder records requests and answers them from a script.
type recorder struct {
	mu   sync.Mutex
	reqs []seen
}

func (r *recorder) responder(status int, body string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		var b []byte
		if req.Body != nil {
			b, _ = io.ReadAll(req.Body)
		}
		r.mu.Lock()
		r.reqs = append(r.reqs, seen{req.Method, req.URL.Path, req.URL.RawQuery, string(b), req.Header.Clone()})
		r.mu.Unlock()
		return httpmock.NewStringResponse(status, body), nil
	}
}

func (r *recorder) all() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.reqs...)
}

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

func newMocked(t *testing.T, creds zstack.Credentials, opts ...cloudkeys.Option) (*zstack.Client, *httpmock.MockTransport) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	c, err := zstack.New(mn, creds, append([]cloudkeys.Option{fast(), cloudkeys.WithHTTPClient(&http.Client{Transport: mock})}, opts...)...)
	require.NoError(t, err)
	return c, mock
}

const invJSON = `{"inventory":{"uuid":"ae353717ca7b4182bb87fb5d010235e8","accountUuid":"dff4","userUuid":"dff4","AccessKeyID":"N3Tf05yXZUmSjCf6mYIB","AccessKeySecret":"XAlrsYvswmnEV3X1KWNs1WfZHD6aBIIphmI0rX9S","state":"Enabled","createDate":"Sep 6, 2018 1:50:06 PM","lastOpDate":"Sep 6, 2018 1:50:06 PM"}}`

func TestWireCreateAccessKey(t *testing.T) {
	t.Parallel()
	cst := time.FixedZone("", 8*3600)
	c, mock := newMocked(t, zstack.SessionID("0123456789abcdef0123456789abcdef"), zstack.WithServerLocation(cst))
	rec := &recorder{}
	// The location names the node's internal address: polled at mn:8080.
	mock.RegisterResponder(http.MethodPost, mn+"/zstack/v1/accesskeys",
		rec.responder(202, `{"location":"http://10.0.0.9:8080/zstack/v1/api-jobs/f00dfeedf00dfeedf00dfeedf00dfeed","apiTimeout":1800000}`))
	mock.RegisterResponder(http.MethodGet, mn+"/zstack/v1/api-jobs/f00dfeedf00dfeedf00dfeedf00dfeed",
		rec.responder(202, `{}`).Then(rec.responder(200, invJSON)))

	inv, err := c.CreateAccessKey(context.Background(), zstack.CreateAccessKeyRequest{AccountUUID: "dff4", Description: "ci"})
	require.NoError(t, err)
	assert.Equal(t, "ae353717ca7b4182bb87fb5d010235e8", inv.UUID)
	assert.Equal(t, "N3Tf05yXZUmSjCf6mYIB", inv.AccessKeyID)
	assert.Equal(t, "XAlrsYvswmnEV3X1KWNs1WfZHD6aBIIphmI0rX9S", inv.AccessKeySecret.Reveal())
	assert.Equal(t, zstack.AccessKeyEnabled, inv.State)
	assert.True(t, time.Date(2018, 9, 6, 13, 50, 6, 0, cst).Equal(inv.CreateDate))

	reqs := rec.all()
	require.Len(t, reqs, 3)
	assert.Equal(t, "POST", reqs[0].method)
	assert.Equal(t, "/zstack/v1/accesskeys", reqs[0].path)
	assert.Empty(t, reqs[0].query)
	assert.JSONEq(t, `{"params":{"accountUuid":"dff4","userUuid":"dff4","description":"ci"}}`, reqs[0].body)
	assert.Equal(t, `{"params":{"accountUuid":"dff4","userUuid":"dff4","description":"ci"}}`, reqs[0].body)
	assert.Equal(t, "OAuth 0123456789abcdef0123456789abcdef", reqs[0].header.Get("Authorization"))
	assert.Equal(t, "application/json;charset=UTF-8", reqs[0].header.Get("Content-Type"))
	assert.Regexp(t, hex32, reqs[0].header.Get("X-Job-UUID"))
	assert.True(t, strings.HasPrefix(reqs[0].header.Get("User-Agent"), "cloudkeys-go/"))
	for _, r := range reqs[1:] {
		assert.Equal(t, "GET", r.method)
		assert.Equal(t, "/zstack/v1/api-jobs/f00dfeedf00dfeedf00dfeedf00dfeed", r.path)
		assert.Empty(t, r.header.Get("Authorization"), "job polls are unsigned")
		assert.Empty(t, r.body)
	}
}

func TestWireCreateWithSuppliedPairAndTags(t *testing.T) {
	t.Parallel()
	c, mock := newMocked(t, zstack.SessionID("0123456789abcdef0123456789abcdef"))
	rec := &recorder{}
	mock.RegisterResponder(http.MethodPost, mn+"/zstack/v1/accesskeys", rec.responder(200, invJSON))
	_, err := c.CreateAccessKey(context.Background(), zstack.CreateAccessKeyRequest{
		AccountUUID: "a1", UserUUID: "u1", AccessKeyID: "ID34567890", AccessKeySecret: cloudkeys.NewSecret("SECRET7890"),
		ResourceUUID: "r1", TagUUIDs: []string{"t1"}, SystemTags: []string{"s"}, UserTags: []string{"u"},
	})
	require.NoError(t, err)
	assert.Equal(t, `{"params":{"accountUuid":"a1","userUuid":"u1","AccessKeyID":"ID34567890","AccessKeySecret":"SECRET7890","resourceUuid":"r1","tagUuids":["t1"]},"systemTags":["s"],"userTags":["u"]}`, rec.all()[0].body)
}

func TestWireDeleteChangeStateQuery(t *testing.T) {
	t.Parallel()
	v := zstack.AccessKey("N3Tf05yXZUmSjCf6mYIB", "XAlrsYvswmnEV3X1KWNs1WfZHD6aBIIphmI0rX9S")
	cst := time.FixedZone("", 8*3600)
	at := time.Date(2018, 9, 6, 13, 54, 10, 0, cst)
	c, mock := newMocked(t, v, zstack.WithServerLocation(cst), cloudkeys.WithClock(func() time.Time { return at }))
	rec := &recorder{}
	const uuid = "ae353717ca7b4182bb87fb5d010235e8"
	loc := `{"location":"http://mn:8080/zstack/v1/api-jobs/0000000000000000000000000000000a"}`
	mock.RegisterResponder(http.MethodDelete, "=~^"+mn+"/zstack/v1/accesskeys/"+uuid, rec.responder(202, loc))
	mock.RegisterResponder(http.MethodPut, mn+"/zstack/v1/accesskeys/"+uuid+"/actions", rec.responder(202, loc))
	mock.RegisterResponder(http.MethodGet, mn+"/zstack/v1/api-jobs/0000000000000000000000000000000a", rec.responder(200, invJSON))
	mock.RegisterResponder(http.MethodGet, "=~^"+mn+"/zstack/v1/accesskeys", rec.responder(200, `{"inventories":[],"total":0}`))
	ctx := context.Background()

	require.NoError(t, c.DeleteAccessKey(ctx, uuid, zstack.DeleteEnforcing))
	_, err := c.ChangeAccessKeyState(ctx, uuid, zstack.StateEventDisable)
	require.NoError(t, err)
	page, err := c.QueryAccessKeysPage(ctx, zstack.Query{
		Conditions: []zstack.Condition{zstack.Eq("accountUuid", "a b&q=x"), zstack.In("state", "Enabled", "Disabled"), zstack.IsNull("description")},
		Start:      10, Limit: 5, ReplyWithCount: true,
		Sort:   &zstack.SortBy{Field: "createDate", Descending: true},
		Fields: []string{"uuid", "AccessKeyID"},
	})
	require.NoError(t, err)
	assert.True(t, page.HasTotal)
	_, err = c.GetKey(ctx, uuid)
	require.ErrorIs(t, err, cloudkeys.ErrNotFound)

	reqs := rec.all()
	require.Len(t, reqs, 6)
	del := reqs[0]
	assert.Equal(t, "DELETE", del.method)
	assert.Equal(t, "/zstack/v1/accesskeys/"+uuid, del.path)
	assert.Equal(t, "deleteMode=Enforcing", del.query)
	assert.Empty(t, del.body)
	assert.Equal(t, "Thu, 06 Sep 2018 13:54:10 GMT+08:00", del.header.Get("Date"))
	assert.Equal(t, "ZStack N3Tf05yXZUmSjCf6mYIB:BDKNqG048HKOFuYp71Qm4qQKhS4=", del.header.Get("Authorization"))
	assert.Regexp(t, hex32, del.header.Get("X-Job-UUID"))

	put := reqs[2]
	assert.Equal(t, "PUT", put.method)
	assert.Equal(t, `{"changeAccessKeyState":{"stateEvent":"disable"}}`, put.body)
	assert.Equal(t, "ZStack N3Tf05yXZUmSjCf6mYIB:nXBTiJdHHhcCGzneEKrX5AYzARc=", put.header.Get("Authorization"))
	assert.NotEqual(t, del.header.Get("X-Job-UUID"), put.header.Get("X-Job-UUID"))

	q := reqs[4]
	assert.Equal(t, "GET", q.method)
	assert.Equal(t, "/zstack/v1/accesskeys", q.path)
	assert.Equal(t, "fields=uuid%2CAccessKeyID&limit=5&q=accountUuid%3Da+b%26q%3Dx&q=state%3F%3DEnabled%2CDisabled&q=description+is+null&replyWithCount=true&sort=-createDate&start=10", q.query)
	assert.Equal(t, "ZStack N3Tf05yXZUmSjCf6mYIB:A4s9FKbnZF1ehy8BmJtdpPMQZFc=", q.header.Get("Authorization"), "the query is not signed")
	assert.Empty(t, q.header.Get("X-Job-UUID"), "synchronous calls carry no job id")

	get := reqs[5]
	assert.Equal(t, "/zstack/v1/accesskeys/"+uuid, get.path)
	assert.Empty(t, get.query)
}

func TestWireSessions(t *testing.T) {
	t.Parallel()
	c, mock := newMocked(t, zstack.AccountLogin("admin", "password"))
	rec := &recorder{}
	sess := `{"inventory":{"uuid":"5e55105e55105e55105e55105e55105e","accountUuid":"36c2","userUuid":"36c2","expiredDate":"Sep 6, 2018 3:50:06 PM","createDate":"Sep 6, 2018 1:50:06 PM"}}`
	mock.RegisterResponder(http.MethodPut, mn+"/zstack/v1/accounts/login", rec.responder(200, sess))
	mock.RegisterResponder(http.MethodPut, mn+"/zstack/v1/accounts/users/login", rec.responder(200, sess))
	mock.RegisterResponder(http.MethodGet, mn+"/zstack/v1/accounts/sessions/5e55105e55105e55105e55105e55105e/valid", rec.responder(200, `{"valid":true}`))
	mock.RegisterResponder(http.MethodPut, mn+"/zstack/v1/accounts/sessions/5e55105e55105e55105e55105e55105e/renew", rec.responder(200, sess))
	mock.RegisterResponder(http.MethodDelete, mn+"/zstack/v1/accounts/sessions/5e55105e55105e55105e55105e55105e", rec.responder(200, `{}`))
	ctx := context.Background()

	s, err := c.LogIn(ctx)
	require.NoError(t, err)
	assert.Equal(t, "36c2", s.AccountUUID)
	valid, err := c.ValidateSession(ctx, "")
	require.NoError(t, err)
	assert.True(t, valid)
	_, err = c.RenewSession(ctx, "", time.Hour)
	require.NoError(t, err)
	require.NoError(t, c.LogOut(ctx, ""))
	_, err = c.LogInByUser(ctx, "acct", "bob", "pw")
	require.NoError(t, err)

	reqs := rec.all()
	require.Len(t, reqs, 5)
	assert.Equal(t, `{"logInByAccount":{"accountName":"admin","password":"b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb980b1d7785e5976ec049b46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86"}}`, reqs[0].body)
	assert.Empty(t, reqs[0].header.Get("Authorization"))
	assert.Empty(t, reqs[0].header.Get("X-Job-UUID"))
	assert.Equal(t, "GET", reqs[1].method)
	assert.Empty(t, reqs[1].header.Get("Authorization"))
	assert.Equal(t, `{"renewSession":{"duration":3600}}`, reqs[2].body)
	assert.Equal(t, "OAuth 5e55105e55105e55105e55105e55105e", reqs[2].header.Get("Authorization"))
	assert.Regexp(t, hex32, reqs[2].header.Get("X-Job-UUID"))
	assert.Equal(t, "DELETE", reqs[3].method)
	assert.Contains(t, reqs[4].body, `"logInByUser":{"accountName":"acct","password":"`)
	assert.Contains(t, reqs[4].body, `"userName":"bob"`)
}

// A duplicate job id answer (the first attempt arrived) makes the client
// poll that job rather than write again.
func TestWireDuplicateJobPollsFirstJob(t *testing.T) {
	t.Parallel()
	c, mock := newMocked(t, zstack.SessionID("0123456789abcdef0123456789abcdef"))
	rec := &recorder{}
	var jobID string
	mock.RegisterResponder(http.MethodPost, mn+"/zstack/v1/accesskeys", func(req *http.Request) (*http.Response, error) {
		jobID = req.Header.Get("X-Job-UUID")
		mock.RegisterResponder(http.MethodGet, mn+"/zstack/v1/api-jobs/"+jobID, rec.responder(200, invJSON))
		return httpmock.NewStringResponse(400, "Duplicate job uuid["+jobID+"]"), nil
	})
	inv, err := c.CreateAccessKey(context.Background(), zstack.CreateAccessKeyRequest{AccountUUID: "dff4"})
	require.NoError(t, err)
	assert.Equal(t, "ae353717ca7b4182bb87fb5d010235e8", inv.UUID)
	require.Len(t, rec.all(), 1)
	assert.Equal(t, "/zstack/v1/api-jobs/"+jobID, rec.all()[0].path)
	assert.Equal(t, 1, mock.GetCallCountInfo()["POST "+mn+"/zstack/v1/accesskeys"])
}

func TestEndpointForms(t *testing.T) {
	t.Parallel()
	for _, ep := range []string{"http://mn:8080", "http://mn:8080/", "http://mn:8080/zstack", "http://mn:8080/zstack/", "http://mn:8080/zstack/v1"} {
		mock := httpmock.NewMockTransport()
		c2, err := zstack.New(ep, zstack.SessionID("0123456789abcdef0123456789abcdef"), fast(), cloudkeys.WithHTTPClient(&http.Client{Transport: mock}))
		require.NoError(t, err)
		mock.RegisterResponder(http.MethodGet, mn+"/zstack/v1/accesskeys/abc", httpmock.NewStringResponder(200, `{"inventories":[{"uuid":"abc"}]}`))
		k, err := c2.GetKey(context.Background(), "abc")
		require.NoError(t, err, ep)
		assert.Equal(t, "abc", k.ID)
	}
}

// Behind a proxy prefix that itself contains "/v1/", the signature still
// covers only the path from the server's /v1 on.
func TestWireSignatureBehindPrefix(t *testing.T) {
	t.Parallel()
	cst := time.FixedZone("", 8*3600)
	at := time.Date(2018, 9, 6, 13, 54, 10, 0, cst)
	mock := httpmock.NewMockTransport()
	c, err := zstack.New("http://gw:80/api/v1/mn", zstack.AccessKey("N3Tf05yXZUmSjCf6mYIB", "XAlrsYvswmnEV3X1KWNs1WfZHD6aBIIphmI0rX9S"), fast(),
		cloudkeys.WithHTTPClient(&http.Client{Transport: mock}), zstack.WithServerLocation(cst), cloudkeys.WithClock(func() time.Time { return at }))
	require.NoError(t, err)
	rec := &recorder{}
	mock.RegisterResponder(http.MethodGet, "=~^http://gw:80/api/v1/mn/zstack/v1/accesskeys", rec.responder(200, `{"inventories":[]}`))
	_, err = zstackCollect(c)
	require.NoError(t, err)
	require.Len(t, rec.all(), 1)
	assert.Equal(t, "ZStack N3Tf05yXZUmSjCf6mYIB:A4s9FKbnZF1ehy8BmJtdpPMQZFc=", rec.all()[0].header.Get("Authorization"))
}

// TestWireEmptyReadAnswerIsAnError: an empty 200 to a query (a proxy's
// answer) is an error, not an empty list of keys.
func TestWireEmptyReadAnswerIsAnError(t *testing.T) {
	t.Parallel()
	c, mock := newMocked(t, zstack.AccessKey("N3Tf05yXZUmSjCf6mYIB", "XAlrsYvswmnEV3X1KWNs1WfZHD6aBIIphmI0rX9S"))
	rec := &recorder{}
	mock.RegisterResponder(http.MethodGet, "=~^"+mn+"/zstack/v1/accesskeys", rec.responder(200, ""))
	keys, err := cloudkeys.Collect(c.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
	require.ErrorIs(t, err, cloudkeys.ErrServer)
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusOK, ae.StatusCode)
	assert.Empty(t, keys)
	assert.Len(t, rec.all(), 1, "not retried")
}
