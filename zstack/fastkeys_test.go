package zstack_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/zstack"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

// keyOf is the Key GetKey and ListKeys made of an inventory before they
// read the answers in one pass (toKey).
func keyOf(inv *zstack.AccessKeyInventory) *cloudkeys.Key {
	return &cloudkeys.Key{
		Vendor: "zstack", ID: inv.UUID, AccessKey: inv.AccessKeyID, Secret: inv.AccessKeySecret,
		Owner: inv.AccountUUID, Description: inv.Description, Enabled: inv.State == zstack.AccessKeyEnabled,
		CreatedAt: inv.CreateDate,
	}
}

// TestGetKeyAndListKeysReadWhatTheInventoriesSay: over the fake, GetKey
// and ListKeys (one pass) read the keys GetAccessKey and QueryAccessKeys
// (the full inventory decode) read, over several pages, with an owner
// filter and disabled keys.
func TestGetKeyAndListKeysReadWhatTheInventoriesSay(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := zstacktest.NewServer(zstacktest.WithInMemory())
	defer srv.Close()
	c := srv.Client(fast())
	other := srv.CreateAccount("other", "password-1")
	for i := range 230 {
		owner := zstacktest.AdminAccountUUID
		if i%3 == 0 {
			owner = other
		}
		k := srv.SeedAccessKey(owner)
		if i%4 == 0 {
			require.NoError(t, c.SetKeyEnabled(ctx, k.UUID, false))
		}
	}
	for _, owner := range []string{"", other} {
		keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: owner}))
		require.NoError(t, err)
		var q zstack.Query
		if owner != "" {
			q.Conditions = []zstack.Condition{zstack.Eq("accountUuid", owner)}
		}
		var want []*cloudkeys.Key
		for inv, err := range c.QueryAccessKeys(ctx, q) {
			require.NoError(t, err)
			want = append(want, keyOf(inv))
		}
		require.Len(t, keys, len(want))
		require.Greater(t, len(keys), 70)
		for i, k := range keys {
			assert.Equal(t, want[i], k)
			got, err := c.GetKey(ctx, k.ID)
			require.NoError(t, err)
			inv, err := c.GetAccessKey(ctx, k.ID)
			require.NoError(t, err)
			assert.Equal(t, keyOf(inv), got)
		}
	}
}

// TestGetKeyAndListKeysFallBackToTheOldRead: answers the one-pass reader
// gives up on (a name in another case, a member twice, a value of another
// kind, text around the JSON, nothing) give GetKey and ListKeys the key or
// the error GetAccessKey and QueryAccessKeysPage give, and no error quotes
// the secret.
func TestGetKeyAndListKeysFallBackToTheOldRead(t *testing.T) {
	t.Parallel()
	const id = "ae353717ca7b4182bb87fb5d010235e8"
	inv := `{"uuid":"` + id + `","accountUuid":"dff4","AccessKeyID":"N3Tf05yXZUmSjCf6mYIB","AccessKeySecret":"` + invSecret + `","state":"Enabled","createDate":"Sep 6, 2018 1:50:06 PM"}`
	for _, body := range []string{
		`{"inventories":[` + inv + `]}`,
		`{"Inventories":[` + inv + `]}`,
		`{"inventories":[` + strings.Replace(inv, `"uuid"`, `"UUID"`, 1) + `]}`,
		`{"inventories":[` + strings.Replace(inv, `"state":"Enabled"`, `"state":"Disabled","state":"Enabled"`, 1) + `]}`,
		`{"inventories":[` + strings.Replace(inv, `"AccessKeySecret":"`+invSecret+`"`, `"AccessKeySecret":"`+invSecret+`","AccessKeySecret":null`, 1) + `]}`,
		`{"inventories":[` + strings.Replace(inv, `"state":"Enabled"`, `"state":1`, 1) + `]}`,
		`{"inventories":[` + inv + `],"total":"1"}`,
		`{"inventories":[` + inv + `]}` + phpNotice,
		`{"inventories":[]}`, `null`, ``, ` `, `[` + inv + `]`,
	} {
		c, mock := newMocked(t, zstack.SessionID("0123456789abcdef0123456789abcdef"))
		mock.RegisterResponder(http.MethodGet, mn+"/zstack/v1/accesskeys/"+id, func(*http.Request) (*http.Response, error) {
			return httpmock.NewStringResponse(http.StatusOK, body), nil
		})
		mock.RegisterResponder(http.MethodGet, mn+"/zstack/v1/accesskeys", func(*http.Request) (*http.Response, error) {
			return httpmock.NewStringResponse(http.StatusOK, body), nil
		})
		ctx := context.Background()

		got, err := c.GetKey(ctx, id)
		winv, werr := c.GetAccessKey(ctx, id)
		sameOutcome(t, body, got, err, winv, werr)

		keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
		page, werr := c.QueryAccessKeysPage(ctx, zstack.Query{Limit: 100, ReplyWithCount: true})
		if werr != nil || err != nil {
			sameOutcome(t, body, nil, err, nil, werr)
			continue
		}
		require.Len(t, keys, len(page.Inventories), body)
		for i, k := range keys {
			sameOutcome(t, body, k, nil, page.Inventories[i], nil)
		}
	}
}

// sameOutcome asserts that a key and error are those of the inventory and
// error of the old read.
func sameOutcome(t *testing.T, body string, got *cloudkeys.Key, err error, inv *zstack.AccessKeyInventory, werr error) {
	t.Helper()
	if werr != nil {
		require.Error(t, err, body)
		assert.Equal(t, werr.Error(), err.Error(), body)
		for _, kind := range []error{cloudkeys.ErrNotFound, cloudkeys.ErrServer, cloudkeys.ErrOutcomeUnknown} {
			assert.Equal(t, errors.Is(werr, kind), errors.Is(err, kind), body)
		}
		var ue *cloudkeys.UndecodableAnswerError
		assert.Equal(t, errors.As(werr, &ue), errors.As(err, &ue), body)
		assert.NotContains(t, err.Error(), invSecret)
		return
	}
	require.NoError(t, err, body)
	want := keyOf(inv)
	assert.True(t, got.Secret.Equal(want.Secret), body)
	got2, want2 := *got, *want
	got2.Secret, want2.Secret = cloudkeys.Secret{}, cloudkeys.Secret{}
	assert.Equal(t, want2, got2, body)
}

// TestListKeysDecodesOnlyKeyFields: ListKeys keeps what a Key takes of each
// inventory, read in one pass; over the same 100-key page it allocates
// clearly less than QueryAccessKeys, which decodes every field (measured
// over the in-memory fake, whose own work both counts include: 3005
// against 3613).
func TestListKeysDecodesOnlyKeyFields(t *testing.T) {
	srv := zstacktest.NewServer(zstacktest.WithInMemory())
	defer srv.Close()
	for range 100 {
		srv.SeedAccessKey(zstacktest.AdminAccountUUID)
	}
	c := srv.Client()
	ctx := context.Background()
	listKeys := testing.AllocsPerRun(10, func() {
		keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
		require.NoError(t, err)
		require.Len(t, keys, 100)
		srv.ResetRequests()
	})
	query := testing.AllocsPerRun(10, func() {
		n := 0
		for inv, err := range c.QueryAccessKeys(ctx, zstack.Query{}) {
			require.NoError(t, err)
			_ = keyOf(inv)
			n++
		}
		require.Equal(t, 100, n)
		srv.ResetRequests()
	})
	t.Logf("allocs: ListKeys %.0f, QueryAccessKeys %.0f", listKeys, query)
	assert.Less(t, listKeys, query-500, "about 6 fewer allocations per key")
}
