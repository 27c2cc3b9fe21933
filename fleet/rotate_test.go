package fleet_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/fleet"
	"github.com/cloudkeys/cloudkeys/internal/memkm"
)

// deliveries is a Store that keeps what it gets.
type deliveries struct {
	mu   sync.Mutex
	got  []fleet.Delivery
	fail error
}

func (d *deliveries) store(_ context.Context, del fleet.Delivery) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fail != nil {
		return d.fail
	}
	d.got = append(d.got, del)
	return nil
}

func openJournal(t *testing.T) *fleet.Journal {
	t.Helper()
	j, err := fleet.OpenJournal(filepath.Join(t.TempDir(), "journal.jsonl"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.Close() })
	return j
}

func violatesOrUnknown(f fleet.Finding) bool { return f.Verdict != fleet.VerdictOK }

// in2030 judges memkm's keys (stamped 2026-01-01) long after, also inside
// a synctest bubble (whose clock starts in 2000).
func in2030() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }

// TestRotateEveryVendor: every key past the age limit (or of unknown age,
// when selected) is replaced — or rotated in place on CloudStack 4.22 —
// stored, and its old key gone; the journal holds every step and nothing
// unfinished; on e24cloud the key the client authenticates with is
// rotated last and the client goes on working.
func TestRotateEveryVendor(t *testing.T) {
	t.Parallel()
	for _, a := range fakeAccounts(t) {
		t.Run(a.name, func(t *testing.T) {
			n := 2
			if a.mode == fleet.ModeInPlace {
				n = 1
			}
			a.seed(t, n)
			before := a.keys(t)
			j := openJournal(t)
			var d deliveries
			sum, err := fleet.Rotate(context.Background(), []fleet.Target{a.target("p")}, fleet.Policy{MaxAge: 90 * day, Now: later},
				fleet.RotateOptions{Store: d.store, Journal: j, Select: violatesOrUnknown, Concurrency: 3, RecoveryDir: t.TempDir()})
			require.NoError(t, err)
			require.Empty(t, sum.Failed)
			require.Empty(t, sum.Skipped)
			require.Len(t, sum.Rotated, len(before))
			after := a.keys(t)
			assert.Len(t, after, len(before), "one key per rotated key")
			var stored []string
			for _, del := range d.got {
				assert.False(t, del.Key.Secret.IsZero())
				assert.Equal(t, "p", del.Profile)
				assert.Equal(t, a.vendor, del.Vendor)
				assert.Equal(t, a.mode == fleet.ModeInPlace, del.InPlace)
				assert.Contains(t, before, del.Replaces)
				stored = append(stored, del.Key.ID)
			}
			slices.Sort(stored)
			assert.Equal(t, after, stored, "the store holds every live key")
			for _, o := range sum.Rotated {
				assert.Equal(t, a.mode, o.Mode)
				assert.NotEmpty(t, o.New)
			}
			if a.mode == fleet.ModeReplace {
				for _, id := range before {
					assert.NotContains(t, after, id)
				}
			}
			recs, err := j.Records()
			require.NoError(t, err)
			assert.Empty(t, fleet.Unfinished(recs))
			rots := fleet.Rotations(recs)
			assert.Len(t, rots, len(before))
			if a.vendor == "e24" {
				last := d.got[len(d.got)-1]
				assert.True(t, last.OwnCredential, "the client's own key last")
				_, err := cloudkeys.Collect(a.km.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
				assert.NoError(t, err, "the client switched to its new key")
			}
		})
	}
}

// TestRotateDryRunChangesNothing: a dry run plans, on every vendor, and
// the keys are as they were.
func TestRotateDryRunChangesNothing(t *testing.T) {
	t.Parallel()
	for _, a := range fakeAccounts(t) {
		t.Run(a.name, func(t *testing.T) {
			n := 2
			if a.mode == fleet.ModeInPlace {
				n = 1
			}
			a.seed(t, n)
			before := a.keys(t)
			sum, err := fleet.Rotate(context.Background(), []fleet.Target{a.target("p")}, fleet.Policy{MaxAge: 90 * day, Now: later},
				fleet.RotateOptions{DryRun: true, Select: violatesOrUnknown})
			require.NoError(t, err)
			assert.Len(t, sum.Planned, len(before))
			assert.Empty(t, sum.Rotated)
			for _, o := range sum.Planned {
				assert.Equal(t, a.mode, o.Mode)
			}
			assert.Equal(t, before, a.keys(t))
		})
	}
	km := memkm.New(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	km.Add("o", "a", "")
	sum, err := fleet.Rotate(context.Background(), []fleet.Target{{Profile: "m", KM: km}}, fleet.Policy{MaxAge: day, Now: in2030}, fleet.RotateOptions{DryRun: true})
	require.NoError(t, err)
	assert.Len(t, sum.Planned, 1)
	assert.Empty(t, slices.DeleteFunc(km.Calls(), func(c string) bool { return c == "get k1" }), "a dry run lists and reads only")
}

// TestRotateOwnCredentialLastAndAlone: the key the client authenticates
// with is rotated after every other key of its target has finished, and
// the client uses its replacement afterwards.
func TestRotateOwnCredentialLastAndAlone(t *testing.T) {
	t.Parallel()
	km := memkm.New(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	for _, n := range []string{"n1", "n2", "n3", "n4", "n5"} {
		km.Add("o", n, "")
	}
	km.AuthenticateAs("k3")
	var d deliveries
	var order []string
	sum, err := fleet.Rotate(context.Background(), []fleet.Target{{Profile: "m", KM: km}}, fleet.Policy{MaxAge: day, Now: in2030},
		fleet.RotateOptions{Store: d.store, Concurrency: 4, OwnerConcurrency: 4, Journal: openJournal(t),
			OnOutcome: func(o fleet.Outcome) { order = append(order, o.Finding.ID) }})
	require.NoError(t, err)
	require.Len(t, sum.Rotated, 5)
	assert.Equal(t, "k3", order[4])
	calls := km.Calls()
	ownCreate := slices.Index(calls, "create n3")
	for _, id := range []string{"k1", "k2", "k4", "k5"} {
		assert.Less(t, slices.Index(calls, "delete "+id), ownCreate, "%s finished before the own key's rotation began: %v", id, calls)
	}
	own, err := km.CredentialKeyID(context.Background())
	require.NoError(t, err)
	assert.Equal(t, sum.Rotated[4].New, own, "the client switched")
	assert.True(t, sum.Rotated[4].OwnCredential)
	assert.Equal(t, 5, km.Len())
}

// TestRotateStoreFailureRollsBack: the new key is deleted again, the old
// one kept, and the journal says so.
func TestRotateStoreFailureRollsBack(t *testing.T) {
	t.Parallel()
	km := memkm.New(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	km.Add("o", "a", "")
	j := openJournal(t)
	d := deliveries{fail: errors.New("vault sealed")}
	sum, err := fleet.Rotate(context.Background(), []fleet.Target{{Profile: "m", KM: km}}, fleet.Policy{MaxAge: day, Now: in2030},
		fleet.RotateOptions{Store: d.store, Journal: j})
	require.NoError(t, err)
	require.Len(t, sum.Failed, 1)
	assert.Contains(t, sum.Failed[0].Reason, "vault sealed")
	assert.Equal(t, 1, km.Len())
	_, err = km.GetKey(context.Background(), "k1")
	assert.NoError(t, err, "the old key stays")
	recs, err := j.Records()
	require.NoError(t, err)
	var steps []fleet.Step
	for _, r := range recs {
		steps = append(steps, r.Step)
	}
	assert.Equal(t, []fleet.Step{fleet.StepStart, fleet.StepSnapshot, fleet.StepCreating, fleet.StepCreated, fleet.StepRolledBack, fleet.StepEnd}, steps)
	assert.Empty(t, fleet.Unfinished(recs))
	for _, r := range recs {
		assert.NotContains(t, r.Name+r.Description+r.Error, "secret-", "no secret in the journal")
	}
}

// TestRotateSkips: disabled keys, vendors that can do neither, unknown
// profiles.
func TestRotateSkips(t *testing.T) {
	t.Parallel()
	km := memkm.New(cloudkeys.Capabilities{MultipleKeys: true, Delete: true, Enable: true})
	km.Add("o", "a", "")
	require.NoError(t, km.SetKeyEnabled(context.Background(), "k1", false))
	none := memkm.New(cloudkeys.Capabilities{})
	none.Add("o", "b", "")
	var d deliveries
	targets := []fleet.Target{{Profile: "m", KM: km}, {Profile: "none", KM: none}}
	findings := func(yield func(fleet.Finding, error) bool) {
		for f, err := range fleet.Audit(context.Background(), targets, fleet.Policy{MaxAge: day, Now: in2030}) {
			if !yield(f, err) {
				return
			}
		}
		yield(fleet.Finding{Profile: "gone", ID: "x", Enabled: true, Verdict: fleet.VerdictViolates}, nil)
	}
	sum, err := fleet.RotateFindings(context.Background(), targets, findings, fleet.RotateOptions{Store: d.store})
	require.NoError(t, err)
	require.Len(t, sum.Skipped, 2)
	reasons := []string{sum.Skipped[0].Reason, sum.Skipped[1].Reason}
	assert.Contains(t, reasons, "disabled: its replacement would be enabled; delete the key instead")
	assert.Contains(t, reasons, "mem can neither replace nor rotate a key here")
	require.Len(t, sum.Failed, 1)
	assert.Equal(t, "no target for profile gone", sum.Failed[0].Reason)
	assert.Empty(t, d.got)

	_, err = fleet.Rotate(context.Background(), targets, fleet.Policy{MaxAge: day}, fleet.RotateOptions{})
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest, "no store")
}

// concurrencyKM counts creates in flight, per owner and in all.
type concurrencyKM struct {
	*memkm.KM
	mu               sync.Mutex
	now, max         int
	perOwner, maxPer map[string]int
}

func (c *concurrencyKM) CreateKey(ctx context.Context, req cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
	c.mu.Lock()
	c.now++
	c.perOwner[req.Owner]++
	c.max = max(c.max, c.now)
	c.maxPer[req.Owner] = max(c.maxPer[req.Owner], c.perOwner[req.Owner])
	c.mu.Unlock()
	time.Sleep(10 * time.Millisecond)
	c.mu.Lock()
	c.now--
	c.perOwner[req.Owner]--
	c.mu.Unlock()
	return c.KM.CreateKey(ctx, req)
}

// TestRotateConcurrencyBounds: Concurrency rotations at once, one per
// owner by default.
func TestRotateConcurrencyBounds(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c := &concurrencyKM{KM: memkm.New(cloudkeys.Capabilities{MultipleKeys: true, Delete: true}), perOwner: map[string]int{}, maxPer: map[string]int{}}
		for _, o := range []string{"a", "b", "c", "d"} {
			for range 3 {
				c.Add(o, "", "")
			}
		}
		var d deliveries
		sum, err := fleet.Rotate(context.Background(), []fleet.Target{{Profile: "m", KM: c}}, fleet.Policy{MaxAge: day, Now: in2030},
			fleet.RotateOptions{Store: d.store, Concurrency: 3})
		require.NoError(t, err)
		assert.Len(t, sum.Rotated, 12)
		assert.Equal(t, 3, c.max, "three at once")
		for o, n := range c.maxPer {
			assert.Equal(t, 1, n, "owner %s: one at a time", o)
		}
	})
}

// rateLimitedKM refuses its first creates with 429.
type rateLimitedKM struct {
	*memkm.KM
	mu      sync.Mutex
	refuse  int
	creates int
}

func (r *rateLimitedKM) CreateKey(ctx context.Context, req cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error) {
	r.mu.Lock()
	r.creates++
	refuse := r.creates <= r.refuse
	r.mu.Unlock()
	if refuse {
		return nil, &cloudkeys.APIError{Vendor: "mem", Operation: "CreateKey", StatusCode: 429, Kind: cloudkeys.ErrRateLimited}
	}
	return r.KM.CreateKey(ctx, req)
}

// TestRotateRetriesRateLimited: a create refused with 429 is tried again
// after 1 s, then 2 s (the bubble's clock).
func TestRotateRetriesRateLimited(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		km := &rateLimitedKM{KM: memkm.New(cloudkeys.Capabilities{MultipleKeys: true, Delete: true}), refuse: 2}
		km.Add("o", "a", "")
		var d deliveries
		start := time.Now()
		sum, err := fleet.Rotate(context.Background(), []fleet.Target{{Profile: "m", KM: km}}, fleet.Policy{MaxAge: day, Now: in2030},
			fleet.RotateOptions{Store: d.store, Journal: openJournal(t)})
		require.NoError(t, err)
		assert.Len(t, sum.Rotated, 1)
		assert.Equal(t, 3, km.creates)
		assert.Equal(t, 3*time.Second, time.Since(start))
	})
}

