package cloudstack_test

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

func envelope(cmd string, code, cs int, text string) []byte {
	b := `{"` + cmd + `response":{"uuidList":[],"errorcode":` + itoa(code)
	if cs != 0 {
		b += `,"cserrorcode":` + itoa(cs)
	}
	return []byte(b + `,"errortext":"` + text + `"}}`)
}

func itoa(n int) string { return fmtInt(n) }

func TestErrorMapping(t *testing.T) {
	t.Parallel()
	// One code per field: StatusCode is the errorcode (the HTTP status the
	// server sends too, and set inside a 200), Code the cserrorcode ("" when
	// the server sends none, as for authentication failures).
	cases := []struct {
		status   int
		code, cs int
		want     error
		wantCode string
		attempts int
	}{
		{401, 401, 0, cloudkeys.ErrUnauthorized, "", 1},
		{405, 405, 9999, cloudkeys.ErrInvalidRequest, "9999", 1},
		{429, 429, 4545, cloudkeys.ErrRateLimited, "4545", 3},
		{430, 430, 9999, cloudkeys.ErrInvalidRequest, "9999", 1},
		{431, 431, 4350, cloudkeys.ErrInvalidRequest, "4350", 1},
		{432, 432, 9999, cloudkeys.ErrUnsupported, "9999", 1},
		{511, 511, 4295, cloudkeys.ErrUnauthorized, "4295", 1},
		{530, 530, 4250, cloudkeys.ErrServer, "4250", 1},
		{531, 531, 4365, cloudkeys.ErrForbidden, "4365", 1},
		{532, 532, 4280, cloudkeys.ErrForbidden, "4280", 1},
		{533, 533, 4325, cloudkeys.ErrServer, "4325", 1},
		{534, 534, 4380, cloudkeys.ErrServer, "4380", 1},
		{535, 535, 4370, cloudkeys.ErrServer, "4370", 1},
		{536, 536, 4375, cloudkeys.ErrServer, "4375", 1},
		{537, 537, 9999, cloudkeys.ErrServer, "9999", 1},
		{200, 431, 4350, cloudkeys.ErrInvalidRequest, "4350", 1}, // an error inside a 200
	}
	for _, tc := range cases {
		t.Run(itoa(tc.code)+"-"+itoa(tc.cs)+"-"+itoa(tc.status), func(t *testing.T) {
			t.Parallel()
			srv, c := newFake(t)
			srv.FailNextWith(3, cloudstacktest.Fault{Status: tc.status, Body: envelope("getuserkeys", tc.code, tc.cs, "boom"),
				Header: http.Header{"Content-Type": {"application/json; charset=UTF-8"}}})
			_, err := c.GetUserKeys(context.Background(), srv.AdminID())
			require.ErrorIs(t, err, tc.want)
			var ae *cloudkeys.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tc.wantCode, ae.Code, "Code is the cserrorcode")
			assert.Equal(t, tc.code, ae.StatusCode, "StatusCode is the errorcode")
			assert.Equal(t, "boom", ae.Message)
			assert.Equal(t, "getUserKeys", ae.Operation)
			assert.Equal(t, "cloudstack", ae.Vendor)
			assert.Equal(t, tc.attempts, ae.Attempts)
		})
	}
}

