package cloudstack_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

func TestLoginMode(t *testing.T) {
	t.Parallel()
	for _, run := range []struct {
		version string
		stock   bool
	}{{"4.22.0.0", false}, {"4.23.0.0", false}, {"4.22.0.0", true}, {"4.23.0.0", true}} {
		version := run.version
		t.Run(version+"/"+modeName(run.stock), func(t *testing.T) {
			t.Parallel()
			srv, _ := starter(run.stock)(t, cloudstacktest.WithVersion(version))
			ctx := context.Background()
			c := clientAs(t, srv, cloudstack.Login(cloudstacktest.AdminUsername, cloudstacktest.AdminPassword, ""))

			lr, err := c.Login(ctx)
			require.NoError(t, err)
			assert.Equal(t, srv.AdminID(), lr.UserID)
			assert.Equal(t, 1800, lr.Timeout)

			u := srv.AddUser(cloudstacktest.UserSpec{Username: "ivy"})
			k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID})
			require.NoError(t, err)
			assert.Regexp(t, keyRE, k.Secret.Reveal())

			// Login POSTs a form; later calls carry sessionkey and both cookies, no signature.
			reqs := srv.Requests()
			assert.Equal(t, http.MethodPost, reqs[0].Method)
			form, err := url.ParseQuery(string(reqs[0].Body))
			require.NoError(t, err)
			assert.Equal(t, "login", form.Get("command"))
			assert.Equal(t, "/", form.Get("domain"))
			last := reqs[len(reqs)-1]
			params, _ := url.ParseQuery(last.RawQuery + "&" + string(last.Body))
			assert.NotEmpty(t, params.Get("sessionkey"))
			assert.Empty(t, params.Get("signature"))
			assert.Empty(t, params.Get("apikey"))
			assert.Contains(t, last.Header.Get("Cookie"), "JSESSIONID=")
			assert.Contains(t, last.Header.Get("Cookie"), "sessionkey="+params.Get("sessionkey"))

			// The session ends: a read logs in again and is repeated.
			srv.ExpireSessions()
			srv.ResetRequests()
			_, err = c.ListCapabilities(ctx)
			require.NoError(t, err)
			assert.Equal(t, 1, countCommand(srv, "login"))
			assert.Equal(t, 2, countCommand(srv, "listCapabilities"))

			// A write refused by the session check (a 401 without a
			// cserrorcode, before the command runs) did nothing: the client
			// logs in again once and repeats it.
			srv.ExpireSessions()
			srv.ResetRequests()
			_, err = c.RegisterUserKeys(ctx, cloudstack.RegisterUserKeysRequest{ID: u.ID})
			require.NoError(t, err)
			assert.Equal(t, 1, countCommand(srv, "login"))
			writes := 0 // the log keeps no body of the refused one: count the POSTs
			for _, r := range srv.Requests() {
				if r.Method == http.MethodPost && !strings.Contains(string(r.Body), "command=login") {
					writes++
				}
			}
			assert.Equal(t, 2, writes, "registerUserKeys refused once, then carried out once")
			_, err = c.GetUserKeys(ctx, u.ID)
			require.NoError(t, err)

			// Owner "" is the logged-in user.
			mine, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{})
			if version == "4.22.0.0" {
				require.ErrorIs(t, err, cloudkeys.ErrConflict, "the admin already has keys")
			} else {
				require.NoError(t, err)
				assert.Equal(t, srv.AdminID(), mine.Owner)
			}

			require.NoError(t, c.Logout(ctx))
			require.NoError(t, c.Logout(ctx), "no session: nothing to do")
		})
	}
}

func TestLoginFailures(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t)
	ctx := context.Background()
	c := clientAs(t, srv, cloudstack.Login(cloudstacktest.AdminUsername, "wrong password", "/"))
	_, err := c.ListCapabilities(ctx)
	require.ErrorIs(t, err, cloudkeys.ErrForbidden)
	assert.NotContains(t, err.Error(), "wrong password")
	assert.Equal(t, 1, countCommand(srv, "login"))

	// A lost login answer is never re-sent.
	srv.ResetRequests()
	good := clientAs(t, srv, cloudstack.Login(cloudstacktest.AdminUsername, cloudstacktest.AdminPassword, "/"))
	srv.CommitThenDrop(1)
	_, err = good.Login(ctx)
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.Equal(t, 1, countCommand(srv, "login"))

	_, err = srv.Client().Login(ctx)
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest, "Login needs Login credentials")
}

func TestIntegrationPortMode(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, cloudstacktest.WithIntegrationPort())
	ctx := context.Background()
	u := srv.AddUser(cloudstacktest.UserSpec{Username: "jack"})

	k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID})
	require.NoError(t, err)
	assert.Regexp(t, keyRE, k.Secret.Reveal())
	keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	require.NoError(t, err)
	assert.Len(t, keys, 2)

	for _, r := range srv.Requests() {
		assert.Equal(t, http.MethodGet, r.Method, "integration port: GET only")
		assert.Empty(t, r.Body)
		q, err := url.ParseQuery(r.RawQuery)
		require.NoError(t, err)
		assert.Empty(t, q.Get("signature"))
		assert.Empty(t, q.Get("apikey"))
		assert.Equal(t, "json", q.Get("response"))
	}

	// Writes are never replayed there either.
	u2 := srv.AddUser(cloudstacktest.UserSpec{Username: "kate"})
	srv.FailNextWith(1, cloudstacktest.Fault{Commit: true, Drop: true, Match: commandIs("registerUserKeys")})
	_, err = c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u2.ID})
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.Len(t, srv.UserKeys(u2.ID), 1)

	// Owner is required: the SYSTEM user has no keys of its own to use.
	_, err = c.CreateKey(ctx, cloudkeys.CreateKeyRequest{})
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
}

