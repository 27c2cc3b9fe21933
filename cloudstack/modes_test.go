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
	for _, version := range []string{"4.22.0.0", "4.23.0.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			srv, _ := newFake(t, cloudstacktest.WithVersion(version))
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

			// A write fails cleanly with the 401, and the next call logs in again.
			srv.ExpireSessions()
			_, err = c.RegisterUserKeys(ctx, cloudstack.RegisterUserKeysParams{ID: u.ID})
			require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
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

func TestIntegrationPortDefaultsToXML(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t, cloudstacktest.WithIntegrationPort())
	resp, err := (&http.Client{Transport: srv.Transport()}).Get(srv.APIURL() + "?command=listCapabilities")
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "text/xml"))
}
