package cloudstack_test

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

var keyRE = regexp.MustCompile(`^[A-Za-z0-9_-]{86}$`)

// TestSignedValuesVerifiedByFake signs every printable ASCII character,
// Unicode and mixed-case names, and has the fake verify them like
// ApiServer.verifyRequest.
func TestSignedValuesVerifiedByFake(t *testing.T) {
	t.Parallel()
	for _, stock := range []bool{false, true} {
		t.Run(modeName(stock), func(t *testing.T) {
			t.Parallel()
			signedValues(t, starter(stock))
		})
	}
}

func signedValues(t *testing.T, start func(*testing.T, ...cloudstacktest.Option) (*cloudstacktest.Server, *cloudstack.Client)) {
	_, c := start(t)
	ctx := context.Background()
	var values []string
	for ch := 32; ch < 127; ch++ {
		values = append(values, string(rune(ch)), "a"+string(rune(ch))+"b")
	}
	values = append(values, "café 日本", "Ünïcødé ✓", "😀 emoji", "new\nline\r\n", "%41", "a+b/c=d&e", "Of4N~H$JP9", strings.Repeat("~*", 50))
	for _, v := range values {
		_, err := c.DoRead(ctx, "listUsers", url.Values{"keyword": {v}})
		require.NoError(t, err, "value %q", v)
	}
	// A TAB (or another control character but LF and CR) is signed right
	// and then refused by checkCharacterInkParams: 431.
	_, err := c.DoRead(ctx, "listUsers", url.Values{"keyword": {"tab\there"}})
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 431, ae.StatusCode)
	assert.Equal(t, "9999", ae.Code)
	assert.Equal(t, "Received value containing illegal ASCII non-printable characters for parameter keyword", ae.Message)
	names := []url.Values{
		{"templateId": {"abc"}, "templatefilter": {"featured"}},
		{"Keyword": {"x"}, "keyword": {"y"}},
		{"ZZ": {"1"}, "aa": {"2"}, "Ab": {"3"}, "aB": {"4"}},
		{"rules[0].rule": {"list*"}, "iptonetworklist[0].ip": {"10.0.0.1"}},
		{"näme": {"ü"}},
	}
	for _, p := range names {
		_, err := c.DoRead(ctx, "listUsers", p)
		require.NoError(t, err, "params %v", p)
	}
}

// TestLifecycle422 runs the 4.22 key lifecycle on a server that enforces
// enforce.post.requests.and.timestamps and on a stock one.
func TestLifecycle422(t *testing.T) {
	t.Parallel()
	for _, stock := range []bool{false, true} {
		t.Run(modeName(stock), func(t *testing.T) {
			t.Parallel()
			lifecycle422(t, starter(stock))
		})
	}
}

// modeName names a fake's enforcement mode in subtests.
func modeName(stock bool) string {
	if stock {
		return "stock"
	}
	return "enforced"
}

// starter is newFake, or newStockFake for a stock server.
func starter(stock bool) func(*testing.T, ...cloudstacktest.Option) (*cloudstacktest.Server, *cloudstack.Client) {
	if stock {
		return newStockFake
	}
	return newFake
}