// TestIntegrationPortWithoutGetUserKeys: from 4.22 getUserKeys fails on the
// integration port with a 530 (NullPointerException on accessingKeyPair,
// PR #14104). Up to 4.22 CreateKey's check and ListKeys(owner) must not
// depend on it: they read listUsers id=<owner> (no secret) instead.
func TestIntegrationPortWithoutGetUserKeys(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, cloudstacktest.WithIntegrationPort(), cloudstacktest.WithVersion("4.22.0.0"))
	ctx := context.Background()
	u := srv.AddUser(cloudstacktest.UserSpec{Username: "nina"})

	// The fake has the real server's bug.
	_, err := c.GetUserKeys(ctx, u.ID)
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 530, ae.StatusCode)
	assert.Equal(t, "9999", ae.Code)
	assert.Contains(t, ae.Message, `"accessingKeyPair" is null`)
	require.ErrorIs(t, err, cloudkeys.ErrServer)

	// An owner without keys: nothing listed, and CreateKey works.
	none, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: u.ID}))
	require.NoError(t, err)
	assert.Empty(t, none)
	srv.ResetRequests()
	k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID})
	require.NoError(t, err)
	assert.Regexp(t, keyRE, k.Secret.Reveal())
	assert.Equal(t, 0, countCommand(srv, "getUserKeys"))
	assert.Equal(t, 1, countCommand(srv, "listUsers"))
	for _, r := range srv.Requests() {
		q, _ := url.ParseQuery(r.RawQuery)
		if q.Get("command") == "listUsers" {
			assert.Equal(t, u.ID, q.Get("id"))
		}
	}

	// The check still refuses to replace the pair.
	_, err = c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID})
	require.ErrorIs(t, err, cloudkeys.ErrConflict)
	assert.Equal(t, []string{k.AccessKey}, []string{srv.UserKeys(u.ID)[0].APIKey})

	// ListKeys(owner) lists the key, without its secret.
	keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: u.ID}))
	require.NoError(t, err)
	require.Len(t, keys, 1)
	assert.Equal(t, k.ID, keys[0].ID)
	assert.Equal(t, k.AccessKey, keys[0].AccessKey)
	assert.Equal(t, u.ID, keys[0].Owner)
	assert.True(t, keys[0].Enabled)
	assert.True(t, keys[0].Secret.IsZero(), "listUsers carries no secret")

	// RotateKey does not need getUserKeys either.
	rk, err := c.RotateKey(ctx, k.ID)
	require.NoError(t, err)
	assert.NotEqual(t, k.ID, rk.ID)
	assert.Equal(t, 0, countCommand(srv, "getUserKeys"))
}

// TestIntegrationPortBefore422: before 4.22 getUserKeys works on the
// integration port in the fake, and the client still uses listUsers there.
func TestIntegrationPortBefore422(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, cloudstacktest.WithIntegrationPort(), cloudstacktest.WithVersion("4.21.0.0"))
	ctx := context.Background()
	u := srv.AddUser(cloudstacktest.UserSpec{Username: "olga"})
	k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID})
	require.NoError(t, err)
	uk, err := c.GetUserKeys(ctx, u.ID)
	require.NoError(t, err)
	assert.True(t, uk.SecretKey.Equal(k.Secret))
	_, err = c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID})
	require.ErrorIs(t, err, cloudkeys.ErrConflict)
}

// TestGetUserKeys530FallsBackToListUsers: in any mode, a 530 from
// getUserKeys does not stop CreateKey's check or ListKeys(owner).
func TestGetUserKeys530FallsBackToListUsers(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()
	u := srv.AddUser(cloudstacktest.UserSpec{Username: "pia"})
	npe := cloudstacktest.Fault{Status: 530, Match: commandIs("getUserKeys"), Header: http.Header{"Content-Type": {"application/json; charset=UTF-8"}},
		Body: []byte(`{"getuserkeysresponse":{"cserrorcode":9999,"errorcode":530,"errortext":"Cannot invoke \"org.apache.cloudstack.acl.apikeypair.ApiKeyPair.getUserId()\" because \"accessingKeyPair\" is null","uuidList":[]}}`)}

	srv.FailNextWith(1, npe)
	k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID})
	require.NoError(t, err)
	assert.Equal(t, 0, srv.PendingFaults())

	srv.FailNextWith(1, npe)
	_, err = c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID})
	require.ErrorIs(t, err, cloudkeys.ErrConflict)
	assert.Len(t, srv.UserKeys(u.ID), 1)

	srv.FailNextWith(1, npe)
	keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: u.ID}))
	require.NoError(t, err)
	require.Len(t, keys, 1)
	assert.Equal(t, k.ID, keys[0].ID)
	assert.True(t, keys[0].Secret.IsZero())

	// Without the fault, getUserKeys answers, with the secret.
	keys, err = cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: u.ID}))
	require.NoError(t, err)
	require.Len(t, keys, 1)
	assert.True(t, keys[0].Secret.Equal(k.Secret))

	// Other errors are not masked.
	srv.FailNextWith(1, cloudstacktest.Fault{Status: 531, Match: commandIs("getUserKeys")})
	_, err = c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID})
	require.ErrorIs(t, err, cloudkeys.ErrForbidden)
}

func TestIntegrationPortDefaultsToXML(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t, cloudstacktest.WithIntegrationPort())
	resp, err := (&http.Client{Transport: srv.Transport()}).Get(srv.APIURL() + "?command=listCapabilities")
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "text/xml"))
}
