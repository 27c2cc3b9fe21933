package cloudstacktest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/cloudstack"
)

// One listUserKeys page costs the same however many pairs the fake holds:
// the JSON is built for the page only.
func TestListUserKeysPageCostIndependentOfTotal(t *testing.T) {
	pageAllocs := func(total int) float64 {
		srv := NewServer(WithInMemory(), WithVersion("4.23.0.0"))
		defer srv.Close()
		require.True(t, srv.SeedKeyPairs(srv.AdminID(), total-len(srv.UserKeys(srv.AdminID()))))
		c := srv.Client()
		ctx := context.Background()
		yes := true
		return testing.AllocsPerRun(10, func() {
			n := 0
			for _, err := range c.ListUserKeys(ctx, cloudstack.ListUserKeysOptions{ListAll: &yes, PageSize: 10}) {
				require.NoError(t, err)
				if n++; n == 10 {
					break
				}
			}
			srv.ResetRequests()
		})
	}
	small, large := pageAllocs(100), pageAllocs(2000)
	t.Logf("allocs per page: %.0f with 100 pairs, %.0f with 2000", small, large)
	assert.Less(t, large, 1.5*small)
}
