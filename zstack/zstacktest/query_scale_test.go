package zstacktest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/zstack"
)

// One page costs the same however many keys the fake holds: inventories
// are built for the page, not for every key (a 100,000-key list would
// otherwise take quadratic time).
func TestQueryPageCostIndependentOfTotal(t *testing.T) {
	pageAllocs := func(total int) float64 {
		srv := NewServer(WithInMemory())
		defer srv.Close()
		own := srv.SeedAccessKey(AdminAccountUUID)
		for range total - 1 {
			srv.SeedAccessKey(AdminAccountUUID)
		}
		c := srv.AccessKeyClient(own.AccessKeyID, own.Secret.Reveal())
		ctx := context.Background()
		return testing.AllocsPerRun(20, func() {
			page, err := c.QueryAccessKey(ctx, zstack.Query{Start: 10, Limit: 10, ReplyWithCount: true})
			require.NoError(t, err)
			require.Len(t, page.Inventories, 10)
			require.Equal(t, total, page.Total)
			srv.ResetRequests()
		})
	}
	small, large := pageAllocs(100), pageAllocs(2000)
	t.Logf("allocs per page: %.0f with 100 keys, %.0f with 2000", small, large)
	assert.Less(t, large, 1.5*small)
}
