package zstack_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/zstack"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

func TestReadsRetriedOnTransientFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := zstacktest.NewServer()
	defer srv.Close()
	c := srv.Client(fast())
	k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID})
	require.NoError(t, err)

	for _, status := range []int{http.StatusServiceUnavailable, http.StatusTooManyRequests, http.StatusBadGateway} {
		srv.FailNext(2, status)
		got, err := c.GetKey(ctx, k.ID)
		require.NoError(t, err, status)
		assert.Equal(t, k.ID, got.ID)
	}
	srv.DropNext(1)
	_, err = c.GetKey(ctx, k.ID)
	require.NoError(t, err)

	// Three SYS.1012 answers exhaust the policy.
	srv.FailNext(3, http.StatusServiceUnavailable)
	_, err = c.GetKey(ctx, k.ID)
	require.ErrorIs(t, err, cloudkeys.ErrServer)
	assert.Equal(t, "SYS.1012", errCode(err))

	// A write's SYS.1012 is retried with the same job id: still one key.
	srv.FailNext(1, http.StatusServiceUnavailable)
	_, err = c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID})
	require.NoError(t, err)
	assert.Equal(t, 2, srv.KeyCount())
}

func TestPlainTextErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := zstacktest.NewServer()
	defer srv.Close()
	c := srv.Client(fast())
	for _, tc := range []struct {
		status int
		body   string
		kind   error
	}{
		{http.StatusBadRequest, "missing header 'Authorization'", cloudkeys.ErrInvalidRequest},
		{http.StatusNotFound, "no api mapping to /zstack/v1/x", cloudkeys.ErrNotFound},
		{http.StatusMethodNotAllowed, "method not allowed", nil},
		{http.StatusTooManyRequests, "Rate limit exceeded", cloudkeys.ErrRateLimited},
		{http.StatusInternalServerError, "<html><body>Internal error</body></html>", cloudkeys.ErrServer},
	} {
		srv.FailNextWith(3, zstacktest.Fault{Status: tc.status, Body: []byte(tc.body)})
		_, err := c.GetKey(ctx, "0123456789abcdef0123456789abcdef")
		srv.ClearFaults()
		require.Error(t, err)
		var ae *cloudkeys.APIError
		require.ErrorAs(t, err, &ae, tc.status)
		assert.Equal(t, tc.status, ae.StatusCode)
		assert.Empty(t, ae.Code)
		assert.NotContains(t, ae.Message, "<html>")
		if tc.kind != nil {
			assert.ErrorIs(t, err, tc.kind, tc.status)
		}
	}
}

func TestErrorCodeMapping(t *testing.T) {
	t.Parallel()
	for code, kind := range map[string]error{
		"ID.1000": cloudkeys.ErrUnauthorized, "ID.1001": cloudkeys.ErrUnauthorized,
		"ID.1002": cloudkeys.ErrForbidden, "SYS.1003": cloudkeys.ErrNotFound,
		"SYS.1007": cloudkeys.ErrInvalidRequest, "SYS.1000": cloudkeys.ErrServer,
	} {
		mock := httpmock.NewMockTransport()
		mock.RegisterResponder(http.MethodGet, "http://mn:8080/zstack/v1/accesskeys",
			httpmock.NewStringResponder(503, `{"error":{"code":"`+code+`","description":"d","details":"x"}}`))
		c, err := zstack.New("http://mn:8080", zstack.SessionID("sess-0123456789"), fast(),
			cloudkeys.WithHTTPClient(&http.Client{Transport: mock}))
		require.NoError(t, err)
		_, err = zstackCollect(c)
		require.ErrorIs(t, err, kind, code)
		assert.Equal(t, code, errCode(err))
		assert.Equal(t, 1, mock.GetTotalCallCount(), "%s is final, never retried", code)
	}
}

func zstackCollect(c *zstack.Client) ([]*cloudkeys.Key, error) {
	return cloudkeys.Collect(c.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
}

func TestInvalidInputBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	mock := httpmock.NewMockTransport()
	c, err := zstack.New("http://mn:8080", zstack.SessionID("sess-0123456789"), fast(), cloudkeys.WithHTTPClient(&http.Client{Transport: mock}))
	require.NoError(t, err)
	ctx := context.Background()
	for name, f := range map[string]func() error{
		"no account": func() error { _, err := c.CreateAccessKey(ctx, zstack.CreateAccessKeyRequest{}); return err },
		"half pair": func() error {
			_, err := c.CreateAccessKey(ctx, zstack.CreateAccessKeyRequest{AccountUUID: "a", AccessKeyID: "0123456789"})
			return err
		},
		"short id": func() error {
			_, err := c.CreateAccessKey(ctx, zstack.CreateAccessKeyRequest{AccountUUID: "a", AccessKeyID: "x", AccessKeySecret: cloudkeys.NewSecret("0123456789")})
			return err
		},
		"bad uuid":   func() error { return c.DeleteKey(ctx, "../x") },
		"empty uuid": func() error { _, err := c.GetKey(ctx, ""); return err },
		"bad mode":   func() error { return c.DeleteAccessKey(ctx, "abc", "Soft") },
		"bad event":  func() error { _, err := c.ChangeAccessKeyState(ctx, "abc", "toggle"); return err },
		"bad cond": func() error {
			_, err := c.QueryAccessKeysPage(ctx, zstack.Query{Conditions: []zstack.Condition{zstack.Eq("a b", "x")}})
			return err
		},
		"zero cond": func() error {
			_, err := c.QueryAccessKeysPage(ctx, zstack.Query{Conditions: []zstack.Condition{{}}})
			return err
		},
		"neg start":    func() error { _, err := c.QueryAccessKeysPage(ctx, zstack.Query{Start: -1}); return err },
		"bad job":      func() error { return c.WaitJob(ctx, "../../x", nil) },
		"short renew":  func() error { _, err := c.RenewSession(ctx, "", 0); return err },
		"empty logins": func() error { _, err := c.LogInByAccount(ctx, "", "x"); return err },
	} {
		assert.ErrorIs(t, f(), cloudkeys.ErrInvalidRequest, name)
	}
	assert.Equal(t, 0, mock.GetTotalCallCount())

	for name, creds := range map[string]zstack.Credentials{
		"none": {}, "account": zstack.AccountLogin("", "x"), "password": zstack.AccountLogin("a", ""),
		"user": zstack.UserLogin("a", "", "p"), "session": zstack.SessionID(""), "ak": zstack.AccessKey("a:b", "s"),
		"ak secret": zstack.AccessKey("abc", ""),
	} {
		_, err := zstack.New("http://mn:8080", creds)
		assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest, name)
	}
	for _, ep := range []string{"", "ftp://x", "http://", "http://u:p@h", "http://h?x=1"} {
		_, err := zstack.New(ep, zstack.SessionID("s-0123456789"))
		assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest, ep)
	}
}
