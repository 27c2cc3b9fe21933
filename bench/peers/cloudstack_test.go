package peers

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	cs "github.com/apache/cloudstack-go/v2/cloudstack"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/bench/internal/canned"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

// csUsers is how many users the CloudStack fake holds, each with an API
// key: listUsers answers all of them in one page.
const csUsers = 100

// csPageSize is the page size cloudkeys asks listUsers for (the SDK's
// cloudstack.DefaultPageSize); cloudstack-go is given the same, so both
// send the same question and get the same answer.
const csPageSize = 500

// csSetup is a stock CloudStack fake (no enforcement: the default) holding
// csUsers users with keys, and the user whose keys getUserKeys reads.
type csSetup struct {
	srv    *cloudstacktest.Server
	userID string
}

func newCSSetup(tb testing.TB) *csSetup {
	tb.Helper()
	srv := cloudstacktest.NewServer() // a stock server's settings: the default
	tb.Cleanup(srv.Close)
	st := &csSetup{srv: srv}
	for i := 1; i < csUsers; i++ { // the admin is user number csUsers
		u := srv.AddUser(cloudstacktest.UserSpec{Username: "bench" + strconv.Itoa(i)})
		if _, ok := srv.GenerateKeys(u.ID); !ok {
			tb.Fatalf("GenerateKeys(%s) refused", u.ID)
		}
		if i == csUsers/2 {
			st.userID = u.ID
		}
	}
	return st
}

// cloudstackGo is apache/cloudstack-go's client for the fake's admin, as a
// user builds it: NewAsyncClient with its own default http.Client (cookie
// jar, 60 s timeout, its own Transport) — or, for the canned runs, that
// client with the tape as its Transport (WithHTTPClient keeps the default
// cookie jar; the 60 s timeout is set as in the default).
func (st *csSetup) cloudstackGo(rt http.RoundTripper) *cs.CloudStackClient {
	var opts []cs.ClientOption
	if rt != nil {
		opts = append(opts, cs.WithHTTPClient(&http.Client{Transport: rt, Timeout: 60 * time.Second}))
	}
	return cs.NewAsyncClient(st.srv.APIURL(), st.srv.AdminAPIKey(), st.srv.AdminSecretKey().Reveal(), false, opts...)
}

// csListUsers is cloudstack-go's listUsers as cloudkeys sends it:
// listall=true, page 1 of csPageSize.
func csListUsers(c *cs.CloudStackClient) (*cs.ListUsersResponse, error) {
	p := c.User.NewListUsersParams()
	p.SetListall(true)
	p.SetPage(1)
	p.SetPagesize(csPageSize)
	return c.User.ListUsers(p)
}

// ckGetUserKeys is cloudkeys' getUserKeys through the KeyManager: ListKeys
// of one owner on a server before 4.23 is one getUserKeys (the key with its
// secret).
func ckGetUserKeys(ctx context.Context, km cloudkeys.KeyManager, userID string) (*cloudkeys.Key, error) {
	keys, err := cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: userID}))
	if err != nil {
		return nil, err
	}
	if len(keys) != 1 {
		return nil, errCount(len(keys))
	}
	return keys[0], nil
}

type errCount int

func (e errCount) Error() string { return strconv.Itoa(int(e)) + " keys, want 1" }

// ckListUsers is cloudkeys' ListKeys without an owner: listUsers
// listall=true, every user that has an API key.
func ckListUsers(ctx context.Context, km cloudkeys.KeyManager) ([]*cloudkeys.Key, error) {
	return cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
}

// csCanned records cloudkeys' getUserKeys and listUsers (and its one-time
// version probe) against a fake of its own with a frozen clock, closes the
// fake and returns the tape, the fixed time and the setup (for its ids).
func csCanned(tb testing.TB) (*csSetup, *canned.Tape, time.Time) {
	tb.Helper()
	st := newCSSetup(tb)
	now := time.Now().UTC().Truncate(time.Second)
	st.srv.Clock().Set(now)
	next := &http.Transport{}
	defer next.CloseIdleConnections()
	rec := &canned.Recorder{Next: next}
	km := st.srv.Client(cannedOptions(rec, now)...)
	ctx := context.Background()
	if _, err := ckGetUserKeys(ctx, km, st.userID); err != nil {
		tb.Fatalf("recording getUserKeys: %v", err)
	}
	if _, err := ckListUsers(ctx, km); err != nil {
		tb.Fatalf("recording listUsers: %v", err)
	}
	st.srv.Close()
	return st, rec.Tape(), now
}

// cannedOptions build a cloudkeys client over rt as bench/ does for its
// client-only tables: the recording's fixed clock and the per-attempt
// waiting bounds the SDK applies by default to its own transport.
func cannedOptions(rt http.RoundTripper, now time.Time) []cloudkeys.Option {
	return []cloudkeys.Option{
		cloudkeys.WithHTTPClient(&http.Client{Transport: rt}),
		cloudkeys.WithClock(func() time.Time { return now }),
		cloudkeys.WithResponseHeaderTimeout(cloudkeys.DefaultResponseHeaderTimeout),
		cloudkeys.WithBodyReadTimeout(cloudkeys.DefaultBodyReadTimeout),
	}
}