func TestRealServerErrors(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()

	// 431 for an unknown user id.
	_, err := c.GetUserKeys(ctx, "00000000-0000-0000-0000-00000000dead")
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)

	// 432 errorresponse for a command this version lacks.
	err = c.DeleteUserKeys(ctx, "x")
	require.ErrorIs(t, err, cloudkeys.ErrUnsupported)
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 432, ae.StatusCode)

	// 531: a plain user may not read the admin's keys.
	u := srv.AddUser(cloudstacktest.UserSpec{Username: "henry"})
	k, err := c.RegisterUserKeys(ctx, cloudstack.RegisterUserKeysRequest{ID: u.ID})
	require.NoError(t, err)
	hc := clientAs(t, srv, cloudstack.APIKey(k.APIKey, k.SecretKey.Reveal()))
	_, err = hc.GetUserKeys(ctx, srv.AdminID())
	require.ErrorIs(t, err, cloudkeys.ErrForbidden)
	own, err := hc.GetUserKeys(ctx, u.ID)
	require.NoError(t, err, "a user reads their own keys without being root admin")
	assert.Equal(t, k.APIKey, own.APIKey)

	// 531: keys for the SYSTEM user are refused.
	_, err = c.RegisterUserKeys(ctx, cloudstack.RegisterUserKeysRequest{ID: cloudstacktest.SystemUserID})
	require.ErrorIs(t, err, cloudkeys.ErrForbidden)

	// 401: wrong secret, disabled user, API-key access switched off.
	bad := clientAs(t, srv, cloudstack.APIKey(srv.AdminAPIKey(), "wrong-secret"))
	_, err = bad.ListCapabilities(ctx)
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 401, ae.StatusCode)
	assert.Empty(t, ae.Code, "authentication errors carry no cserrorcode")
	srv.SetAPIKeyAccess(u.ID, "Disabled")
	_, err = hc.ListCapabilities(ctx)
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
	srv.SetAPIKeyAccess(u.ID, "")
	srv.SetUserState(u.ID, "disabled")
	_, err = hc.ListCapabilities(ctx)
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)

	// A proxy's HTML page becomes an excerpt.
	srv.FailNext(1, 502)
	srv.FailNext(2, 504)
	_, err = c.ListCapabilities(ctx)
	require.ErrorIs(t, err, cloudkeys.ErrServer)
	require.ErrorAs(t, err, &ae)
	assert.Contains(t, ae.Message, "504 Gateway Timeout")
	assert.NotContains(t, ae.Message, "<")
}

// TestExpiresWindowStock: a stock server (enforcement off) refuses an
// expires in the past but not one more than 15 minutes ahead
// (ApiServer.verifyRequest).
func TestExpiresWindowStock(t *testing.T) {
	t.Parallel()
	srv, _ := newStockFake(t)
	ctx := context.Background()
	creds := cloudstack.APIKey(srv.AdminAPIKey(), srv.AdminSecretKey().Reveal())
	for _, tc := range []struct {
		name   string
		offset time.Duration
		ok     bool
	}{
		{"now", 0, true},
		{"expires in the past", -6 * time.Minute, false},
		{"expires more than 15 min ahead", 11 * time.Minute, true},
		{"expires a day ahead", 24 * time.Hour, true},
	} {
		c := clientAs(t, srv, creds, cloudkeys.WithClock(func() time.Time { return srv.Now().Add(tc.offset) }))
		_, err := c.ListCapabilities(ctx)
		if tc.ok {
			require.NoError(t, err, tc.name)
		} else {
			require.ErrorIs(t, err, cloudkeys.ErrUnauthorized, tc.name)
		}
	}
}

func TestExpiresWindow(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t)
	ctx := context.Background()
	creds := cloudstack.APIKey(srv.AdminAPIKey(), srv.AdminSecretKey().Reveal())
	for _, tc := range []struct {
		name   string
		offset time.Duration
		ok     bool
	}{
		{"now", 0, true},
		{"clock 9 min ahead", 9 * time.Minute, true},
		{"expires in the past", -6 * time.Minute, false},
		{"expires more than 15 min ahead", 11 * time.Minute, false},
	} {
		c := clientAs(t, srv, creds, cloudkeys.WithClock(func() time.Time { return srv.Now().Add(tc.offset) }))
		_, err := c.ListCapabilities(ctx)
		if tc.ok {
			require.NoError(t, err, tc.name)
		} else {
			require.ErrorIs(t, err, cloudkeys.ErrUnauthorized, tc.name)
		}
	}
	// Each attempt is signed afresh: the clock moves a minute per attempt.
	var mu sync.Mutex
	tick := 0
	c := clientAs(t, srv, creds, cloudkeys.WithClock(func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		tick++
		return srv.Now().Add(time.Duration(tick) * time.Minute)
	}))
	srv.ResetRequests()
	srv.FailNext(2, 503)
	_, err := c.ListCapabilities(ctx)
	require.NoError(t, err)
	reqs := srv.Requests()
	require.Len(t, reqs, 3)
	seen := map[string]bool{}
	for _, r := range reqs {
		q, err := url.ParseQuery(r.RawQuery)
		require.NoError(t, err)
		seen[q.Get("expires")+" "+q.Get("signature")] = true
	}
	assert.Len(t, seen, 3, "every attempt has its own expires and signature")
}