// TestRotateRefusesUnfinishedJournal: a journal a killed run left is
// reconciled first.
func TestRotateRefusesUnfinishedJournal(t *testing.T) {
	t.Parallel()
	j := openJournal(t)
	require.NoError(t, j.Write(fleet.Record{Run: "R", Rotation: "R-1", Step: fleet.StepCreating, Mode: fleet.ModeReplace, Profile: "m", Old: "k1"}))
	km := memkm.New(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	km.Add("o", "a", "")
	var d deliveries
	_, err := fleet.Rotate(context.Background(), []fleet.Target{{Profile: "m", KM: km}}, fleet.Policy{MaxAge: day, Now: in2030},
		fleet.RotateOptions{Store: d.store, Journal: j})
	var ue *fleet.UnfinishedError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, []string{"R-1"}, ue.Rotations)
	assert.Contains(t, err.Error(), "reconcile it first")
	assert.Empty(t, km.Calls())
}

// TestRotateInPlaceStoreFailureKeepsTheSecret: an in-place rotation's new
// secret (the old one is dead) waits in a recovery file when the store
// refuses it, the journal names the file, and reconcile delivers it later.
func TestRotateInPlaceStoreFailureKeepsTheSecret(t *testing.T) {
	t.Parallel()
	km := memkm.New(cloudkeys.Capabilities{Rotate: true})
	km.Add("o", "a", "")
	j := openJournal(t)
	dir := t.TempDir()
	d := deliveries{fail: errors.New("vault sealed")}
	sum, err := fleet.Rotate(context.Background(), []fleet.Target{{Profile: "m", KM: km}}, fleet.Policy{MaxAge: day, Now: in2030},
		fleet.RotateOptions{Store: d.store, Journal: j, RecoveryDir: dir})
	require.NoError(t, err)
	require.Len(t, sum.Failed, 1)
	o := sum.Failed[0]
	assert.Equal(t, fleet.ModeInPlace, o.Mode)
	require.NotEmpty(t, o.Recovery)
	assert.Contains(t, o.Reason, "the new secret was saved to "+o.Recovery)
	b, err := os.ReadFile(o.Recovery)
	require.NoError(t, err)
	assert.Equal(t, "secret-2", string(b))
	st, err := os.Stat(o.Recovery)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	recs, err := j.Records()
	require.NoError(t, err)
	un := fleet.Unfinished(recs)
	require.Len(t, un, 1)
	assert.Equal(t, fleet.StepRotated, un[0].Last)
	assert.Equal(t, o.Recovery, un[0].Recovery)

	d.fail = nil
	sets, err := fleet.Reconcile(context.Background(), []fleet.Target{{Profile: "m", KM: km}}, recs, fleet.ReconcileOptions{Store: d.store, Journal: j})
	require.NoError(t, err)
	require.Len(t, sets, 1)
	assert.Equal(t, fleet.ActionDeliver, sets[0].Action)
	require.Len(t, d.got, 1)
	assert.Equal(t, "secret-2", d.got[0].Key.Secret.Reveal())
	assert.True(t, d.got[0].InPlace)
	assert.NoFileExists(t, o.Recovery, "removed once stored")
	recs, err = j.Records()
	require.NoError(t, err)
	assert.Empty(t, fleet.Unfinished(recs))
}
