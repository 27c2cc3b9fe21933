package zstack_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/zstack"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

var zones = map[string]*time.Location{
	"UTC":   time.UTC,
	"UTC+8": time.FixedZone("CST", 8*3600),
	"UTC-5": time.FixedZone("EST", -5*3600),
}

// AccessKey clients in each zone against fakes in each zone: a matching
// zone works, a mismatching one fails clearly (403 requestTimeTooSkewed →
// ErrUnauthorized), because the server compares wall clocks.
func TestAccessKeyZones(t *testing.T) {
	t.Parallel()
	for srvName, srvLoc := range zones {
		for cliName, cliLoc := range zones {
			t.Run(fmt.Sprintf("server %s client %s", srvName, cliName), func(t *testing.T) {
				t.Parallel()
				srv := zstacktest.NewServer(zstacktest.WithLocation(srvLoc), zstacktest.WithInMemory())
				defer srv.Close()
				ak := srv.SeedAccessKey(zstacktest.AdminAccountUUID)
				c := srv.AccessKeyClient(ak.AccessKeyID, ak.Secret.Reveal(), fast(), zstack.WithServerLocation(cliLoc))
				k, err := c.CreateKey(context.Background(), cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID})
				if srvLoc == cliLoc {
					require.NoError(t, err)
					assert.Len(t, k.Secret.Reveal(), 40)
					assert.Equal(t, 2, srv.KeyCount())
					return
				}
				require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
				assert.Contains(t, err.Error(), "requestTimeTooSkewed")
				assert.Contains(t, err.Error(), "WithServerLocation")
				var ae *cloudkeys.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, http.StatusForbidden, ae.StatusCode)
				assert.Equal(t, 1, srv.KeyCount())
			})
		}
	}
}

func TestAccessKeyRejections(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := zstacktest.NewServer(zstacktest.WithLocation(zones["UTC+8"]))
	defer srv.Close()
	ak := srv.SeedAccessKey(zstacktest.AdminAccountUUID)

	// Wrong secret.
	_, err := srv.AccessKeyClient(ak.AccessKeyID, "wrongwrongwrongwrong", fast()).GetKey(ctx, ak.UUID)
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
	assert.Contains(t, err.Error(), "wrong accessKey signature")

	// Unknown key.
	_, err = srv.AccessKeyClient("NOSUCHKEY000", "whatever00", fast()).GetKey(ctx, ak.UUID)
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
	assert.Contains(t, err.Error(), "does not existed or disabled")

	// Signature checks pass: the key reads itself, then the admin disables it.
	c := srv.AccessKeyClient(ak.AccessKeyID, ak.Secret.Reveal(), fast())
	got, err := c.GetKey(ctx, ak.UUID)
	require.NoError(t, err)
	assert.Equal(t, ak.AccessKeyID, got.AccessKey)
	require.NoError(t, srv.Client(fast()).SetKeyEnabled(ctx, ak.UUID, false))
	_, err = c.GetKey(ctx, ak.UUID)
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)

	// The signature is fresh per attempt: a retried read is signed again.
	require.NoError(t, srv.Client(fast()).SetKeyEnabled(ctx, ak.UUID, true))
	srv.ResetRequests()
	srv.FailNext(1, http.StatusServiceUnavailable)
	_, err = c.GetKey(ctx, ak.UUID)
	require.NoError(t, err)
	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	for _, r := range reqs {
		assert.True(t, strings.HasPrefix(r.Header.Get("Authorization"), "ZStack "+ak.AccessKeyID+":"))
		assert.True(t, strings.HasSuffix(r.Header.Get("Date"), " GMT+08:00"), r.Header.Get("Date"))
	}
}

