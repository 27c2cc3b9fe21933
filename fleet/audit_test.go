package fleet_test

import (
	"context"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/fleet"
	"github.com/cloudkeys/cloudkeys/internal/memkm"
)

// later judges at 100 days from now: every key created now is then 100
// days old.
func later() time.Time { return time.Now().Add(100 * day) }

// TestAuditEveryVendor: one finding per key on every vendor's fake; keys
// past the age limit violate it where the vendor reports creation times,
// and are unknown (never a violation by guess) where it does not (e24).
// Last use is reported by Huawei only.
func TestAuditEveryVendor(t *testing.T) {
	t.Parallel()
	for _, a := range fakeAccounts(t) {
		t.Run(a.name, func(t *testing.T) {
			n := 3
			if a.name == "cloudstack-4.22" {
				n = 1
			}
			a.seed(t, n)
			want := a.keys(t)
			policy := fleet.Policy{MaxAge: 90 * day, Now: later}
			var got []string
			for f, err := range fleet.Audit(context.Background(), []fleet.Target{a.target("p-" + a.name)}, policy) {
				require.NoError(t, err)
				got = append(got, f.ID)
				assert.Equal(t, "p-"+a.name, f.Profile)
				assert.Equal(t, a.vendor, f.Vendor)
				assert.Equal(t, a.owner, f.Owner)
				if a.reportsCreated {
					assert.Equal(t, fleet.VerdictViolates, f.Verdict, "%s: %v", f.ID, f.Reasons)
					assert.Contains(t, f.Reasons[0], "created 100d ago (max 90d)")
				} else {
					assert.Equal(t, fleet.VerdictUnknown, f.Verdict, "%s: %v", f.ID, f.Reasons)
					assert.True(t, f.Created.IsZero())
					assert.Contains(t, f.Reasons[0], "age unknown")
				}
			}
			slices.Sort(got)
			assert.Equal(t, want, got)

			// Now: nothing is old.
			for f, err := range fleet.Audit(context.Background(), []fleet.Target{a.target("p")}, fleet.Policy{MaxAge: 90 * day}) {
				require.NoError(t, err)
				if a.reportsCreated {
					assert.Equal(t, fleet.VerdictOK, f.Verdict, f.Reasons)
				}
			}
		})
	}
}

// TestAuditLastUse: Huawei reports last use (update_time, which starts as
// the creation time); a key unused for longer than MaxUnused violates, one
// without an update_time is unknown, not a violation.
func TestAuditLastUse(t *testing.T) {
	t.Parallel()
	for _, a := range fakeAccounts(t) {
		if a.vendor != "huaweibcs" {
			continue
		}
		a.seed(t, 3)
		ids := a.keys(t)
		hw := huaweiServer(t, a)
		require.True(t, hw.MarkUsed(ids[0], time.Now().Add(-40*day)))
		require.True(t, hw.MarkUsed(ids[1], time.Time{})) // no update_time
		verdicts := map[string]fleet.Finding{}
		for f, err := range fleet.Audit(context.Background(), []fleet.Target{a.target("hw")}, fleet.Policy{MaxUnused: 30 * day}) {
			require.NoError(t, err)
			verdicts[f.ID] = f
		}
		assert.Equal(t, fleet.VerdictViolates, verdicts[ids[0]].Verdict)
		assert.Equal(t, []string{"last used 40d ago (max 30d)"}, verdicts[ids[0]].Reasons)
		assert.Equal(t, fleet.VerdictUnknown, verdicts[ids[1]].Verdict, verdicts[ids[1]].Reasons)
		assert.Equal(t, fleet.VerdictOK, verdicts[ids[2]].Verdict, "created (and so, on Huawei, last used) just now")
	}
}

// TestAuditGoesOnAfterATargetFails: a target whose credentials fail is
// one error naming its profile; the next target is audited.
func TestAuditGoesOnAfterATargetFails(t *testing.T) {
	t.Parallel()
	bad := memkm.New(cloudkeys.Capabilities{})
	k := bad.Add("o", "", "")
	bad.AuthenticateAs(k.ID)
	bad.AuthenticateAs("gone") // its credential no longer works
	good := memkm.New(cloudkeys.Capabilities{})
	good.Add("o", "a", "")
	good.Add("o", "b", "")
	var errs []error
	var ids []string
	for f, err := range fleet.Audit(context.Background(), []fleet.Target{{Profile: "bad", KM: bad}, {Profile: "good", KM: good}}, fleet.Policy{}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, f.Profile+"/"+f.ID)
	}
	require.Len(t, errs, 1)
	var te *fleet.TargetError
	require.ErrorAs(t, errs[0], &te)
	assert.Equal(t, "bad", te.Profile)
	assert.ErrorIs(t, errs[0], cloudkeys.ErrUnauthorized)
	assert.Equal(t, []string{"good/k1", "good/k2"}, ids)
}

