package huaweibcs_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
	"github.com/cloudkeys/cloudkeys/internal/huaweiwire"
)

var fastRetry = cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond})

func newFake(t *testing.T, opts ...huaweibcstest.Option) *huaweibcstest.Server {
	t.Helper()
	srv := huaweibcstest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// clients returns one client per authentication method.
func clients(srv *huaweibcstest.Server) map[string]*huaweibcs.Client {
	return map[string]*huaweibcs.Client{
		"aksk":     srv.Client(fastRetry),
		"token":    srv.TokenClient(fastRetry),
		"password": srv.PasswordClient(fastRetry),
	}
}

func TestLifecycleEveryAuthMethod(t *testing.T) {
	t.Parallel()
	for _, format := range []huaweibcstest.FileFormat{huaweibcstest.FileZIP, huaweibcstest.FileCSV} {
		srv := newFake(t, huaweibcstest.WithFileFormat(format))
		for name, c := range clients(srv) {
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				desc := "ci key " + name
				cc, err := c.CreateCredential(ctx, huaweibcs.CreateCredentialRequest{Description: desc})
				require.NoError(t, err)
				require.Len(t, cc.ID, 36)
				rec, ok := srv.Credential(cc.ID)
				require.True(t, ok)
				assert.Equal(t, rec.Secret.Reveal(), cc.APIKey.Reveal(), "the secret parsed from the file")
				assert.Equal(t, desc, rec.Description)
				assert.False(t, cc.File.IsZero())
				if format == huaweibcstest.FileZIP {
					assert.Equal(t, "application/zip", cc.ContentType)
				} else {
					assert.Equal(t, "application/octet-stream", cc.ContentType)
				}

				page, err := c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{Limit: 100})
				require.NoError(t, err)
				var found *huaweibcs.Credential
				for i := range page.Credentials {
					if page.Credentials[i].ID == cc.ID {
						found = &page.Credentials[i]
					}
				}
				require.NotNil(t, found)
				assert.Equal(t, desc, found.Description)
				assert.WithinDuration(t, rec.CreatedAt, found.CreatedAt, time.Microsecond)
				assert.False(t, found.LastUsedAt.IsZero())

				k, err := c.GetKey(ctx, cc.ID)
				require.NoError(t, err)
				assert.Equal(t, cc.ID, k.ID)
				assert.Equal(t, huaweibcstest.ProjectID, k.Owner)
				assert.True(t, k.Secret.IsZero(), "list never carries the secret")

				require.NoError(t, c.DeleteCredential(ctx, cc.ID))
				_, ok = srv.Credential(cc.ID)
				assert.False(t, ok)
				err = c.DeleteCredential(ctx, cc.ID)
				assert.ErrorIs(t, err, cloudkeys.ErrNotFound)
				ae := apiErr(t, err)
				assert.Equal(t, huaweibcs.CodeNotFound, ae.Code)
				assert.NotEmpty(t, ae.RequestID)
				_, err = c.GetKey(ctx, cc.ID)
				assert.ErrorIs(t, err, cloudkeys.ErrNotFound)
			})
		}
	}
}

func apiErr(t *testing.T, err error) *cloudkeys.APIError {
	t.Helper()
	var ae *cloudkeys.APIError
	require.True(t, errors.As(err, &ae), "want *APIError, got %T %v", err, err)
	return ae
}

func TestKeyManagerLifecycleAndRotate(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	var km cloudkeys.KeyManager = srv.Client(fastRetry)
	ctx := context.Background()
	assert.Equal(t, "huaweibcs", km.Vendor())
	caps, err := km.Capabilities(ctx)
	require.NoError(t, err)
	assert.Equal(t, cloudkeys.Capabilities{MultipleKeys: true, Delete: true}, caps)

	k, err := km.CreateKey(ctx, cloudkeys.CreateKeyRequest{Description: "app"})
	require.NoError(t, err)
	assert.False(t, k.Secret.IsZero())
	assert.True(t, k.Enabled)
	keys, err := cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	require.NoError(t, err)
	require.Len(t, keys, 1)

	var stored *cloudkeys.Key
	nk, err := cloudkeys.Rotate(ctx, km, k.ID, func(_ context.Context, n *cloudkeys.Key) error { stored = n; return nil })
	require.NoError(t, err)
	require.Same(t, stored, nk)
	assert.NotEqual(t, k.ID, nk.ID)
	assert.Equal(t, "app", nk.Description)
	require.Equal(t, 1, srv.CredentialCount())
	_, ok := srv.Credential(nk.ID)
	assert.True(t, ok)

	_, err = km.RotateKey(ctx, nk.ID)
	assert.ErrorIs(t, err, cloudkeys.ErrUnsupported)
	assert.ErrorIs(t, km.SetKeyEnabled(ctx, nk.ID, false), cloudkeys.ErrUnsupported)
	named, err := km.CreateKey(ctx, cloudkeys.CreateKeyRequest{Name: "x", Description: "d"})
	require.NoError(t, err, "a name the vendor cannot keep is ignored")
	assert.Empty(t, named.Name)
	assert.Equal(t, "d", named.Description)
	require.NoError(t, km.DeleteKey(ctx, named.ID))
	_, err = km.CreateKey(ctx, cloudkeys.CreateKeyRequest{ExpiresAt: time.Now().Add(time.Hour)})
	assert.ErrorIs(t, err, cloudkeys.ErrUnsupported)
	_, err = km.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: "someone"})
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	_, err = cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: "someone"}))
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	require.NoError(t, km.DeleteKey(ctx, nk.ID))
	assert.Equal(t, 0, srv.CredentialCount())
}

