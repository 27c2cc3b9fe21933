package zstacktest

import (
	"context"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/zstack"
)

// One page costs the same however many keys the fake holds: inventories
// are built for the page, not for every key (a 100,000-key list would
// otherwise take quadratic time).
func TestQueryPageCostIndependentOfTotal(t *testing.T) {
	pageCost := func(total int) (allocs, bytes float64) {
		srv := NewServer(WithInMemory())
		defer srv.Close()
		own := srv.SeedAccessKey(AdminAccountUUID)
		for range total - 1 {
			srv.SeedAccessKey(AdminAccountUUID)
		}
		c := srv.AccessKeyClient(own.AccessKeyID, own.Secret.Reveal())
		ctx := context.Background()
		one := func() {
			page, err := c.QueryAccessKeysPage(ctx, zstack.Query{Start: 10, Limit: 10, ReplyWithCount: true})
			require.NoError(t, err)
			require.Len(t, page.Inventories, 10)
			require.Equal(t, total, page.Total)
			srv.ResetRequests()
		}
		allocs = testing.AllocsPerRun(20, one)
		const runs = 20
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range runs {
			one()
		}
		runtime.ReadMemStats(&after)
		return allocs, float64(after.TotalAlloc-before.TotalAlloc) / runs
	}
	smallAllocs, smallBytes := pageCost(100)
	largeAllocs, largeBytes := pageCost(20000)
	t.Logf("per page: %.0f allocs, %.0f bytes with 100 keys; %.0f allocs, %.0f bytes with 20,000", smallAllocs, smallBytes, largeAllocs, largeBytes)
	assert.Less(t, largeAllocs, 1.5*smallAllocs, "inventories built for every key")
	assert.Less(t, largeBytes, 1.5*smallBytes, "keys sorted for every page")
}
