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

// TestListPages: each list has a page call whose Next leads through the
// same items the iterator yields, one request per page.
func TestListPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	yes := true
	srv, c := newFake(t, cloudstacktest.WithVersion("4.23.0.0"))
	for i := range 7 {
		srv.AddUser(cloudstacktest.UserSpec{Username: fmt.Sprintf("pager%d", i)})
	}
	require.True(t, srv.SeedKeyPairs(srv.AdminID(), 8-len(srv.UserKeys(srv.AdminID()))))

	for _, tc := range []struct {
		name  string
		iter  func(page, size int) ([]string, error)
		pages func(page, size int) ([][]string, error)
	}{
		{"users", func(page, size int) ([]string, error) {
			var ids []string
			for u, err := range c.ListUsers(ctx, cloudstack.ListUsersOptions{ListAll: &yes, Page: page, PageSize: size}) {
				if err != nil {
					return nil, err
				}
				ids = append(ids, u.ID)
			}
			return ids, nil
		}, func(page, size int) ([][]string, error) {
			var out [][]string
			for o := &(cloudstack.ListUsersOptions{ListAll: &yes, Page: page, PageSize: size}); o != nil; {
				p, err := c.ListUsersPage(ctx, *o)
				if err != nil {
					return nil, err
				}
				var ids []string
				for _, u := range p.Users {
					ids = append(ids, u.ID)
				}
				out, o = append(out, ids), p.Next
			}
			return out, nil
		}},
		{"key pairs", func(page, size int) ([]string, error) {
			var ids []string
			for k, err := range c.ListUserKeys(ctx, cloudstack.ListUserKeysOptions{ListAll: &yes, Page: page, PageSize: size}) {
				if err != nil {
					return nil, err
				}
				ids = append(ids, k.ID)
			}
			return ids, nil
		}, func(page, size int) ([][]string, error) {
			var out [][]string
			for o := &(cloudstack.ListUserKeysOptions{ListAll: &yes, Page: page, PageSize: size}); o != nil; {
				p, err := c.ListUserKeysPage(ctx, *o)
				if err != nil {
					return nil, err
				}
				var ids []string
				for _, k := range p.KeyPairs {
					ids = append(ids, k.ID)
				}
				out, o = append(out, ids), p.Next
			}
			return out, nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			all, err := tc.iter(0, 0)
			require.NoError(t, err)
			require.GreaterOrEqual(t, len(all), 8)
			for _, size := range []int{1, 3, len(all), len(all) + 1} {
				pages, err := tc.pages(0, size)
				require.NoError(t, err)
				var flat []string
				for _, p := range pages[:len(pages)-1] {
					assert.Len(t, p, size, "every page but the last is full")
					flat = append(flat, p...)
				}
				flat = append(flat, pages[len(pages)-1]...)
				assert.Equal(t, all, flat, "size %d", size)
				got, err := tc.iter(0, size)
				require.NoError(t, err)
				assert.Equal(t, all, got, "size %d", size)
			}
			from2, err := tc.iter(2, 3)
			require.NoError(t, err)
			assert.Equal(t, all[3:], from2, "the iterator starts at Page")
			_, err = tc.pages(-1, 3)
			assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
			_, err = tc.iter(-1, 3)
			assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
		})
	}
}
