package zstack_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/zstack"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

func TestConditionBuilder(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		c    zstack.Condition
		want string
	}{
		{zstack.Eq("uuid", "abc"), "uuid=abc"},
		{zstack.NotEq("state", "Enabled"), "state!=Enabled"},
		{zstack.Gt("createDate", "a"), "createDate>a"},
		{zstack.Lt("createDate", "a"), "createDate<a"},
		{zstack.Gte("createDate", "a"), "createDate>=a"},
		{zstack.Lte("createDate", "a"), "createDate<=a"},
		{zstack.In("state", "Enabled", "Disabled"), "state?=Enabled,Disabled"},
		{zstack.NotIn("state", "Enabled"), "state!?=Enabled"},
		{zstack.Like("description", "ci-%"), "description~=ci-%"},
		{zstack.NotLike("description", "_x"), "description!~=_x"},
		{zstack.IsNull("description"), "description is null"},
		{zstack.NotNull("description"), "description not null"},
		{zstack.Eq("vmNics.ip", "10.0.0.1"), "vmNics.ip=10.0.0.1"},
		{zstack.Eq("description", "a=b=c"), "description=a=b=c"},
		{zstack.Eq("description", "x&q=uuid"), "description=x&q=uuid"},
		{zstack.Eq("description", ""), "description="},
	} {
		require.NoError(t, tc.c.Err(), tc.want)
		assert.Equal(t, tc.want, tc.c.String())
	}
	// Values the server would split elsewhere are refused: no injection.
	for name, c := range map[string]zstack.Condition{
		"!= in an Eq value":  zstack.Eq("accountUuid", "x!=y"),
		">= in an Eq value":  zstack.Eq("accountUuid", "a>=b"),
		"~= in an Eq value":  zstack.Eq("description", "%~=x"),
		"field with op":      zstack.Eq("uuid=x", "y"),
		"field with space":   zstack.Eq("uuid ", "y"),
		"empty field":        zstack.Eq("", "y"),
		"comma in In":        zstack.In("state", "a,b"),
		"no values":          zstack.In("state"),
		"control char":       zstack.Eq("description", "a\nb"),
		"= in a Gt value":    zstack.Gt("createDate", "a=b"),
		"zero Condition":     {},
		"is null in a field": zstack.IsNull("x is null"),
	} {
		assert.ErrorIs(t, c.Err(), cloudkeys.ErrInvalidRequest, name)
	}
}