// TestAuditConcurrently: several targets at once yield the same findings;
// a consumer that stops early stops them all.
func TestAuditConcurrently(t *testing.T) {
	t.Parallel()
	var targets []fleet.Target
	want := map[string]bool{}
	for i := range 5 {
		km := memkm.New(cloudkeys.Capabilities{})
		for range 30 {
			k := km.Add("o", "", "")
			want[fmt.Sprintf("t%d/%s", i, k.ID)] = true
		}
		targets = append(targets, fleet.Target{Profile: fmt.Sprintf("t%d", i), KM: km})
	}
	got := map[string]bool{}
	for f, err := range fleet.Audit(context.Background(), targets, fleet.Policy{}, fleet.AuditConcurrency(3)) {
		require.NoError(t, err)
		got[f.Profile+"/"+f.ID] = true
	}
	assert.Equal(t, want, got)

	before := runtime.NumGoroutine()
	n := 0
	for range fleet.Audit(context.Background(), targets, fleet.Policy{}, fleet.AuditConcurrency(3)) {
		n++
		if n == 7 {
			break
		}
	}
	assert.Equal(t, 7, n)
	assert.Eventually(t, func() bool { return runtime.NumGoroutine() <= before }, 5*time.Second, time.Millisecond, "workers ended")
}

// TestAuditContextEnds: a cancelled audit says so once and stops.
func TestAuditContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var errs []error
	targets := []fleet.Target{{Profile: "a", KM: endless{}}, {Profile: "b", KM: endless{}}}
	for _, err := range fleet.Audit(ctx, targets, fleet.Policy{}) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], context.Canceled)
}

// endless is a KeyManager whose list makes keys on the fly, as many as
// asked (n), or until its context ends.
type endless struct {
	cloudkeys.KeyManager
	n int
}

func (e endless) Vendor() string { return "gen" }

func (e endless) ListKeys(ctx context.Context, _ cloudkeys.ListKeysOptions) iter.Seq2[*cloudkeys.Key, error] {
	return func(yield func(*cloudkeys.Key, error) bool) {
		created := time.Now().Add(-200 * day)
		for i := 0; e.n == 0 || i < e.n; i++ {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			k := &cloudkeys.Key{Vendor: "gen", ID: fmt.Sprintf("key-%08d", i), AccessKey: fmt.Sprintf("AK%030d", i), Owner: "o",
				Name: "ci", Enabled: true, CreatedAt: created}
			if !yield(k, nil) {
				return
			}
		}
	}
}

// TestAuditMemoryDoesNotGrowWithKeys: the small version of the 50,000-key
// run of bench/fleet: 2,000 keys stream through Audit and the live heap
// after the last is what it was after the 200th.
func TestAuditMemoryDoesNotGrowWithKeys(t *testing.T) {
	const total, early = 2000, 200
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var atEarly, atEnd uint64
	n, violations := 0, 0
	for f, err := range fleet.Audit(context.Background(), []fleet.Target{{Profile: "gen", KM: endless{n: total}}}, fleet.Policy{MaxAge: 90 * day}) {
		require.NoError(t, err)
		n++
		if f.Verdict == fleet.VerdictViolates {
			violations++
		}
		if n == early {
			atEarly = heap()
		}
	}
	atEnd = heap()
	assert.Equal(t, total, n)
	assert.Equal(t, total, violations)
	growth := int64(atEnd) - int64(atEarly)
	t.Logf("heap after %d keys: %d B, after %d: %d B (growth %d B)", early, atEarly, total, atEnd, growth)
	assert.Less(t, growth, int64(64<<10), "the heap does not grow with the keys audited")
}

// TestAuditSmallFleet: the small version of bench/fleet's audit: 2,000 keys
// over every vendor's fake (400 each; CloudStack 4.22 holds one per user),
// each found once, all of them judged, several profiles at once.
func TestAuditSmallFleet(t *testing.T) {
	t.Parallel()
	var targets []fleet.Target
	want := 0
	for _, a := range fakeAccounts(t) {
		if a.mode == fleet.ModeInPlace {
			continue
		}
		n := 400
		if a.vendor == "e24" {
			n = 399 // and the account's own key
		}
		a.seed(t, n)
		want += 400
		targets = append(targets, a.target(a.name))
	}
	seen := map[string]bool{}
	verdicts := map[fleet.Verdict]int{}
	for f, err := range fleet.Audit(context.Background(), targets, fleet.Policy{MaxAge: 90 * day, Now: later}, fleet.AuditConcurrency(3)) {
		require.NoError(t, err)
		key := f.Profile + "/" + f.ID
		require.False(t, seen[key], "found twice: %s", key)
		seen[key] = true
		verdicts[f.Verdict]++
	}
	assert.Equal(t, 2000, want)
	assert.Len(t, seen, want)
	assert.Equal(t, 1600, verdicts[fleet.VerdictViolates])
	assert.Equal(t, 400, verdicts[fleet.VerdictUnknown], "e24: age unknown")
}