func lifecycle422(t *testing.T, start func(*testing.T, ...cloudstacktest.Option) (*cloudstacktest.Server, *cloudstack.Client)) {
	srv, c := start(t)
	ctx := context.Background()
	u := srv.AddUser(cloudstacktest.UserSpec{Username: "alice", Password: "pw-alice"})

	caps, err := c.Capabilities(ctx)
	require.NoError(t, err)
	assert.Equal(t, cloudkeys.Capabilities{Rotate: true}, caps)
	v, err := c.ServerVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, "4.22.0.0", v)

	_, err = c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID, ExpiresAt: time.Now().Add(time.Hour)})
	require.ErrorIs(t, err, cloudkeys.ErrUnsupported)

	k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID})
	require.NoError(t, err)
	assert.Regexp(t, keyRE, k.ID)
	assert.Equal(t, k.ID, k.AccessKey)
	assert.Regexp(t, keyRE, k.Secret.Reveal())
	assert.Equal(t, u.ID, k.Owner)
	assert.Equal(t, "cloudstack", k.Vendor)

	_, err = c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID})
	require.ErrorIs(t, err, cloudkeys.ErrConflict)
	assert.Len(t, srv.UserKeys(u.ID), 1)

	// The key works.
	alice := clientAs(t, srv, cloudstack.APIKey(k.AccessKey, k.Secret.Reveal()))
	ak, err := alice.GetUserKeys(ctx, u.ID)
	require.NoError(t, err)
	assert.True(t, ak.SecretKey.Equal(k.Secret))

	keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: u.ID}))
	require.NoError(t, err)
	require.Len(t, keys, 1)
	assert.Equal(t, k.ID, keys[0].ID)
	assert.True(t, keys[0].Secret.Equal(k.Secret))

	all, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	require.NoError(t, err)
	assert.Len(t, all, 2) // admin and alice
	for _, k := range all {
		assert.True(t, k.Secret.IsZero())
	}

	got, err := c.GetKey(ctx, k.ID)
	require.NoError(t, err)
	assert.Equal(t, u.ID, got.Owner)
	assert.True(t, got.Enabled)
	_, err = c.GetKey(ctx, "no-such-key")
	require.ErrorIs(t, err, cloudkeys.ErrNotFound)

	rk, err := c.RotateKey(ctx, k.ID)
	require.NoError(t, err)
	assert.NotEqual(t, k.ID, rk.ID)
	// The old key stops working at once; the new one works.
	_, err = alice.GetUserKeys(ctx, u.ID)
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
	alice2 := clientAs(t, srv, cloudstack.APIKey(rk.AccessKey, rk.Secret.Reveal()))
	_, err = alice2.GetUserKeys(ctx, u.ID)
	require.NoError(t, err)

	// cloudkeys.Rotate falls back to the in-place rotation.
	var stored *cloudkeys.Key
	nk, err := cloudkeys.Rotate(ctx, c, rk.ID, func(_ context.Context, k *cloudkeys.Key) error { stored = k; return nil })
	require.NoError(t, err)
	assert.Equal(t, nk, stored)
	assert.Equal(t, nk.ID, srv.UserKeys(u.ID)[0].APIKey)

	require.ErrorIs(t, c.DeleteKey(ctx, nk.ID), cloudkeys.ErrUnsupported)
	require.ErrorIs(t, c.SetKeyEnabled(ctx, nk.ID, false), cloudkeys.ErrUnsupported)
	_, err = collect(c.ListUserKeys(ctx, cloudstack.ListUserKeysOptions{}))
	require.ErrorIs(t, err, cloudkeys.ErrUnsupported) // 432 on 4.22

	// Owner "" is the caller.
	mine, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: srv.AdminID()}))
	require.NoError(t, err)
	require.Len(t, mine, 1)
	_, err = c.CreateKey(ctx, cloudkeys.CreateKeyRequest{})
	require.ErrorIs(t, err, cloudkeys.ErrConflict)
}

