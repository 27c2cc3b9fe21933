package cloudstack_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

// Up to 4.22 ListKeys lists users and keeps four fields of each: it must not
// pay for decoding the rest. Over the same 100-user page it allocates
// clearly less than ListUsers, which decodes every field.
func TestListKeysDecodesOnlyKeyFields(t *testing.T) {
	srv := cloudstacktest.NewServer(cloudstacktest.WithInMemory(), cloudstacktest.WithEnforcement(), cloudstacktest.WithVersion("4.22.0.0"))
	defer srv.Close()
	for i := range 99 {
		u := srv.AddUser(cloudstacktest.UserSpec{Username: fmt.Sprintf("user%02d", i), Password: "pw"})
		_, ok := srv.GenerateKeys(u.ID)
		require.True(t, ok)
	}
	c := srv.Client()
	ctx := context.Background()
	all := true
	listKeys := testing.AllocsPerRun(10, func() {
		keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
		require.NoError(t, err)
		require.Len(t, keys, 100)
		srv.ResetRequests()
	})
	listUsers := testing.AllocsPerRun(10, func() {
		n := 0
		for _, err := range c.ListUsers(ctx, cloudstack.ListUsersOptions{ListAll: &all}) {
			require.NoError(t, err)
			n++
		}
		require.Equal(t, 100, n)
		srv.ResetRequests()
	})
	t.Logf("allocs: ListKeys %.0f, ListUsers %.0f", listKeys, listUsers)
	assert.Less(t, listKeys, listUsers-500, "about 10 fewer strings per user")
}