func TestPagingOverThousandKeys(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.SeedCredentials(1050)
	c := srv.Client(fastRetry)
	ctx := context.Background()
	srv.ResetRequests()

	var ids []string
	for cr, err := range c.ListCredentials(ctx, huaweibcs.ListCredentialsOptions{}) {
		require.NoError(t, err)
		ids = append(ids, cr.ID)
	}
	require.Len(t, ids, 1050)
	want := srv.Credentials()
	for i := range want {
		require.Equal(t, want[i].ID, ids[i])
	}
	reqs := srv.Requests()
	require.Len(t, reqs, 11, "pages of 100 (capped), the last one short")
	for i, r := range reqs {
		q, err := url.ParseQuery(r.RawQuery)
		require.NoError(t, err)
		assert.Equal(t, "1000", q.Get("limit"))
		assert.Equal(t, strconv.Itoa(i*100), q.Get("offset"))
	}

	// GetKey finds the last one.
	k, err := c.GetKey(ctx, want[1049].ID)
	require.NoError(t, err)
	assert.Equal(t, "seed-1049", k.Description)

	// Breaking off early stops fetching.
	srv.ResetRequests()
	n := 0
	for _, err := range c.ListCredentials(ctx, huaweibcs.ListCredentialsOptions{}) {
		require.NoError(t, err)
		n++
		if n == 150 {
			break
		}
	}
	assert.Len(t, srv.Requests(), 2)
}

func TestPagingPastOffsetLimit(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.SeedCredentials(1150)
	c := srv.Client(fastRetry)
	keys, err := cloudkeys.Collect(c.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
	require.Error(t, err)
	assert.ErrorIs(t, err, huaweibcs.ErrOffsetLimit)
	assert.ErrorIs(t, err, cloudkeys.ErrUnsupported)
	assert.Len(t, keys, 1100)
	assert.Contains(t, err.Error(), "listed 1100 of 1150")
}

// TestListCredentialsPages: Next leads page by page through what the
// iterator yields, from any Offset; past offset 1000 it is nil while Count
// says more exist.
func TestListCredentialsPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		seed      int
		opts      huaweibcs.ListCredentialsOptions
		pages     int
		unreached int // credentials Count reports that no page reaches
	}{
		{0, huaweibcs.ListCredentialsOptions{Limit: 100}, 1, 0},
		{25, huaweibcs.ListCredentialsOptions{}, 3, 0}, // the server's default page: 10
		{250, huaweibcs.ListCredentialsOptions{Limit: 100}, 3, 0},
		{250, huaweibcs.ListCredentialsOptions{Limit: 50}, 5, 0},
		{250, huaweibcs.ListCredentialsOptions{Offset: 120, Limit: 100}, 2, 0},
		{1150, huaweibcs.ListCredentialsOptions{Offset: 950, Limit: 100}, 1, 100},
	} {
		t.Run(fmt.Sprintf("%d %+v", tc.seed, tc.opts), func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, huaweibcstest.WithInMemory())
			srv.SeedCredentials(tc.seed)
			c := srv.Client(fastRetry)
			var paged []string
			pages, count := 0, 0
			for next := &tc.opts; next != nil; pages++ {
				p, err := c.ListCredentialsPage(ctx, *next)
				require.NoError(t, err)
				for _, cr := range p.Credentials {
					paged = append(paged, cr.ID)
				}
				next, count = p.Next, p.Count
			}
			assert.Equal(t, tc.pages, pages)
			assert.Equal(t, tc.seed, count)
			assert.Len(t, paged, tc.seed-tc.opts.Offset-tc.unreached)
			var listed []string
			var lerr error
			for cr, err := range c.ListCredentials(ctx, tc.opts) {
				if err != nil {
					lerr = err
					break
				}
				listed = append(listed, cr.ID)
			}
			assert.Equal(t, paged, listed)
			if tc.unreached > 0 {
				assert.ErrorIs(t, lerr, huaweibcs.ErrOffsetLimit)
			} else {
				assert.NoError(t, lerr)
			}
		})
	}
	c := newFake(t, huaweibcstest.WithInMemory()).Client(fastRetry)
	_, err := cloudkeys.Collect(func(yield func(*cloudkeys.Key, error) bool) {
		for _, err := range c.AllCredentials(ctx) {
			if !yield(nil, err) {
				return
			}
		}
	})
	assert.NoError(t, err)
}