func TestLifecycle423(t *testing.T) {
	t.Parallel()
	for _, mode := range []struct {
		name  string
		opts  []cloudstacktest.Option
		stock bool
	}{
		{"async", nil, false},
		{"async-pending", []cloudstacktest.Option{cloudstacktest.WithPendingPolls(3)}, false},
		{"sync", []cloudstacktest.Option{cloudstacktest.WithSyncRegister()}, false},
		{"async-stock", nil, true},
	} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv, c := starter(mode.stock)(t, append([]cloudstacktest.Option{cloudstacktest.WithVersion("4.23.0.0")}, mode.opts...)...)
			ctx := context.Background()
			u := srv.AddUser(cloudstacktest.UserSpec{Username: "bob", Password: "pw-bob"})

			caps, err := c.Capabilities(ctx)
			require.NoError(t, err)
			assert.Equal(t, cloudkeys.Capabilities{MultipleKeys: true, Delete: true, Expiry: true}, caps)

			exp := time.Now().Add(48 * time.Hour).Truncate(time.Second)
			k1, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID, Name: "ci", Description: "for CI", ExpiresAt: exp})
			require.NoError(t, err)
			k2, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID, Name: "backup"})
			require.NoError(t, err)
			assert.NotEqual(t, k1.ID, k2.ID)
			assert.Regexp(t, keyRE, k1.AccessKey)
			assert.Regexp(t, keyRE, k1.Secret.Reveal())
			assert.Equal(t, "ci", k1.Name)
			assert.Equal(t, "for CI", k1.Description)
			assert.True(t, exp.Equal(k1.ExpiresAt), "%v vs %v", exp, k1.ExpiresAt)
			assert.Len(t, srv.UserKeys(u.ID), 2)

			// Both pairs work.
			for _, k := range []*cloudkeys.Key{k1, k2} {
				bc := clientAs(t, srv, cloudstack.APIKey(k.AccessKey, k.Secret.Reveal()))
				_, err := bc.GetUserKeys(ctx, u.ID)
				require.NoError(t, err)
			}

			keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: u.ID}))
			require.NoError(t, err)
			require.Len(t, keys, 2)
			for _, k := range keys {
				assert.True(t, k.Secret.IsZero(), "listUserKeys lists no secrets")
				assert.Equal(t, u.ID, k.Owner)
			}
			all, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
			require.NoError(t, err)
			assert.Len(t, all, 3)

			got, err := c.GetKey(ctx, k1.ID)
			require.NoError(t, err)
			assert.Equal(t, k1.AccessKey, got.AccessKey)
			assert.Equal(t, "ci", got.Name)

			require.NoError(t, c.DeleteKey(ctx, k2.ID))
			_, err = c.GetKey(ctx, k2.ID)
			require.ErrorIs(t, err, cloudkeys.ErrNotFound)
			require.ErrorIs(t, c.DeleteKey(ctx, k2.ID), cloudkeys.ErrNotFound)
			bc := clientAs(t, srv, cloudstack.APIKey(k2.AccessKey, k2.Secret.Reveal()))
			_, err = bc.GetUserKeys(ctx, u.ID)
			require.ErrorIs(t, err, cloudkeys.ErrUnauthorized, "a deleted pair stops working")

			_, err = c.RotateKey(ctx, k1.ID)
			require.ErrorIs(t, err, cloudkeys.ErrUnsupported)

			nk, err := cloudkeys.Rotate(ctx, c, k1.ID, func(context.Context, *cloudkeys.Key) error { return nil })
			require.NoError(t, err)
			assert.Equal(t, "ci", nk.Name)
			left := srv.UserKeys(u.ID)
			require.Len(t, left, 1)
			assert.Equal(t, nk.ID, left[0].ID)

			// A failing store keeps the old key and deletes the new one.
			boom := errors.New("vault down")
			_, err = cloudkeys.Rotate(ctx, c, nk.ID, func(context.Context, *cloudkeys.Key) error { return boom })
			require.ErrorIs(t, err, boom)
			left = srv.UserKeys(u.ID)
			require.Len(t, left, 1)
			assert.Equal(t, nk.ID, left[0].ID)
		})
	}
}

func TestKeyPairRulesAndDates(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, cloudstacktest.WithVersion("4.23.0.0"))
	ctx := context.Background()
	u := srv.AddUser(cloudstacktest.UserSpec{Username: "carol"})
	kp, err := c.RegisterUserKeys(ctx, cloudstack.RegisterUserKeysRequest{
		ID: u.ID, Name: "read-only",
		Rules: []cloudstack.KeyRule{{Rule: "getUserKeys", Permission: "deny"}, {Rule: "list*", Permission: "allow", Description: "lists"}},
	})
	require.NoError(t, err)
	assert.Equal(t, u.ID, kp.UserID)
	assert.Equal(t, "carol", kp.Username)
	rules, err := c.ListUserKeyRules(ctx, kp.ID)
	require.NoError(t, err)
	assert.Equal(t, []cloudstack.KeyRule{{Rule: "getUserKeys", Permission: "deny"}, {Rule: "list*", Permission: "allow", Description: "lists"}}, rules)

	cc := clientAs(t, srv, cloudstack.APIKey(kp.APIKey, kp.SecretKey.Reveal()))
	own, err := cloudkeys.Collect(cc.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: u.ID}))
	require.NoError(t, err, "list* allows listCapabilities and listUserKeys")
	assert.Len(t, own, 1)
	_, err = collect(cc.ListUsers(ctx, cloudstack.ListUsersOptions{}))
	require.NoError(t, err)
	_, err = cc.GetUserKeys(ctx, u.ID)
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)

	// A pair whose start date lies ahead does not work yet; an expired one no more.
	start := time.Now().Add(time.Hour)
	later, err := c.RegisterUserKeys(ctx, cloudstack.RegisterUserKeysRequest{ID: u.ID, StartDate: start, EndDate: start.Add(time.Hour)})
	require.NoError(t, err)
	lc := clientAs(t, srv, cloudstack.APIKey(later.APIKey, later.SecretKey.Reveal()))
	_, err = collect(lc.ListUsers(ctx, cloudstack.ListUsersOptions{}))
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)

	_, err = c.RegisterUserKeys(ctx, cloudstack.RegisterUserKeysRequest{ID: u.ID, Rules: []cloudstack.KeyRule{{Rule: "x", Permission: "maybe"}}})
	var ie *cloudkeys.InvalidInputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "Rules[0].Permission", ie.Field)
	_, err = c.RegisterUserKeys(ctx, cloudstack.RegisterUserKeysRequest{})
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)

	long := time.Now().Add(time.Minute)
	short, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID, ExpiresAt: long})
	require.NoError(t, err)
	sc := clientAs(t, srv, cloudstack.APIKey(short.AccessKey, short.Secret.Reveal()))
	_, err = collect(sc.ListUsers(ctx, cloudstack.ListUsersOptions{}))
	require.NoError(t, err)
	srv.Clock().Advance(2 * time.Minute)
	sc2 := clientAs(t, srv, cloudstack.APIKey(short.AccessKey, short.Secret.Reveal()), cloudkeys.WithClock(srv.Now))
	_, err = collect(sc2.ListUsers(ctx, cloudstack.ListUsersOptions{}))
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized, "expired pair")
}