func TestSessionLoginExpiryAndRelogin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := zstacktest.NewServer(zstacktest.WithInMemory())
	defer srv.Close()
	c := srv.Client(fast())

	s, err := c.LogIn(ctx)
	require.NoError(t, err)
	assert.Equal(t, zstacktest.AdminAccountUUID, s.AccountUUID)
	assert.Len(t, s.UUID.Reveal(), 32)
	assert.WithinDuration(t, srv.Now().Add(2*time.Hour), s.ExpiredDate, 5*time.Second)
	first := s.UUID.Reveal()

	ok, err := c.ValidateSession(ctx, "")
	require.NoError(t, err)
	assert.True(t, ok)

	// Sliding expiry: a call after 1.5 h renews for another 2 h.
	srv.Clock().Advance(90 * time.Minute)
	_, err = cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	require.NoError(t, err)
	srv.Clock().Advance(90 * time.Minute)
	ok, err = c.ValidateSession(ctx, "")
	require.NoError(t, err)
	assert.True(t, ok, "renewed by the call")

	// Expired: the next write fails at poll time with ID.1001, the client
	// logs in again and repeats the write with a new job id.
	srv.Clock().Advance(2*time.Hour + time.Second)
	ok, err = c.ValidateSession(ctx, first)
	require.NoError(t, err)
	assert.False(t, ok)
	srv.ResetRequests()
	_, err = c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID})
	require.NoError(t, err)
	assert.Equal(t, 1, srv.KeyCount())
	var jobs []string
	logins := 0
	for _, r := range srv.Requests() {
		switch {
		case r.Method == http.MethodPost:
			jobs = append(jobs, r.Header.Get("X-Job-UUID"))
		case r.Path == "/zstack/v1/accounts/login":
			logins++
		}
	}
	require.Len(t, jobs, 2)
	assert.NotEqual(t, jobs[0], jobs[1], "a new job id after re-login")
	assert.Equal(t, 1, logins)
	assert.NotEqual(t, first, c.CurrentSession().UUID.Reveal())

	// Expired sessions on sync calls too.
	srv.ExpireSessions()
	_, err = c.GetKey(ctx, srv.AccessKeys()[0].UUID)
	require.NoError(t, err)

	// Renew and log out.
	rs, err := c.RenewSession(ctx, "", 10*time.Hour)
	require.NoError(t, err)
	assert.WithinDuration(t, srv.Now().Add(10*time.Hour), rs.ExpiredDate, 5*time.Second)
	_, err = c.RenewSession(ctx, "", time.Second)
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	cur := c.CurrentSession().UUID.Reveal()
	require.NoError(t, c.LogOut(ctx, ""))
	assert.Nil(t, c.CurrentSession())
	ok, err = c.ValidateSession(ctx, cur)
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestSessionIDCredentialsCannotRelogin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := zstacktest.NewServer()
	defer srv.Close()
	s, err := srv.Client(fast()).LogInByAccount(ctx, zstacktest.AdminAccountName, zstacktest.AdminPassword)
	require.NoError(t, err)
	c, err := zstack.New(srv.URL(), zstack.SessionID(s.UUID.Reveal()), fast())
	require.NoError(t, err)
	_, err = cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	require.NoError(t, err)
	srv.ExpireSessions()
	_, err = cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
	assert.Equal(t, "ID.1001", errCode(err))
	_, err = c.LogIn(ctx)
	assert.ErrorIs(t, err, cloudkeys.ErrUnsupported)
}

func TestLoginFailuresAndUsers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := zstacktest.NewServer()
	defer srv.Close()
	c, err := zstack.New(srv.URL(), zstack.AccountLogin("admin", "nope"), fast())
	require.NoError(t, err)
	_, err = c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID})
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
	assert.Equal(t, "ID.1000", errCode(err))
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 1, ae.Attempts, "an application error is never retried")

	acct := srv.CreateAccount("team", "teampw")
	srv.CreateUser(acct, "bob", "bobpw")
	u, err := zstack.New(srv.URL(), zstack.UserLogin("team", "bob", "bobpw"), fast())
	require.NoError(t, err)
	s, err := u.LogIn(ctx)
	require.NoError(t, err)
	assert.Equal(t, acct, s.AccountUUID)
	// A non-admin account may hold at most 2 keys, and only its own.
	for range 2 {
		_, err = u.CreateKey(ctx, cloudkeys.CreateKeyRequest{})
		require.NoError(t, err)
	}
	_, err = u.CreateKey(ctx, cloudkeys.CreateKeyRequest{})
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	assert.Contains(t, err.Error(), "exceeded the maximum limit")
	_, err = u.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID})
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	assert.Contains(t, err.Error(), "No permission")
	keys, err := cloudkeys.Collect(u.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	require.NoError(t, err)
	assert.Len(t, keys, 2)
}

// With rest.checkTimeZone=true the label counts: a client in any zone
// works, because FormatDate's label ("GMT-05:00") is exact.
func TestAccessKeyCheckTimeZone(t *testing.T) {
	t.Parallel()
	srv := zstacktest.NewServer(zstacktest.WithLocation(zones["UTC+8"]), zstacktest.WithCheckTimeZone(), zstacktest.WithInMemory())
	defer srv.Close()
	ak := srv.SeedAccessKey(zstacktest.AdminAccountUUID)
	for _, loc := range zones {
		c := srv.AccessKeyClient(ak.AccessKeyID, ak.Secret.Reveal(), fast(), zstack.WithServerLocation(loc))
		_, err := c.GetKey(context.Background(), ak.UUID)
		require.NoError(t, err, loc)
	}
}