func TestLostCreateIsOutcomeUnknownWithExactlyOneKey(t *testing.T) {
	t.Parallel()
	for _, inMemory := range []bool{false, true} {
		var opts []huaweibcstest.Option
		if inMemory {
			opts = append(opts, huaweibcstest.WithInMemory())
		}
		srv := newFake(t, opts...)
		c := srv.Client(fastRetry)
		srv.CommitThenDrop(1)
		cc, err := c.CreateCredential(context.Background(), huaweibcs.CreateCredentialRequest{Description: "lost"})
		require.Error(t, err)
		assert.Nil(t, cc)
		assert.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
		assert.Equal(t, 1, srv.CredentialCount(), "exactly one key, never re-sent")
		assert.Len(t, srv.Requests(), 1)

		// A gateway that lost the answer (504) is also unknown, never retried.
		srv.ResetRequests()
		srv.FailNextWith(1, huaweibcstest.Fault{Commit: true, Status: http.StatusGatewayTimeout})
		_, err = c.CreateCredential(context.Background(), huaweibcs.CreateCredentialRequest{Description: "lost2"})
		assert.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
		assert.Equal(t, 2, srv.CredentialCount())
		assert.Len(t, srv.Requests(), 1)

		// A 429 on create is not re-sent either, and is a rate limit.
		srv.FailNext(1, http.StatusTooManyRequests)
		_, err = c.CreateCredential(context.Background(), huaweibcs.CreateCredentialRequest{})
		assert.ErrorIs(t, err, cloudkeys.ErrRateLimited)
		assert.Equal(t, 2, srv.CredentialCount())
	}
}

func TestDeleteRetriedAfterLostAnswerIsSuccess(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c := srv.Client(fastRetry)
	rec := srv.AddCredential("x")
	srv.CommitThenDrop(1)
	require.NoError(t, c.DeleteCredential(context.Background(), rec.ID))
	assert.Equal(t, 0, srv.CredentialCount())
	assert.Len(t, srv.Requests(), 2)

	// A first-attempt 404 is a real not-found.
	err := c.DeleteCredential(context.Background(), rec.ID)
	assert.ErrorIs(t, err, cloudkeys.ErrNotFound)
}

func TestReadsRetried(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		fault huaweibcstest.Fault
	}{
		{"429 APIGW.0308", huaweibcstest.Fault{Status: 429}},
		{"429 BCS.03429001", huaweibcstest.Fault{Status: 429, Body: []byte(`{"code":"429","error_code":"BCS.03429001","error_msg":"Reach maximum parallel tasks.","message":"wait"}`)}},
		{"400 carrying APIGW.0308", huaweibcstest.Fault{Status: 400, Body: []byte(`{"error_code":"APIGW.0308","error_msg":"throttled","request_id":"r"}`)}},
		{"503", huaweibcstest.Fault{Status: 503}},
		{"502", huaweibcstest.Fault{Status: 502}},
		{"drop", huaweibcstest.Fault{Drop: true}},
		{"429 Retry-After", huaweibcstest.Fault{Status: 429, Header: http.Header{"Retry-After": {"1"}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t)
			srv.AddCredential("a")
			c := srv.Client(fastRetry)
			srv.FailNextWith(2, tc.fault)
			page, err := c.ListCredentialsPage(context.Background(), huaweibcs.ListCredentialsOptions{})
			require.NoError(t, err)
			assert.Equal(t, 1, page.Count)
			assert.Len(t, srv.Requests(), 3)
		})
	}
}

func TestErrorMappings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		fault    huaweibcstest.Fault
		sentinel error
		code     string
		attempts int
	}{
		{"rate limited after retries", huaweibcstest.Fault{Status: 429}, cloudkeys.ErrRateLimited, "APIGW.0308", 3},
		{"500 service", huaweibcstest.Fault{Status: 500}, cloudkeys.ErrServer, "BCS.03500001", 1},
		{"400 service", huaweibcstest.Fault{Status: 400}, cloudkeys.ErrInvalidRequest, "BCS.03400001", 1},
		{"401 gateway", huaweibcstest.Fault{Status: 401}, cloudkeys.ErrUnauthorized, "APIGW.0301", 1},
		{"403 gateway", huaweibcstest.Fault{Status: 403}, cloudkeys.ErrForbidden, "APIGW.0310", 1},
		{"html proxy page", huaweibcstest.Fault{Status: 502, Body: []byte("<html><body><h1>502 Bad Gateway</h1></body></html>")}, cloudkeys.ErrServer, "", 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t)
			c := srv.Client(fastRetry)
			srv.FailNextWith(3, tc.fault)
			_, err := c.ListCredentialsPage(context.Background(), huaweibcs.ListCredentialsOptions{})
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.sentinel)
			ae := apiErr(t, err)
			assert.Equal(t, tc.code, ae.Code)
			assert.Equal(t, tc.attempts, ae.Attempts)
			assert.Equal(t, huaweibcs.OpList, ae.Operation)
			assert.Equal(t, "huaweibcs", ae.Vendor)
			assert.NotEmpty(t, ae.Message)
			if tc.code != "" {
				assert.NotEmpty(t, ae.RequestID)
			}
		})
	}
}

func TestServiceValidationErrors(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c := srv.Client(fastRetry)
	ctx := context.Background()
	// Unknown but well-formed id.
	err := c.DeleteCredential(ctx, "11111111-2222-3333-4444-555555555555")
	assert.ErrorIs(t, err, cloudkeys.ErrNotFound)
	ae := apiErr(t, err)
	assert.Equal(t, "BCS.03404001", ae.Code)
	assert.Contains(t, ae.Message, "Resource not found")
	assert.Contains(t, ae.Message, "not found")

	// Another project.
	other, err := huaweibcs.New(srv.URL(), "fedcba9876543210fedcba9876543210", huaweibcs.AKSK(huaweibcstest.AccessKey, huaweibcstest.SecretKey), fastRetry)
	require.NoError(t, err)
	_, err = other.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	assert.ErrorIs(t, err, cloudkeys.ErrForbidden)
	assert.Equal(t, "APIGW.0310", apiErr(t, err).Code)
}

func TestValidationBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c := srv.Client(fastRetry)
	ctx := context.Background()
	long := strings.Repeat("é", 101)
	checks := []struct {
		name string
		err  error
	}{
		{"offset<0", func() error {
			_, e := c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{Offset: -1})
			return e
		}()},
		{"offset>1000", func() error {
			_, e := c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{Offset: 1001})
			return e
		}()},
		{"limit>1000", func() error {
			_, e := c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{Limit: 1001})
			return e
		}()},
		{"limit<0", func() error {
			_, e := c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{Limit: -1})
			return e
		}()},
		{"description", func() error {
			_, e := c.CreateCredential(ctx, huaweibcs.CreateCredentialRequest{Description: long})
			return e
		}()},
		{"delete id short", c.DeleteCredential(ctx, "abc")},
		{"delete id path", c.DeleteCredential(ctx, "../../../../../../../../../../../../x")},
		{"get id", func() error { _, e := c.GetKey(ctx, "x"); return e }()},
	}
	for _, ch := range checks {
		assert.ErrorIs(t, ch.err, cloudkeys.ErrInvalidRequest, ch.name)
		var ie *cloudkeys.InvalidInputError
		assert.True(t, errors.As(ch.err, &ie), ch.name)
	}
	assert.Empty(t, srv.Requests(), "nothing was sent")

	// A 100-character description is fine.
	_, err := c.CreateCredential(ctx, huaweibcs.CreateCredentialRequest{Description: strings.Repeat("é", 100)})
	require.NoError(t, err)

	// Constructor checks.
	for _, tc := range []struct {
		pid   string
		creds huaweibcs.Credentials
		ep    string
	}{
		{"short", huaweibcs.Token("t"), ""},
		{strings.Repeat("a", 31) + "/", huaweibcs.Token("t"), ""},
		{huaweibcstest.ProjectID, huaweibcs.Token(""), ""},
		{huaweibcstest.ProjectID, huaweibcs.AKSK("", "sk"), ""},
		{huaweibcstest.ProjectID, huaweibcs.AKSK("ak", ""), ""},
		{huaweibcstest.ProjectID, huaweibcs.Password("", "d", "u", "p"), ""},
		{huaweibcstest.ProjectID, huaweibcs.Password("ftp://x", "d", "u", "p"), ""},
		{huaweibcstest.ProjectID, huaweibcs.Password("https://iam", "", "u", "p"), ""},
		{huaweibcstest.ProjectID, huaweibcs.Password("https://iam", "d", "u", ""), ""},
		{huaweibcstest.ProjectID, huaweibcs.Credentials{}, ""},
		{huaweibcstest.ProjectID, huaweibcs.Token("t"), "not a url"},
	} {
		_, err := huaweibcs.New(tc.ep, tc.pid, tc.creds)
		assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	}
	c2, err := huaweibcs.New("", huaweibcstest.ProjectID, huaweibcs.Token("t"))
	require.NoError(t, err)
	assert.Equal(t, huaweibcstest.ProjectID, c2.ProjectID())
}

func TestAKSKRejectedByFake(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	ctx := context.Background()

	bad, err := huaweibcs.New(srv.URL(), huaweibcstest.ProjectID, huaweibcs.AKSK(huaweibcstest.AccessKey, "wrong-secret"), fastRetry)
	require.NoError(t, err)
	_, err = bad.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	assert.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
	assert.Equal(t, huaweibcs.CodeGatewayAuth, apiErr(t, err).Code)
	assert.Equal(t, 1, apiErr(t, err).Attempts, "a 401 is not retried")

	unknown, err := huaweibcs.New(srv.URL(), huaweibcstest.ProjectID, huaweibcs.AKSK("NOSUCHAK", "x"), fastRetry)
	require.NoError(t, err)
	_, err = unknown.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	assert.ErrorIs(t, err, cloudkeys.ErrUnauthorized)

	// Clock skew beyond 15 minutes either way.
	for _, skew := range []time.Duration{16 * time.Minute, -16 * time.Minute} {
		c := srv.Client(fastRetry, cloudkeys.WithClock(func() time.Time { return srv.Now().Add(skew) }))
		_, err = c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
		assert.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
		assert.Equal(t, huaweibcs.CodeGatewayAppAuth, apiErr(t, err).Code)
	}
	// Within the window it works, and a moved server clock is followed.
	c := srv.Client(fastRetry, cloudkeys.WithClock(func() time.Time { return srv.Now().Add(14 * time.Minute) }))
	_, err = c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	require.NoError(t, err)
	srv.Clock().Set(time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC))
	_, err = srv.Client(fastRetry).ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	require.NoError(t, err)

	// No credentials at all.
	resp, err := http.Get(srv.URL() + "/v1/" + huaweibcstest.ProjectID + "/node-provider/credentials")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))

	// Temporary credentials sign X-Security-Token too.
	srv.AddAccessKey("TEMPAK", "tempsk")
	tc, err := huaweibcs.New(srv.URL(), huaweibcstest.ProjectID, huaweibcs.TemporaryAKSK("TEMPAK", "tempsk", "sessiontoken"), fastRetry, cloudkeys.WithClock(srv.Now))
	require.NoError(t, err)
	_, err = tc.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	require.NoError(t, err)
	last := srv.Requests()[len(srv.Requests())-1]
	assert.Equal(t, "sessiontoken", last.Header.Get("X-Security-Token"))
	assert.Contains(t, last.Header.Get("Authorization"), "SignedHeaders=host;x-project-id;x-sdk-date;x-security-token,")
}

