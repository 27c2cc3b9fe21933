package zstack

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-querystring/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// referenceQuery is how a query's string was written before rawQuery, kept
// as the reference: go-querystring's query.Values, then url.Values.Encode
// (what the transport did with Call.Query).
func referenceQuery(t *testing.T, p queryParams) string {
	v, err := query.Values(p)
	require.NoError(t, err)
	return v.Encode()
}

// TestRawQueryIsGoQuerystring: rawQuery writes the text go-querystring
// and url.Values.Encode wrote, for every member alone, all of them
// together, and random combinations (values that need escaping included).
func TestRawQueryIsGoQuerystring(t *testing.T) {
	t.Parallel()
	all := queryParams{
		Q:     []string{"accountUuid=a b", "state!=Disabled", "description~=%x&y", "uuid?=1,2"},
		Start: 200, Limit: 100, ReplyWithCount: true, Count: true, Sort: "-createDate",
		Fields: []string{"uuid", "AccessKeyID"},
	}
	cases := []queryParams{
		{}, {Q: []string{"a=b"}}, {Start: 7}, {Limit: 1}, {ReplyWithCount: true}, {Count: true},
		{Sort: "+uuid"}, {Fields: []string{"uuid"}}, {Start: -1, Limit: -5}, all,
		{Limit: 100, ReplyWithCount: true}, {Limit: 100, ReplyWithCount: true, Start: 100},
		{Q: []string{"x=ä€/?#+ %"}, Sort: "+a&b"},
	}
	rnd := rand.New(rand.NewPCG(1, 19))
	for range 500 {
		var p queryParams
		if rnd.IntN(2) == 0 {
			p.Q = all.Q[:rnd.IntN(len(all.Q)+1)]
		}
		if rnd.IntN(2) == 0 {
			p.Start = rnd.IntN(3000)
		}
		if rnd.IntN(2) == 0 {
			p.Limit = rnd.IntN(1001)
		}
		p.ReplyWithCount, p.Count = rnd.IntN(2) == 0, rnd.IntN(2) == 0
		if rnd.IntN(2) == 0 {
			p.Sort = all.Sort
		}
		if rnd.IntN(2) == 0 {
			p.Fields = all.Fields[:rnd.IntN(len(all.Fields)+1)]
		}
		cases = append(cases, p)
	}
	for _, p := range cases {
		assert.Equal(t, referenceQuery(t, p), p.rawQuery(), "%+v", p)
	}
}

// TestRawQueryAllocatesOnce: a ListKeys page's query is one allocation
// (go-querystring and Encode took a dozen), an empty one none.
func TestRawQueryAllocatesOnce(t *testing.T) {
	p := queryParams{Limit: 100, ReplyWithCount: true, Start: 100}
	assert.LessOrEqual(t, testing.AllocsPerRun(100, func() { _ = p.rawQuery() }), 1.0)
	var empty queryParams
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = empty.rawQuery() }))
}