func TestQueryAgainstFake(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := zstacktest.NewServer(zstacktest.WithPendingPolls(0), zstacktest.WithInMemory())
	defer srv.Close()
	c := srv.Client(fast())
	var created []string
	for i := range 7 {
		k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID, Description: fmt.Sprintf("key-%d", i)})
		require.NoError(t, err)
		created = append(created, k.ID)
	}
	other := srv.CreateAccount("other", "pw")
	srv.SeedAccessKey(other)

	// Paging: 3 per page over 8 keys, replyWithCount.
	srv.ResetRequests()
	var got []string
	for inv, err := range c.QueryAccessKeys(ctx, zstack.Query{Limit: 3}) {
		require.NoError(t, err)
		got = append(got, inv.UUID)
	}
	assert.Len(t, got, 8)
	assert.Equal(t, created, got[:7])
	assert.Len(t, srv.Requests(), 3)

	page, err := c.QueryAccessKeysPage(ctx, zstack.Query{Start: 6, Limit: 5, ReplyWithCount: true})
	require.NoError(t, err)
	assert.Len(t, page.Inventories, 2)
	assert.Equal(t, 8, page.Total)
	assert.Nil(t, page.Next, "the last page")

	// Pages by Next: full pages, then a short one; with a total, a full
	// page that reaches it is the last.
	for _, q := range []zstack.Query{{Limit: 3}, {Limit: 3, ReplyWithCount: true}, {Limit: 4, ReplyWithCount: true}, {Limit: 8, ReplyWithCount: true}, {}} {
		var paged []string
		pages := 0
		for next := &q; next != nil; pages++ {
			p, err := c.QueryAccessKeysPage(ctx, *next)
			require.NoError(t, err)
			for _, inv := range p.Inventories {
				paged = append(paged, inv.UUID)
			}
			next = p.Next
		}
		assert.Equal(t, got, paged, "%+v", q)
		want := 1
		if q.Limit > 0 {
			want = 8/q.Limit + 1
			if q.ReplyWithCount && 8%q.Limit == 0 {
				want--
			}
		}
		assert.Equal(t, want, pages, "%+v", q)
	}
	old, err := c.QueryAccessKey(ctx, zstack.Query{Start: 6, Limit: 5})
	require.NoError(t, err)
	assert.Len(t, old.Inventories, 2)

	n, err := c.CountAccessKeys(ctx, zstack.Eq("accountUuid", other))
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	for _, tc := range []struct {
		conds []zstack.Condition
		want  int
	}{
		{[]zstack.Condition{zstack.Like("description", "key-%")}, 7},
		{[]zstack.Condition{zstack.NotLike("description", "key-%")}, 1},
		{[]zstack.Condition{zstack.IsNull("description")}, 1},
		{[]zstack.Condition{zstack.NotNull("description")}, 7},
		{[]zstack.Condition{zstack.In("description", "key-1", "key-2")}, 2},
		{[]zstack.Condition{zstack.NotIn("description", "key-1", "key-2")}, 6},
		{[]zstack.Condition{zstack.Gte("description", "key-5")}, 2},
		{[]zstack.Condition{zstack.Lt("description", "key-2")}, 2},
		{[]zstack.Condition{zstack.Gt("description", "key-5")}, 1},
		{[]zstack.Condition{zstack.Lte("description", "key-0")}, 1},
		{[]zstack.Condition{zstack.NotEq("accountUuid", other), zstack.Eq("state", "Enabled")}, 7},
		{[]zstack.Condition{zstack.Eq("uuid", created[3])}, 1},
	} {
		n := 0
		for _, err := range c.QueryAccessKeys(ctx, zstack.Query{Conditions: tc.conds}) {
			require.NoError(t, err)
			n++
		}
		assert.Equal(t, tc.want, n, "%v", tc.conds)
	}

	page, err = c.QueryAccessKeysPage(ctx, zstack.Query{
		Conditions: []zstack.Condition{zstack.Like("description", "key-%")},
		Sort:       &zstack.SortBy{Field: "description", Descending: true}, Limit: 2, Fields: []string{"uuid", "description"},
	})
	require.NoError(t, err)
	require.Len(t, page.Inventories, 2)
	assert.Equal(t, "key-6", page.Inventories[0].Description)
	assert.Empty(t, page.Inventories[0].AccessKeyID, "fields limits the answer")

	_, err = c.QueryAccessKeysPage(ctx, zstack.Query{Conditions: []zstack.Condition{zstack.Eq("nosuchfield", "x")}})
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)

	// Stopping early stops paging.
	srv.ResetRequests()
	for range c.QueryAccessKeys(ctx, zstack.Query{Limit: 2}) {
		break
	}
	assert.Len(t, srv.Requests(), 1)
}

func FuzzParseCondition(f *testing.F) {
	for _, s := range []string{"a=b", "a!=b", "a!?=b,c", "a is null", "x=a<=b", "=", " is null", "a>=b=c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		field, op, value, err := zstack.ParseCondition(s)
		if err != nil {
			return
		}
		if field == "" || op == "" {
			t.Fatalf("%q: empty part", s)
		}
		_ = value
	})
}

// Whatever a caller puts in a condition, either the builder refuses it or
// the server parses exactly that field, operator and value back.
func FuzzConditionBuilder(f *testing.F) {
	f.Add("accountUuid", "x!=y", 0)
	f.Add("description", "a=b", 7)
	f.Add("state", "Enabled", 6)
	f.Fuzz(func(t *testing.T, field, value string, opIdx int) {
		builders := []func(string, string) zstack.Condition{
			zstack.NotEq, zstack.Gte, zstack.Lte,
			func(f, v string) zstack.Condition { return zstack.NotIn(f, v) },
			zstack.NotLike, zstack.Like,
			func(f, v string) zstack.Condition { return zstack.In(f, v) },
			zstack.Eq, zstack.Gt, zstack.Lt,
			func(f, _ string) zstack.Condition { return zstack.IsNull(f) },
			func(f, _ string) zstack.Condition { return zstack.NotNull(f) },
		}
		if opIdx < 0 {
			opIdx = -opIdx
		}
		c := builders[opIdx%len(builders)](field, value)
		if c.Err() != nil {
			return
		}
		f2, op, v2, err := zstack.ParseCondition(c.String())
		if err != nil || f2 != c.Field() || op != c.Op() || v2 != c.Value() {
			t.Fatalf("%q parsed as %q %q %q (%v)", c.String(), f2, op, v2, err)
		}
	})
}