// TestSignedRawRequestsVerify signs requests with queries, Unicode paths
// and values and bodies with SignAKSK and sends them to the fake: the
// gateway check passes (the unknown API answers 404 APIGW.0101, not 401),
// and a tampered copy is refused.
func TestSignedRawRequestsVerify(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	cases := []struct {
		method, path, query string
		body                []byte
	}{
		{"GET", "/v1/" + huaweibcstest.ProjectID + "/node-provider/ünïcødé/a b", "q=%E4%B8%80+x&a=1&a=0&empty=&path=%2Ftmp%2F", nil},
		{"POST", "/v1/" + huaweibcstest.ProjectID + "/node-provider/x%2Fy", "", []byte("{\"description\":\"ü\"}\n")},
		{"PUT", "/v1/" + huaweibcstest.ProjectID + "/node-provider/credentials/", "limit=1&limit=10", []byte{0, 1, 2, 0xff}},
		{"GET", "/other", "x=(%26%3D%3F)*", nil},
	}
	for _, tc := range cases {
		send := func(tamper bool) int {
			u, err := url.Parse(srv.URL() + tc.path)
			require.NoError(t, err)
			u.RawQuery = tc.query
			h := http.Header{}
			h.Set(huaweiwire.HeaderSdkDate, srv.Now().UTC().Format(huaweiwire.DateFormat))
			h.Set(huaweibcs.HeaderProjectID, huaweibcstest.ProjectID)
			h.Set("X-Custom", " spaced value ")
			h.Set("Content-Type", "application/json")
			auth, err := huaweiwire.SignAKSK(huaweibcstest.AccessKey, huaweibcstest.SecretKey, tc.method, u, h, "host;x-custom;x-project-id;x-sdk-date", tc.body)
			require.NoError(t, err)
			h.Set("Authorization", auth)
			body := tc.body
			if tamper {
				body = append(append([]byte(nil), body...), ' ')
			}
			req, err := http.NewRequest(tc.method, u.String(), bytes.NewReader(body))
			require.NoError(t, err)
			req.Header = h
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			_ = resp.Body.Close()
			return resp.StatusCode
		}
		assert.Equal(t, http.StatusNotFound, send(false), tc.path)
		assert.Equal(t, http.StatusUnauthorized, send(true), tc.path)
	}
}

func TestTokenClient(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c := srv.TokenClient(fastRetry)
	ctx := context.Background()
	_, err := c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	require.NoError(t, err)
	assert.Empty(t, srv.Requests()[0].Header.Get("Authorization"))
	assert.NotEmpty(t, srv.Requests()[0].Header.Get("X-Auth-Token"))

	srv.Clock().Advance(25 * time.Hour)
	_, err = c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	assert.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
	assert.Equal(t, huaweibcs.CodeAuthFailed, apiErr(t, err).Code)

	bogus, err := huaweibcs.New(srv.URL(), huaweibcstest.ProjectID, huaweibcs.Token("bogus-token"), fastRetry)
	require.NoError(t, err)
	_, err = bogus.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	assert.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
}

