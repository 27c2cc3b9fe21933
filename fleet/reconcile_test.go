package fleet_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/fleet"
	"github.com/cloudkeys/cloudkeys/internal/memkm"
)

// crashPoint is where a simulated crash stops a rotation: before a record
// of step is written, or once it is on disk.
type crashPoint struct {
	when string // "before" or "after"
	step fleet.Step
}

func (c crashPoint) String() string { return c.when + ":" + string(c.step) }

// crashAt makes the journal stop the goroutine that writes step (once):
// like a process killed there, that rotation sends nothing more.
func crashAt(j *fleet.Journal, c crashPoint) {
	var done atomic.Bool
	hook := func(r fleet.Record) {
		if r.Step == c.step && r.Rotation != "" && done.CompareAndSwap(false, true) {
			runtime.Goexit()
		}
	}
	if c.when == "before" {
		j.BeforeWrite = hook
	} else {
		j.AfterWrite = hook
	}
}

var (
	replaceCrashes = []crashPoint{{"after", fleet.StepCreating}, {"before", fleet.StepCreated}, {"after", fleet.StepCreated},
		{"before", fleet.StepStored}, {"after", fleet.StepStored}, {"after", fleet.StepDeleted}}
	inPlaceCrashes = []crashPoint{{"after", fleet.StepRotating}, {"before", fleet.StepRotated}, {"after", fleet.StepRotated},
		{"before", fleet.StepStored}, {"after", fleet.StepStored}}
	// what reconcile does after each
	wantAction = map[string]fleet.Action{
		"after:creating": fleet.ActionAbandon, "before:created": fleet.ActionDeleteOrphan, "after:created": fleet.ActionDeleteNew,
		"before:stored": fleet.ActionDeleteNew, "after:stored": fleet.ActionDeleteOld, "after:deleted": "",
		"after:rotating": fleet.ActionRotateAgain, "before:rotated": fleet.ActionRotateAgain, "after:rotated": fleet.ActionDeliver,
		"in-place before:stored": fleet.ActionDeliver, "in-place after:stored": "",
	}
)

// TestReconcileAfterACrashAtEveryStep: on every vendor's fake, a rotation
// stopped at each step (simulated in-process: the goroutine ends there, as
// its process would) is settled by Reconcile so that the owner holds
// exactly one key for the rotated key — the old one (undone) or the new
// one (finished), whose secret the store then holds — and nothing is left
// unfinished. (cmd/cloudkeys's TestCrashAndReconcile does the same with
// real processes and SIGKILL.)
func TestReconcileAfterACrashAtEveryStep(t *testing.T) {
	t.Parallel()
	vendors := fakeAccounts(t)
	for i := range vendors {
		crashes := replaceCrashes
		if vendors[i].mode == fleet.ModeInPlace {
			crashes = inPlaceCrashes
		}
		for _, c := range crashes {
			t.Run(vendors[i].name+"/"+c.String(), func(t *testing.T) {
				t.Parallel()
				a := fakeAccounts(t)[i] // a fresh fake for each
				a.seed(t, 1)
				before := a.keys(t)
				var old string
				for _, id := range before {
					if a.vendor != "e24" || id != ownKey(t, a) {
						old = id
					}
				}
				j := openJournal(t)
				recovery := t.TempDir()
				crashAt(j, c)
				var d deliveries
				sum, err := fleet.Rotate(context.Background(), []fleet.Target{a.target("p")}, fleet.Policy{MaxAge: 90 * day, Now: later},
					fleet.RotateOptions{Store: d.store, Journal: j, RecoveryDir: recovery, Concurrency: 2,
						Select: func(f fleet.Finding) bool { return f.ID == old }})
				require.NoError(t, err)
				require.Empty(t, sum.Rotated, "the rotation was stopped")
				j.BeforeWrite, j.AfterWrite = nil, nil

				recs, err := j.Records()
				require.NoError(t, err)
				sets, err := fleet.Reconcile(context.Background(), []fleet.Target{a.target("p")}, recs,
					fleet.ReconcileOptions{Store: d.store, Journal: j, RecoveryDir: recovery})
				require.NoError(t, err)
				key := c.String()
				if a.mode == fleet.ModeInPlace && c.step == fleet.StepStored {
					key = "in-place " + key
				}
				if want := wantAction[key]; want == "" {
					assert.Empty(t, sets)
				} else {
					require.Len(t, sets, 1)
					assert.Equal(t, want, sets[0].Action, sets[0].Reason)
					assert.True(t, sets[0].Done, sets[0].Reason)
					assert.NoError(t, sets[0].Err)
				}
				recs, err = j.Records()
				require.NoError(t, err)
				assert.Empty(t, fleet.Unfinished(recs), "settled")

				after := a.keys(t)
				require.Len(t, after, len(before), "exactly one key for the rotated key: %v -> %v", before, after)
				live := ""
				for _, id := range after {
					if !slices.Contains(before, id) || id == old {
						require.Empty(t, live, "one key of the lineage: %v", after)
						live = id
					}
				}
				if live == old {
					return // undone: the old key and its secret, where they were
				}
				require.NotEmpty(t, live, "%v -> %v", before, after)
				found := false
				for _, del := range d.got {
					if del.Key.ID == live && !del.Key.Secret.IsZero() {
						found = true
					}
				}
				assert.True(t, found, "the store holds the live key %s", live)
			})
		}
	}
}

func ownKey(t *testing.T, a *fakeAccount) string {
	t.Helper()
	id, err := a.km.(cloudkeys.CredentialRotator).CredentialKeyID(context.Background())
	require.NoError(t, err)
	return id
}

