package fleet_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
	"github.com/cloudkeys/cloudkeys/fleet"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

// fakeAccount is one vendor's in-process fake with an owner whose keys the
// tests audit and rotate.
type fakeAccount struct {
	name   string // vendor (and version)
	vendor string
	km     cloudkeys.KeyManager
	owner  string
	// seed gives the owner n more keys, created now.
	seed func(t *testing.T, n int)
	// reportsCreated: the vendor reports creation times.
	reportsCreated bool
	mode           string
	server         any // the *<vendor>test.Server
}

func huaweiServer(t *testing.T, a *fakeAccount) *huaweibcstest.Server {
	t.Helper()
	return a.server.(*huaweibcstest.Server)
}

func (a *fakeAccount) target(profile string) fleet.Target {
	return fleet.Target{Profile: profile, KM: a.km, Owners: []string{a.owner}}
}

// keys returns the ids of the owner's keys, sorted.
func (a *fakeAccount) keys(t *testing.T) []string {
	t.Helper()
	ks, err := cloudkeys.Collect(a.km.ListKeys(context.Background(), cloudkeys.ListKeysOptions{Owner: a.owner}))
	require.NoError(t, err)
	ids := make([]string, len(ks))
	for i, k := range ks {
		ids[i] = k.ID
	}
	slices.Sort(ids)
	return ids
}

// fakeAccounts starts every vendor's fake (in memory) with an owner and no
// keys of that owner yet. CloudStack is there twice: 4.23 (replacement)
// and 4.22 (one pair per user: in place).
func fakeAccounts(t *testing.T) []*fakeAccount {
	t.Helper()
	var out []*fakeAccount

	cs := cloudstacktest.NewServer(cloudstacktest.WithInMemory(), cloudstacktest.WithVersion("4.23.0.0"))
	t.Cleanup(cs.Close)
	csUser := cs.AddUser(cloudstacktest.UserSpec{Username: "alice"})
	out = append(out, &fakeAccount{name: "cloudstack-4.23", vendor: "cloudstack", km: cs.Client(), owner: csUser.ID, reportsCreated: true, mode: fleet.ModeReplace,
		seed: func(t *testing.T, n int) { require.True(t, cs.SeedKeyPairs(csUser.ID, n)) }})

	cs22 := cloudstacktest.NewServer(cloudstacktest.WithInMemory(), cloudstacktest.WithVersion("4.22.0.0"))
	t.Cleanup(cs22.Close)
	bob := cs22.AddUser(cloudstacktest.UserSpec{Username: "bob"})
	out = append(out, &fakeAccount{name: "cloudstack-4.22", vendor: "cloudstack", km: cs22.Client(), owner: bob.ID, mode: fleet.ModeInPlace,
		seed: func(t *testing.T, n int) {
			require.Equal(t, 1, n, "a 4.22 user holds one pair")
			_, ok := cs22.GenerateKeys(bob.ID)
			require.True(t, ok)
		}})

	zs := zstacktest.NewServer(zstacktest.WithInMemory())
	t.Cleanup(zs.Close)
	// Job polls wait 1 ms, not the default 250 ms.
	fast := cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 4, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond})
	out = append(out, &fakeAccount{name: "zstack", vendor: "zstack", km: zs.Client(fast), owner: zstacktest.AdminAccountUUID, reportsCreated: true, mode: fleet.ModeReplace,
		seed: func(t *testing.T, n int) {
			for range n {
				zs.SeedAccessKey(zstacktest.AdminAccountUUID)
			}
		}})

	e := e24test.NewServer(e24test.WithInMemory())
	t.Cleanup(e.Close)
	ekm := e.Client()
	acct, err := ekm.GetKey(context.Background(), func() string { k, _ := e.AdminKey(); return k }())
	require.NoError(t, err)
	out = append(out, &fakeAccount{name: "e24", vendor: "e24", km: ekm, owner: acct.Owner, mode: fleet.ModeReplace,
		seed: func(t *testing.T, n int) {
			for range n {
				_, err := ekm.CreateKey(context.Background(), cloudkeys.CreateKeyRequest{})
				require.NoError(t, err)
			}
		}})

	hw := huaweibcstest.NewServer(huaweibcstest.WithInMemory())
	t.Cleanup(hw.Close)
	out = append(out, &fakeAccount{name: "huaweibcs", vendor: "huaweibcs", km: hw.Client(), owner: huaweibcstest.ProjectID, reportsCreated: true, mode: fleet.ModeReplace, server: hw,
		seed: func(t *testing.T, n int) {
			for i := range n {
				hw.AddCredential(fmt.Sprintf("node-%d", i))
			}
		}})

	oz := onezonetest.NewServer(onezonetest.WithInMemory())
	t.Cleanup(oz.Close)
	carol := oz.AddUser(onezonetest.User{Username: "carol", Password: "carol-password"})
	seq := 0
	out = append(out, &fakeAccount{name: "onezone", vendor: "onezone", km: oz.Client(), owner: carol, reportsCreated: true, mode: fleet.ModeReplace,
		seed: func(t *testing.T, n int) {
			for range n {
				seq++
				oz.IssueAccessToken(carol, fmt.Sprintf("ci-%d", seq))
			}
		}})
	return out
}