func TestAsyncJobFailure(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, cloudstacktest.WithVersion("4.23.0.0"), cloudstacktest.WithPendingPolls(1))
	ctx := context.Background()
	u := srv.AddUser(cloudstacktest.UserSpec{Username: "dave"})
	srv.FailJobs(1, 530, "something broke")
	_, err := c.RegisterUserKeys(ctx, cloudstack.RegisterUserKeysRequest{ID: u.ID})
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 530, ae.StatusCode, "the job's errorcode")
	assert.Empty(t, ae.Code, "no cserrorcode in the job's result")
	assert.Equal(t, "something broke", ae.Message)
	assert.Equal(t, "registerUserKeys", ae.Operation)
	require.ErrorIs(t, err, cloudkeys.ErrServer)

	// Polling ends with the context: the job may still complete.
	srv2, c2 := newFake(t, cloudstacktest.WithVersion("4.23.0.0"), cloudstacktest.WithPendingPolls(1_000_000))
	u2 := srv2.AddUser(cloudstacktest.UserSpec{Username: "erin"})
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = c2.RegisterUserKeys(cctx, cloudstack.RegisterUserKeysRequest{ID: u2.ID})
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestLostRegisterIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"4.22.0.0", "4.23.0.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			srv, c := newFake(t, cloudstacktest.WithVersion(version))
			ctx := context.Background()
			u := srv.AddUser(cloudstacktest.UserSpec{Username: "frank"})
			_, err := c.Capabilities(ctx)
			require.NoError(t, err)
			before := srv.KeysGenerated()
			srv.FailNextWith(1, cloudstacktest.Fault{Commit: true, Drop: true, Match: commandIs("registerUserKeys")})
			_, err = c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID})
			require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
			assert.Equal(t, 0, srv.PendingFaults())
			assert.Equal(t, before+1, srv.KeysGenerated(), "exactly one key generated")
			assert.Len(t, srv.UserKeys(u.ID), 1)
			assert.Equal(t, 1, countCommand(srv, "registerUserKeys"), "never re-sent")
		})
	}
}

func TestLostDeleteIsRetried(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, cloudstacktest.WithVersion("4.23.0.0"))
	ctx := context.Background()
	u := srv.AddUser(cloudstacktest.UserSpec{Username: "gina"})
	k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID})
	require.NoError(t, err)
	srv.FailNextWith(1, cloudstacktest.Fault{Commit: true, Drop: true, Match: commandIs("deleteUserKeys")})
	require.NoError(t, c.DeleteKey(ctx, k.ID), "the repeat finds the pair gone: deleted")
	assert.Empty(t, srv.UserKeys(u.ID))
	assert.Equal(t, 2, countCommand(srv, "deleteUserKeys"))
}

func TestReadRetries(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()
	srv.FailNext(2, 503)
	users, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	require.NoError(t, err)
	assert.Len(t, users, 1)
	assert.Equal(t, 3, countCommand(srv, "listCapabilities"))

	srv.ResetRequests()
	srv.FailNext(1, 429)
	srv.DropNext(1)
	got, err := collect(c.ListUsers(ctx, cloudstack.ListUsersOptions{}))
	require.NoError(t, err)
	assert.Len(t, got, 1)
	assert.Equal(t, 3, countCommand(srv, "listUsers"))

	// Exhausted retries: the last answer's error.
	srv.ResetRequests()
	srv.FailNext(3, 429)
	_, err = collect(c.ListUsers(ctx, cloudstack.ListUsersOptions{}))
	require.ErrorIs(t, err, cloudkeys.ErrRateLimited)
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 3, ae.Attempts)
}