// TestReconcileAmbiguous: when more keys than lost creates match, nothing
// is deleted and the candidates are named.
func TestReconcileAmbiguous(t *testing.T) {
	t.Parallel()
	km := memkm.New(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	km.Now = time.Now
	km.Add("o", "ci", "")
	km.Add("o", "other", "")
	j := openJournal(t)
	crashAt(j, crashPoint{"before", fleet.StepCreated})
	var d deliveries
	_, err := fleet.Rotate(context.Background(), []fleet.Target{{Profile: "m", KM: km}}, fleet.Policy{MaxAge: time.Nanosecond},
		fleet.RotateOptions{Store: d.store, Journal: j, Select: func(f fleet.Finding) bool { return f.ID == "k1" }})
	require.NoError(t, err)
	j.BeforeWrite = nil
	km.Add("o", "ci", "") // someone else's key of the same name, meanwhile
	km.Add("o", "nope", "")
	recs, err := j.Records()
	require.NoError(t, err)

	dry, err := fleet.Reconcile(context.Background(), []fleet.Target{{Profile: "m", KM: km}}, recs, fleet.ReconcileOptions{DryRun: true})
	require.NoError(t, err)
	require.Len(t, dry, 1)
	assert.Equal(t, fleet.ActionUnresolved, dry[0].Action)
	assert.Equal(t, []string{"k3", "k4"}, dry[0].Candidates)

	sets, err := fleet.Reconcile(context.Background(), []fleet.Target{{Profile: "m", KM: km}}, recs, fleet.ReconcileOptions{Journal: j})
	require.NoError(t, err)
	assert.Equal(t, fleet.ActionUnresolved, sets[0].Action)
	assert.Contains(t, sets[0].Reason, "2 keys of owner \"o\" could be the 1 lost replacement(s)")
	assert.Equal(t, 5, km.Len(), "nothing deleted")
	recs, err = j.Records()
	require.NoError(t, err)
	assert.Len(t, fleet.Unfinished(recs), 1, "still unfinished")
}

// TestReconcileSeveralLostCreatesOfOneOwner: two rotations of one owner
// stopped after their creates (OwnerConcurrency 2): both orphans go.
func TestReconcileSeveralLostCreatesOfOneOwner(t *testing.T) {
	t.Parallel()
	km := memkm.New(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	km.Now = time.Now
	km.Add("o", "a", "")
	km.Add("o", "b", "")
	km.Add("o", "c", "")
	j := openJournal(t)
	j.BeforeWrite = func(r fleet.Record) {
		if r.Step == fleet.StepCreated && r.Old != "k3" {
			runtime.Goexit()
		}
	}
	var d deliveries
	sum, err := fleet.Rotate(context.Background(), []fleet.Target{{Profile: "m", KM: km}}, fleet.Policy{MaxAge: time.Nanosecond},
		fleet.RotateOptions{Store: d.store, Journal: j, Concurrency: 3, OwnerConcurrency: 3})
	require.NoError(t, err)
	assert.Len(t, sum.Rotated, 1)
	j.BeforeWrite = nil
	assert.Equal(t, 5, km.Len())
	recs, err := j.Records()
	require.NoError(t, err)
	sets, err := fleet.Reconcile(context.Background(), []fleet.Target{{Profile: "m", KM: km}}, recs, fleet.ReconcileOptions{Journal: j})
	require.NoError(t, err)
	require.Len(t, sets, 2)
	for _, s := range sets {
		assert.Equal(t, fleet.ActionDeleteOrphan, s.Action, s.Reason)
	}
	assert.Equal(t, 3, km.Len())
	_, err = km.GetKey(context.Background(), "k1")
	assert.NoError(t, err)
	_, err = km.GetKey(context.Background(), "k2")
	assert.NoError(t, err)
}

// TestReconcileLeavesTheOwnCredential: a stored rotation of the key the
// profile authenticates with is not finished by deleting that key.
func TestReconcileLeavesTheOwnCredential(t *testing.T) {
	t.Parallel()
	km := memkm.New(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	km.Add("o", "a", "")
	km.AuthenticateAs("k1")
	j := openJournal(t)
	crashAt(j, crashPoint{"after", fleet.StepStored})
	var d deliveries
	_, err := fleet.Rotate(context.Background(), []fleet.Target{{Profile: "m", KM: km}}, fleet.Policy{MaxAge: day, Now: in2030},
		fleet.RotateOptions{Store: d.store, Journal: j})
	require.NoError(t, err)
	j.AfterWrite = nil
	recs, err := j.Records()
	require.NoError(t, err)
	sets, err := fleet.Reconcile(context.Background(), []fleet.Target{{Profile: "m", KM: km}}, recs, fleet.ReconcileOptions{Journal: j})
	require.NoError(t, err)
	require.Len(t, sets, 1)
	assert.Equal(t, fleet.ActionUnresolved, sets[0].Action)
	assert.Contains(t, sets[0].Reason, "switch the profile to the new key k2")
	assert.Equal(t, 2, km.Len())

	km.AuthenticateAs("k2") // the profile now uses the new key
	sets, err = fleet.Reconcile(context.Background(), []fleet.Target{{Profile: "m", KM: km}}, recs, fleet.ReconcileOptions{Journal: j})
	require.NoError(t, err)
	assert.Equal(t, fleet.ActionDeleteOld, sets[0].Action)
	assert.Equal(t, 1, km.Len())
	_ = fmt.Sprint()
}