// TestCloudStackGoReadsWhatCloudkeysReads: against the stock fake and from
// the canned answers, cloudstack-go and cloudkeys read the same key and
// secret with getUserKeys and the same csUsers users' API keys with
// listUsers. On the live fake, the answers cloudstack-go gets are byte for
// byte those cloudkeys gets for the same question.
func TestCloudStackGoReadsWhatCloudkeysReads(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, c *cs.CloudStackClient, km cloudkeys.KeyManager, userID string) {
		t.Helper()
		uk, err := c.User.GetUserKeys(c.User.NewGetUserKeysParams(userID))
		require.NoError(t, err)
		k, err := ckGetUserKeys(ctx, km, userID)
		require.NoError(t, err)
		require.NotEmpty(t, uk.Apikey)
		require.NotEmpty(t, uk.Secretkey)
		require.Equal(t, uk.Apikey, k.AccessKey)
		require.Equal(t, uk.Secretkey, k.Secret.Reveal())
		require.Equal(t, userID, k.Owner)

		l, err := csListUsers(c)
		require.NoError(t, err)
		keys, err := ckListUsers(ctx, km)
		require.NoError(t, err)
		require.Equal(t, csUsers, l.Count)
		require.Len(t, l.Users, csUsers)
		require.Len(t, keys, csUsers)
		for i, u := range l.Users {
			require.NotEmpty(t, u.Apikey)
			require.Equal(t, u.Id, keys[i].Owner, "user %d", i)
			require.Equal(t, u.Apikey, keys[i].AccessKey, "user %d", i)
			require.Equal(t, u.State == "enabled", keys[i].Enabled, "user %d", i)
		}
	}
	t.Run("loopback", func(t *testing.T) {
		st := newCSSetup(t)
		next := &http.Transport{}
		defer next.CloseIdleConnections()
		ckRec, goRec := &canned.Recorder{Next: next}, &canned.Recorder{Next: next}
		check(t, st.cloudstackGo(goRec), st.srv.Client(cloudkeys.WithHTTPClient(&http.Client{Transport: ckRec})), st.userID)
		// The fake answered both clients' questions alike.
		ckTape := ckRec.Tape()
		for _, ex := range goRec.Exchanges() {
			got := ckTape.Answers(ex.Key)
			require.NotEmpty(t, got, "cloudkeys never asked %s", ex.Key)
			require.Equal(t, string(got[0].Body), string(ex.Body), ex.Key)
		}
		// And the default clients work as well.
		check(t, st.cloudstackGo(nil), st.srv.Client(), st.userID)
	})
	t.Run("canned", func(t *testing.T) {
		st, tape, now := csCanned(t)
		check(t, st.cloudstackGo(tape), st.srv.Client(cannedOptions(tape, now)...), st.userID)
		require.NoError(t, tape.Intact())
	})
}

// BenchmarkPeerCloudStack: apache/cloudstack-go v2.16.1 against cloudkeys,
// getUserKeys of one user and listUsers of csUsers users, over 127.0.0.1
// against the stock fake (loopback: each client as its users build it) and
// served the same recorded answers from memory (canned).
func BenchmarkPeerCloudStack(b *testing.B) {
	ctx := context.Background()
	type clients struct {
		mode   string
		c      *cs.CloudStackClient
		km     cloudkeys.KeyManager
		userID string
	}
	st := newCSSetup(b)
	cst, tape, now := csCanned(b)
	modes := []clients{
		{"loopback", st.cloudstackGo(nil), st.srv.Client(), st.userID},
		{"canned", cst.cloudstackGo(tape), cst.srv.Client(cannedOptions(tape, now)...), cst.userID},
	}
	for _, m := range modes {
		b.Run("getUserKeys/"+m.mode+"/cloudstack-go", func(b *testing.B) {
			if _, err := m.c.User.GetUserKeys(m.c.User.NewGetUserKeysParams(m.userID)); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := m.c.User.GetUserKeys(m.c.User.NewGetUserKeysParams(m.userID)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("getUserKeys/"+m.mode+"/cloudkeys", func(b *testing.B) {
			if _, err := ckGetUserKeys(ctx, m.km, m.userID); err != nil { // and the version probe
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := ckGetUserKeys(ctx, m.km, m.userID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, m := range modes {
		name := "listUsers-" + strconv.Itoa(csUsers) + "/" + m.mode
		b.Run(name+"/cloudstack-go", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				l, err := csListUsers(m.c)
				if err != nil {
					b.Fatal(err)
				}
				if len(l.Users) != csUsers {
					b.Fatalf("%d users", len(l.Users))
				}
			}
		})
		b.Run(name+"/cloudkeys", func(b *testing.B) {
			if _, err := ckGetUserKeys(ctx, m.km, m.userID); err != nil { // the version probe
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				keys, err := ckListUsers(ctx, m.km)
				if err != nil {
					b.Fatal(err)
				}
				if len(keys) != csUsers {
					b.Fatalf("%d keys", len(keys))
				}
			}
		})
	}
}