func TestPasswordLoginCachingExpiryAndRefresh(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.Clock().Set(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	c := srv.PasswordClient(fastRetry)
	ctx := context.Background()

	for range 5 {
		_, err := c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
		require.NoError(t, err)
	}
	assert.Equal(t, 1, srv.Logins(), "the token is cached")
	login := srv.Requests()[0]
	assert.Equal(t, "/v3/auth/tokens", login.Path)
	assert.Equal(t, http.MethodPost, login.Method)
	assert.JSONEq(t, `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","password":"admin-Passw0rd!","domain":{"name":"example-account"}}}},"scope":{"project":{"id":"`+huaweibcstest.ProjectID+`"}}}}`, string(login.Body))
	assert.Empty(t, login.Header.Get("X-Auth-Token"))
	assert.Empty(t, login.Header.Get("Authorization"))

	// Shortly before expiry (24 h) the token is renewed.
	srv.Clock().Advance(24*time.Hour - 4*time.Minute)
	_, err := c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	require.NoError(t, err)
	assert.Equal(t, 2, srv.Logins())

	// A token revoked server-side: 401, one new login, the call repeated.
	srv.RevokeTokens()
	srv.ResetRequests()
	_, err = c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	require.NoError(t, err)
	assert.Equal(t, 3, srv.Logins())
	assert.Len(t, srv.Requests(), 3, "list (401), login, list")

	// Same for a create and a delete.
	srv.RevokeTokens()
	cc, err := c.CreateCredential(ctx, huaweibcs.CreateCredentialRequest{Description: "d"})
	require.NoError(t, err)
	assert.Equal(t, 1, srv.CredentialCount())
	srv.RevokeTokens()
	require.NoError(t, c.DeleteCredential(ctx, cc.ID))
	assert.Equal(t, 5, srv.Logins())

	// Short-lived tokens are renewed before they expire.
	srv.SetTokenTTL(4 * time.Minute)
	srv.RevokeTokens()
	_, err = c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	require.NoError(t, err)
	n := srv.Logins()
	srv.Clock().Advance(time.Minute)
	_, err = c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	require.NoError(t, err)
	assert.Equal(t, n, srv.Logins())
	srv.Clock().Advance(90 * time.Second)
	_, err = c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	require.NoError(t, err)
	assert.Equal(t, n+1, srv.Logins())
}

func TestPasswordSingleFlight(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.SetDelay(20 * time.Millisecond) // make the callers overlap
	c := srv.PasswordClient(fastRetry)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for range 32 {
		wg.Go(func() {
			_, err := c.ListCredentialsPage(context.Background(), huaweibcs.ListCredentialsOptions{})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 1, srv.Logins(), "one login shared by all callers")
}

func TestPasswordLoginFailures(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	ctx := context.Background()
	c, err := huaweibcs.New(srv.URL(), huaweibcstest.ProjectID, huaweibcs.Password(srv.IAMEndpoint()+"/v3", huaweibcstest.Domain, huaweibcstest.User, "wrong-password"), fastRetry)
	require.NoError(t, err)
	_, err = c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	require.Error(t, err)
	assert.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
	ae := apiErr(t, err)
	assert.Equal(t, huaweibcs.LoginOperation, ae.Operation)
	assert.Contains(t, ae.Message, "username or password is wrong")
	assert.Equal(t, 0, srv.Logins())
	for _, r := range srv.Requests() {
		assert.Equal(t, "/v3/auth/tokens", r.Path, "no API call without a token")
	}

	// Login answers retried like reads when throttled.
	srv.ResetRequests()
	srv.FailNext(1, http.StatusServiceUnavailable)
	_, err = srv.PasswordClient(fastRetry).ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	require.NoError(t, err)

	// Concurrent callers see the login error too, and a cancelled context
	// stops a waiting caller.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = srv.PasswordClient(fastRetry).ListCredentialsPage(cctx, huaweibcs.ListCredentialsOptions{})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	for name, c := range clients(srv) {
		t.Run(name, func(t *testing.T) {
			var wg sync.WaitGroup
			errs := make(chan error, 40)
			for range 20 {
				wg.Go(func() {
					cc, err := c.CreateCredential(context.Background(), huaweibcs.CreateCredentialRequest{Description: name})
					if err != nil {
						errs <- err
						return
					}
					if _, err := c.GetKey(context.Background(), cc.ID); err != nil {
						errs <- err
					}
					errs <- c.DeleteCredential(context.Background(), cc.ID)
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
		})
	}
	assert.Equal(t, 0, srv.CredentialCount())
}

// A key restricted by an access policy is never replaced by an unrestricted
// one: the create API cannot set a policy, so Rotate (through ReplaceKey)
// refuses before creating anything, and the old key stays.
func TestRotateRefusesKeyWithAccessPolicy(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c := srv.Client(fastRetry)
	ctx := context.Background()
	node := "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
	for name, p := range map[string]huaweibcstest.Policy{
		"node_ids":     {NodeIDs: []string{node}},
		"control_type": {ControlType: "whitelist"},
		"allowlists":   {Allowlists: []huaweibcs.Allowlist{{Type: "ip", Info: "203.0.113.7"}}},
		"all":          {NodeIDs: []string{node}, ControlType: "whitelist", Allowlists: []huaweibcs.Allowlist{{Type: "origin", Info: "https://app.example"}}},
	} {
		t.Run(name, func(t *testing.T) {
			rec := srv.AddCredentialWithPolicy("restricted "+name, p)
			cr := findCredential(t, c, rec.ID)
			require.True(t, cr.HasAccessPolicy())
			assert.Equal(t, p.NodeIDs, cr.NodeIDs)
			assert.Equal(t, p.ControlType, cr.ControlType)
			assert.Equal(t, p.Allowlists, cr.Allowlists)

			before := srv.CredentialCount()
			stored := false
			nk, err := cloudkeys.Rotate(ctx, c, rec.ID, func(context.Context, *cloudkeys.Key) error { stored = true; return nil })
			require.Error(t, err)
			assert.Nil(t, nk)
			assert.ErrorIs(t, err, cloudkeys.ErrUnsupported)
			assert.Contains(t, err.Error(), "access policy")
			assert.False(t, stored)
			assert.Equal(t, before, srv.CredentialCount(), "nothing created")
			_, ok := srv.Credential(rec.ID)
			assert.True(t, ok, "the old key stays")
			for _, r := range srv.Requests() {
				assert.NotEqual(t, http.MethodPost, r.Method, "no create was sent")
			}

			_, err = c.ReplaceKey(ctx, &cloudkeys.Key{ID: rec.ID}, cloudkeys.CreateKeyRequest{Description: rec.Description})
			assert.ErrorIs(t, err, cloudkeys.ErrUnsupported)
			assert.Equal(t, before, srv.CredentialCount())
		})
	}
}

// A key without a policy is replaced through ReplaceKey; bad input and a
// vanished key are refused before any create.
func TestReplaceKey(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c := srv.Client(fastRetry)
	ctx := context.Background()
	var _ cloudkeys.KeyReplacer = c
	old := srv.AddCredential("plain")
	nk, err := c.ReplaceKey(ctx, &cloudkeys.Key{ID: old.ID}, cloudkeys.CreateKeyRequest{Description: "plain"})
	require.NoError(t, err)
	assert.False(t, nk.Secret.IsZero())
	rec, ok := srv.Credential(nk.ID)
	require.True(t, ok)
	assert.True(t, rec.Secret.Equal(nk.Secret))
	assert.Equal(t, "plain", rec.Description)

	srv.ResetRequests()
	_, err = c.ReplaceKey(ctx, nil, cloudkeys.CreateKeyRequest{})
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	_, err = c.ReplaceKey(ctx, &cloudkeys.Key{ID: "x"}, cloudkeys.CreateKeyRequest{})
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	_, err = c.ReplaceKey(ctx, &cloudkeys.Key{ID: old.ID}, cloudkeys.CreateKeyRequest{ExpiresAt: time.Now().Add(time.Hour)})
	assert.ErrorIs(t, err, cloudkeys.ErrUnsupported)
	_, err = c.ReplaceKey(ctx, &cloudkeys.Key{ID: old.ID}, cloudkeys.CreateKeyRequest{Owner: "someone"})
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	assert.Empty(t, srv.Requests(), "checked before any request")

	_, err = c.ReplaceKey(ctx, &cloudkeys.Key{ID: "11111111-2222-3333-4444-555555555555"}, cloudkeys.CreateKeyRequest{})
	assert.ErrorIs(t, err, cloudkeys.ErrNotFound)
	assert.Equal(t, 2, srv.CredentialCount())
}

func findCredential(t *testing.T, c *huaweibcs.Client, id string) *huaweibcs.Credential {
	t.Helper()
	for cr, err := range c.ListCredentials(context.Background(), huaweibcs.ListCredentialsOptions{}) {
		require.NoError(t, err)
		if cr.ID == id {
			return cr
		}
	}
	t.Fatalf("credential %s not listed", id)
	return nil
}

// A key created with a file this package cannot read: the raw file (the
// one-time secret) reaches CreateKey's caller through *CreateFileError, no
// secret is in the error text, and cloudkeys.Rotate deletes the
// half-created key, even when the file gave no id.
func TestCreateKeyUnreadableFileKeepsSecretAndRotateLeavesNoStrayKey(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		file   func(huaweibcstest.CredentialRecord) string
		withID bool // the file gives the id
	}{
		{"id and an unnamed value", func(r huaweibcstest.CredentialRecord) string {
			return "Credential ID,Value\n" + r.ID + "," + r.Secret.Reveal() + "\n"
		}, true},
		{"api key only", func(r huaweibcstest.CredentialRecord) string {
			return "API Key\n" + r.Secret.Reveal() + "\n"
		}, false},
	}
	for _, tc := range cases {
		for _, format := range []huaweibcstest.FileFormat{huaweibcstest.FileCSV, huaweibcstest.FileZIP} {
			t.Run(fmt.Sprintf("%s/format%d", tc.name, format), func(t *testing.T) {
				t.Parallel()
				srv := newFake(t, huaweibcstest.WithFileFormat(format))
				var raw sync.Map // id -> file content
				srv.SetCredentialFile(func(r huaweibcstest.CredentialRecord) []byte {
					f := tc.file(r)
					raw.Store(r.ID, f)
					return []byte(f)
				})
				c := srv.Client(fastRetry)
				ctx := context.Background()

				k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Description: "app"})
				require.Error(t, err)
				require.NotNil(t, k, "the partial key comes with the error")
				recs := srv.Credentials()
				require.Len(t, recs, 1)
				rec := recs[0]
				var cfe *huaweibcs.CreateFileError
				require.ErrorAs(t, err, &cfe)
				var fe *huaweibcs.FileError
				assert.ErrorAs(t, err, &fe)
				want, _ := raw.Load(rec.ID)
				if format == huaweibcstest.FileCSV {
					assert.Equal(t, want, cfe.File.Reveal(), "the raw file, byte for byte")
					assert.Contains(t, cfe.File.Reveal(), rec.Secret.Reveal())
				} else {
					assert.True(t, strings.HasPrefix(cfe.File.Reveal(), "PK\x03\x04"), "the raw ZIP")
				}
				if tc.withID {
					assert.Equal(t, rec.ID, cfe.ID)
					assert.Equal(t, rec.ID, k.ID)
					assert.Contains(t, err.Error(), rec.ID)
				} else {
					assert.Empty(t, cfe.ID)
					assert.True(t, rec.Secret.Equal(k.Secret), "the secret the file gave")
				}
				for _, s := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%+v", cfe), fmt.Sprintf("%#v", k)} {
					assert.NotContains(t, s, rec.Secret.Reveal())
				}
				require.NoError(t, c.DeleteKey(ctx, rec.ID))

				// Rotate: the half-created replacement is deleted, the old key stays.
				old := srv.AddCredential("app")
				stored := false
				nk, err := cloudkeys.Rotate(ctx, c, old.ID, func(context.Context, *cloudkeys.Key) error { stored = true; return nil })
				require.Error(t, err)
				assert.Nil(t, nk)
				assert.False(t, stored)
				assert.ErrorAs(t, err, &cfe, "the raw file is reachable from Rotate's error too")
				assert.NotEmpty(t, cfe.ID)
				assert.Contains(t, err.Error(), "was deleted")
				recs = srv.Credentials()
				require.Len(t, recs, 1, "no stray key")
				assert.Equal(t, old.ID, recs[0].ID)
			})
		}
	}
}

// Credentials with control characters (a value read from a file with its
// newline) are refused by New, naming the field, never the value; nothing
// is sent.
func TestCredentialsWithControlCharactersRefused(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	iam := srv.IAMEndpoint()
	for _, tc := range []struct {
		field, value string
		creds        huaweibcs.Credentials
	}{
		{"Token", "tok-value-1\n", huaweibcs.Token("tok-value-1\n")},
		{"Token", "tok-value-2\r", huaweibcs.Token("tok-value-2\r")},
		{"AKSK.ak", "ak-value-3\x00", huaweibcs.AKSK("ak-value-3\x00", "sk-good")},
		{"AKSK.sk", "sk-value-4\n", huaweibcs.AKSK("ak-good", "sk-value-4\n")},
		{"AKSK.sk", "sk-value-5\x7f", huaweibcs.AKSK("ak-good", "sk-value-5\x7f")},
		{"AKSK.sk", "sk-value-6\xff", huaweibcs.AKSK("ak-good", "sk-value-6\xff")},
		{"TemporaryAKSK.securityToken", "st-value-7\n", huaweibcs.TemporaryAKSK("ak-good", "sk-good", "st-value-7\n")},
		{"Password.password", "pw-value-8\n", huaweibcs.Password(iam, "d", "u", "pw-value-8\n")},
		{"Password.password", "pw-value-9\u0085", huaweibcs.Password(iam, "d", "u", "pw-value-9\u0085")},
		{"Password.user", "user-value-10\t", huaweibcs.Password(iam, "d", "user-value-10\t", "pw")},
		{"Password.domain", "dom-value-11\n", huaweibcs.Password(iam, "dom-value-11\n", "u", "pw")},
	} {
		_, err := huaweibcs.New(srv.URL(), huaweibcstest.ProjectID, tc.creds)
		require.Error(t, err, tc.field)
		assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest, tc.field)
		var ie *cloudkeys.InvalidInputError
		require.ErrorAs(t, err, &ie, tc.field)
		assert.Equal(t, tc.field, ie.Field)
		v := tc.value[:strings.IndexFunc(tc.value, func(r rune) bool { return unicode.IsControl(r) || r == utf8.RuneError })]
		require.NotEmpty(t, v)
		for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			assert.NotContains(t, s, v, tc.field)
		}
	}
	assert.Empty(t, srv.Requests(), "nothing was sent")
	// Inner spaces and non-ASCII letters are fine.
	_, err := huaweibcs.New(srv.URL(), huaweibcstest.ProjectID, huaweibcs.Password(iam, "d", "u", "pässwort mit leerzeichen"))
	require.NoError(t, err)
}

// With Password credentials, a create answered 401 because the cached token
// expired is repeated once with a fresh token and leaves exactly one key: a
// 401 means the create was not carried out. A second 401 is returned, not
// repeated again.
func TestPasswordCreateAfterExpiredTokenRepeatedOnce(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	srv.Clock().Set(t0)
	// The client's clock lags: it holds the token for valid after the
	// server has let it expire.
	c := srv.PasswordClient(fastRetry, cloudkeys.WithClock(func() time.Time { return t0 }))
	ctx := context.Background()
	_, err := c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	require.NoError(t, err)
	require.Equal(t, 1, srv.Logins())

	srv.Clock().Advance(25 * time.Hour) // the token has expired on the server
	srv.ResetRequests()
	cc, err := c.CreateCredential(ctx, huaweibcs.CreateCredentialRequest{Description: "after expiry"})
	require.NoError(t, err)
	assert.Equal(t, 1, srv.CredentialCount(), "exactly one key")
	rec, ok := srv.Credential(cc.ID)
	require.True(t, ok)
	assert.True(t, rec.Secret.Equal(cc.APIKey))
	assert.Equal(t, 2, srv.Logins())
	var paths []string
	for _, r := range srv.Requests() {
		paths = append(paths, r.Method+" "+r.Path)
	}
	create := http.MethodPost + " /v1/" + huaweibcstest.ProjectID + "/node-provider/credentials"
	assert.Equal(t, []string{create, http.MethodPost + " /v3/auth/tokens", create}, paths,
		"create (401, token expired), login, create repeated once")

	// A 401 to the repeat too: returned, no third create.
	srv.ResetRequests()
	srv.FailNextWith(2, huaweibcstest.Fault{Status: http.StatusUnauthorized, Match: func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/credentials")
	}})
	_, err = c.CreateCredential(ctx, huaweibcs.CreateCredentialRequest{Description: "refused"})
	assert.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
	posts := 0
	for _, r := range srv.Requests() {
		if r.Path != "/v3/auth/tokens" {
			posts++
		}
	}
	assert.Equal(t, 2, posts, "one repeat only")
	assert.Equal(t, 1, srv.CredentialCount())
}
