package fleet

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"time"

	"github.com/cloudkeys/cloudkeys"
)

// Rotation is what a journal says of one rotation: its last step and
// what the steps recorded.
type Rotation struct {
	ID      string
	Run     string
	Mode    string
	Profile string
	Vendor  string
	Owner   string
	Old     string
	New     string // the replacement's id (in place: the key's id after)
	// Name and Description of the replacement, as last asked for.
	Name        string
	Description string
	Own         bool // the target client's own credential
	Last        Step // the last step recorded
	// Started is the time of the last creating (or rotating) record.
	Started  time.Time
	Recovery string // in place: the file holding the new secret
}

// Finished reports whether the rotation needs nothing more: the old key
// was deleted, the new one rolled back, nothing was created, or an
// in-place rotation was stored.
func (r Rotation) Finished() bool {
	switch r.Last {
	case StepDeleted, StepRolledBack, StepFailed, StepAbandoned:
		return true
	case StepStored:
		return r.Mode == ModeInPlace
	}
	return false
}

// Rotations replays records into the rotations they describe, in the
// order of their first record.
func Rotations(records []Record) []Rotation {
	var order []string
	byID := map[string]*Rotation{}
	for _, rec := range records {
		if rec.Rotation == "" {
			continue
		}
		r := byID[rec.Rotation]
		if r == nil {
			r = &Rotation{ID: rec.Rotation, Run: rec.Run, Mode: rec.Mode, Profile: rec.Profile, Vendor: rec.Vendor, Owner: rec.Owner, Old: rec.Old, Own: rec.Own}
			byID[rec.Rotation] = r
			order = append(order, rec.Rotation)
		}
		r.Last = rec.Step
		if rec.New != "" {
			r.New = rec.New
		}
		switch rec.Step {
		case StepCreating:
			r.Owner, r.Name, r.Description, r.Started = rec.Owner, rec.Name, rec.Description, rec.Time
		case StepRotating:
			r.Started = rec.Time
		case StepRotated:
			r.Recovery = rec.Recovery
		}
	}
	out := make([]Rotation, len(order))
	for i, id := range order {
		out[i] = *byID[id]
	}
	return out
}

// Unfinished returns the rotations of records that are not Finished.
func Unfinished(records []Record) []Rotation {
	var out []Rotation
	for _, r := range Rotations(records) {
		if !r.Finished() {
			out = append(out, r)
		}
	}
	return out
}

// Action is what [Reconcile] does, or would do, with an unfinished
// rotation.
type Action string

// The actions of Reconcile, by the last step the journal holds:
const (
	// creating (replace): the key the create made, found by the rule of
	// [Reconcile], is deleted: the rotation is undone.
	ActionDeleteOrphan Action = "delete-orphan"
	// creating (replace): no such key: the create never happened.
	ActionAbandon Action = "abandon"
	// created (replace): the replacement was never stored, so its secret
	// is lost: it is deleted, the old key stays.
	ActionDeleteNew Action = "delete-new"
	// stored (replace): the old key is deleted: the rotation is finished.
	ActionDeleteOld Action = "delete-old"
	// rotated (in place): the secret saved in the recovery file is handed
	// to the store and the file removed.
	ActionDeliver Action = "deliver"
	// rotating (in place), or rotated without a readable recovery file:
	// whether the vendor rotated the key cannot be told, and if it did the
	// new secret is lost; the key is rotated in place once more and the
	// result stored.
	ActionRotateAgain Action = "rotate-again"
	// Nothing was done: Reason says what a person must decide.
	ActionUnresolved Action = "unresolved"
)

// Settlement is what Reconcile did with one unfinished rotation.
type Settlement struct {
	Rotation Rotation
	Action   Action
	// Done: the action was carried out (false in a dry run, or on error).
	Done bool
	// Deleted are the ids of the keys deleted.
	Deleted []string
	// Candidates are the keys that may be a lost replacement, when there
	// were too many to tell (ActionUnresolved).
	Candidates []string
	Reason     string
	Err        error
}

// ReconcileOptions configure [Reconcile].
type ReconcileOptions struct {
	// Store receives the keys an in-place rotation is finished with
	// (ActionDeliver, ActionRotateAgain); without it those rotations are
	// left unresolved.
	Store func(ctx context.Context, d Delivery) error
	// Journal, when set, gets a record (By "reconcile") of every action
	// carried out, so that the rotation counts as finished; it is usually
	// the journal the records came from.
	Journal *Journal
	// RecoveryDir is used by ActionRotateAgain, as RotateOptions' is.
	RecoveryDir string
	// DryRun finds what to do and changes nothing.
	DryRun bool
	// Skew is how far the servers' clocks may be from this machine's,
	// for the creation-time rule (default 5 minutes).
	Skew time.Duration
}

// Reconcile settles the rotations records left unfinished (a run killed
// midway), each against the target of its profile:
//
//   - created, never stored: the replacement is deleted (its secret died
//     with the run) and the old key kept;
//   - stored, old key not deleted: the old key is deleted, finishing the
//     rotation — unless it is the credential the target's client
//     authenticates with (then the profile must first be switched to the
//     new key, which the store holds; unresolved until then);
//   - creating, no created: the create may or may not have happened. The
//     owner's keys are listed and a key is taken for the replacement when
//     it (a) is not among the keys the owner held before the run created
//     any (the run's snapshot record), (b) is named nowhere in the
//     journal, (c) has the name the create asked for (or the name with
//     cloudkeys.Rotate's "-rotated-<time>" suffix) and its description,
//     where those were set, and (d) was created no earlier than the
//     creating record, less Skew, where the vendor reports creation
//     times. The unfinished creates of one owner are settled together: if
//     no more keys match than there are such creates, every match is
//     deleted (ActionDeleteOrphan; the rest ActionAbandon: nothing was
//     created); if more match — someone else created keys for that owner
//     meanwhile — nothing is deleted and the candidates are reported
//     (ActionUnresolved);
//   - in place, rotated: the recovery file's secret is stored; rotating
//     (or the file is gone): the key is rotated in place again and stored.
//
// Every action taken is recorded in opts.Journal. A key found already
// deleted counts as deleted. The error returned is for the whole call
// (ctx); each settlement has its own.
func Reconcile(ctx context.Context, targets []Target, records []Record, opts ReconcileOptions) ([]Settlement, error) {
	opts.Skew = cmp.Or(opts.Skew, 5*time.Minute)
	rots := Unfinished(records)
	tmap := map[string]*targetState{}
	for _, t := range targets {
		tmap[t.Profile] = &targetState{t: t.limited(), snaps: map[string]*snapshot{}}
	}
	known := knownIDs(records)
	snaps := snapshotsOf(records)
	out := make([]Settlement, len(rots))
	groups := map[[2]string][]int{}
	var groupOrder [][2]string
	for i, rot := range rots {
		s := &out[i]
		s.Rotation = rot
		ts := tmap[rot.Profile]
		if ts == nil || ts.t.KM == nil {
			s.Action, s.Err = ActionUnresolved, fmt.Errorf("profile %s is not configured", rot.Profile)
			s.Reason = s.Err.Error()
			continue
		}
		switch {
		case rot.Mode == ModeInPlace:
			reconcileInPlace(ctx, ts, s, opts)
		case rot.Last == StepCreated || rot.Last == StepRotated:
			s.Action = ActionDeleteNew
			s.Reason = "the replacement was created but never stored: its secret is lost"
			if !opts.DryRun {
				settleDelete(ctx, ts, s, rot.New, Record{Step: StepRolledBack, New: rot.New}, opts)
			}
		case rot.Last == StepStored:
			reconcileStored(ctx, ts, s, opts)
		case rot.Last == StepCreating:
			k := [2]string{rot.Profile, rot.Owner}
			if groups[k] == nil {
				groupOrder = append(groupOrder, k)
			}
			groups[k] = append(groups[k], i)
		default:
			s.Action, s.Reason = ActionUnresolved, "unexpected last step "+string(rot.Last)
		}
	}
	for _, k := range groupOrder {
		reconcileCreating(ctx, tmap[k[0]], out, groups[k], known[k[0]], snaps, opts)
	}
	return out, ctx.Err()
}

// settleDelete deletes id (gone already counts) and records rec.
func settleDelete(ctx context.Context, ts *targetState, s *Settlement, id string, rec Record, opts ReconcileOptions) {
	err := ts.t.KM.DeleteKey(ctx, id)
	if err != nil && !errors.Is(err, cloudkeys.ErrNotFound) {
		s.Err = err
		s.Reason += fmt.Sprintf("; deleting %s failed: %v", id, err)
		return
	}
	s.Deleted = append(s.Deleted, id)
	s.Done = true
	s.Err = record(opts.Journal, s.Rotation, rec)
}

func record(j *Journal, rot Rotation, rec Record) error {
	if j == nil {
		return nil
	}
	rec.Run, rec.Rotation, rec.Mode = rot.Run, rot.ID, rot.Mode
	rec.Profile, rec.Vendor, rec.Old, rec.Own = rot.Profile, rot.Vendor, rot.Old, rot.Own
	rec.Owner = cmp.Or(rec.Owner, rot.Owner)
	rec.By = "reconcile"
	return j.Write(rec)
}

func reconcileStored(ctx context.Context, ts *targetState, s *Settlement, opts ReconcileOptions) {
	rot := s.Rotation
	own, err := cloudkeys.IsOwnCredential(ctx, ts.t.KM, rot.Old)
	if err != nil {
		s.Action, s.Err, s.Reason = ActionUnresolved, err, "could not tell whether the old key is this profile's credential: "+err.Error()
		return
	}
	if own {
		s.Action = ActionUnresolved
		s.Reason = fmt.Sprintf("the old key %s is the credential profile %s authenticates with: switch the profile to the new key %s (the store has it), then reconcile again", rot.Old, rot.Profile, rot.New)
		return
	}
	s.Action = ActionDeleteOld
	s.Reason = "the replacement was stored but the old key not deleted"
	if !opts.DryRun {
		settleDelete(ctx, ts, s, rot.Old, Record{Step: StepDeleted, New: rot.New}, opts)
	}
}

func reconcileInPlace(ctx context.Context, ts *targetState, s *Settlement, opts ReconcileOptions) {
	rot := s.Rotation
	if rot.Last == StepRotated && rot.Recovery != "" {
		if secret, err := readRecovery(rot.Recovery); err == nil {
			s.Action, s.Reason = ActionDeliver, "rotated in place; the new secret waits in "+rot.Recovery
			if opts.DryRun {
				return
			}
			if opts.Store == nil {
				s.Action, s.Reason = ActionUnresolved, "rotated in place; its new secret is in "+rot.Recovery+": give a store to deliver it"
				return
			}
			k, gerr := ts.t.KM.GetKey(ctx, rot.New)
			if gerr != nil {
				k = &cloudkeys.Key{Vendor: rot.Vendor, ID: rot.New, Owner: rot.Owner, Enabled: true}
			}
			k.Secret = cloudkeys.NewSecret(secret)
			d := Delivery{Profile: rot.Profile, Vendor: rot.Vendor, Key: k, Replaces: rot.Old, InPlace: true, OwnCredential: rot.Own}
			if err := opts.Store(ctx, d); err != nil {
				s.Err, s.Reason = err, s.Reason+"; the store failed: "+err.Error()
				return
			}
			s.Done = true
			s.Err = record(opts.Journal, rot, Record{Step: StepStored, New: rot.New})
			if s.Err == nil {
				_ = os.Remove(rot.Recovery)
			}
			return
		}
	}
	// The new secret, if there is one, is lost: rotate again.
	s.Action = ActionRotateAgain
	s.Reason = "rotated in place, or about to be, and its new secret was not kept"
	if opts.Store == nil {
		s.Action, s.Reason = ActionUnresolved, s.Reason+": give a store to rotate it again"
		return
	}
	current := rot.Old
	if _, err := ts.t.KM.GetKey(ctx, rot.Old); errors.Is(err, cloudkeys.ErrNotFound) {
		// The rotation happened and changed the key's id: the owner's one
		// key is its result.
		keys, lerr := cloudkeys.Collect(ts.t.KM.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: rot.Owner}))
		if lerr != nil || len(keys) != 1 {
			s.Action = ActionUnresolved
			s.Reason = fmt.Sprintf("key %s is gone and the owner's key cannot be told (%d keys, %v)", rot.Old, len(keys), lerr)
			return
		}
		current = keys[0].ID
	} else if err != nil {
		s.Action, s.Err, s.Reason = ActionUnresolved, err, "reading the key failed: "+err.Error()
		return
	}
	if opts.DryRun {
		return
	}
	r := &run{opts: RotateOptions{Store: opts.Store, RecoveryDir: opts.RecoveryDir, RateLimitedRetries: -1}, journal: opts.Journal,
		sum: &Summary{Run: rot.Run}, targets: map[string]*targetState{rot.Profile: ts}}
	if ts.err == nil && ts.mode == "" {
		r.prepare(ctx, ts)
	}
	j := &job{f: Finding{Profile: rot.Profile, Vendor: rot.Vendor, Owner: rot.Owner, ID: current, Enabled: true},
		ts: ts, own: ts.own != "" && ts.own == current, mode: ModeInPlace, rotation: rot.ID}
	o := r.rotateOne(ctx, j)
	if o.Result != Rotated {
		s.Err, s.Reason = o.Err, s.Reason+"; rotating again failed: "+o.Reason
		return
	}
	s.Done = true
	s.Rotation.New = o.New
}

// rotatedName matches cloudkeys.DerivedName's suffix.
var rotatedName = regexp.MustCompile(`-rotated-\d{8}T\d{6}Z(-[0-9a-f]{6})?$`)

func sameName(asked, got string) bool {
	if asked == "" || asked == got {
		return true
	}
	return rotatedName.ReplaceAllString(asked, "") == rotatedName.ReplaceAllString(got, "")
}

// reconcileCreating settles the unfinished creates (rots[idx]) of one
// profile and owner together.
func reconcileCreating(ctx context.Context, ts *targetState, out []Settlement, idx []int, known map[string]bool, snaps map[[2]string]map[string]bool, opts ReconcileOptions) {
	first := out[idx[0]].Rotation
	earliest := first.Started
	for _, i := range idx {
		if t := out[i].Rotation.Started; t.Before(earliest) {
			earliest = t
		}
	}
	fail := func(err error, reason string) {
		for _, i := range idx {
			out[i].Action, out[i].Err, out[i].Reason = ActionUnresolved, err, reason
		}
	}
	var candidates []*cloudkeys.Key
	for k, err := range ts.t.KM.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: first.Owner}) {
		if err != nil {
			fail(err, "listing the owner's keys failed: "+err.Error())
			return
		}
		if known[k.ID] || k.ID == "" {
			continue
		}
		before := false
		for _, i := range idx {
			if snaps[[2]string{out[i].Rotation.Run, first.Profile}][k.ID] {
				before = true
			}
		}
		if before {
			continue
		}
		if !k.CreatedAt.IsZero() && k.CreatedAt.Before(earliest.Add(-opts.Skew)) {
			continue
		}
		match := false
		for _, i := range idx {
			r := out[i].Rotation
			if sameName(r.Name, k.Name) && (r.Description == "" || r.Description == k.Description) {
				match = true
			}
		}
		if match {
			candidates = append(candidates, k)
		}
	}
	if len(candidates) > len(idx) {
		ids := make([]string, len(candidates))
		for i, k := range candidates {
			ids[i] = k.ID
		}
		slices.Sort(ids)
		for _, i := range idx {
			out[i].Action, out[i].Candidates = ActionUnresolved, ids
			out[i].Reason = fmt.Sprintf("%d keys of owner %q could be the %d lost replacement(s): delete the ones this run made by hand", len(ids), first.Owner, len(idx))
		}
		return
	}
	used := make([]bool, len(candidates))
	for _, i := range idx {
		s := &out[i]
		var pick *cloudkeys.Key
		for c, k := range candidates {
			if !used[c] && sameName(s.Rotation.Name, k.Name) && (s.Rotation.Description == "" || s.Rotation.Description == k.Description) {
				used[c], pick = true, k
				break
			}
		}
		if pick == nil {
			s.Action, s.Reason = ActionAbandon, "no key was created: the old key stays"
			if !opts.DryRun {
				s.Done = true
				s.Err = record(opts.Journal, s.Rotation, Record{Step: StepAbandoned})
			}
			continue
		}
		s.Action = ActionDeleteOrphan
		s.Rotation.New = pick.ID
		s.Reason = "the replacement " + pick.ID + " was created but never recorded: its secret is lost"
		if !opts.DryRun {
			settleDelete(ctx, ts, s, pick.ID, Record{Step: StepRolledBack, New: pick.ID}, opts)
		}
	}
}

// knownIDs returns, by profile, every key id the records name.
func knownIDs(records []Record) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, r := range records {
		if r.Profile == "" || r.Step == StepSnapshot {
			continue
		}
		m := out[r.Profile]
		if m == nil {
			m = map[string]bool{}
			out[r.Profile] = m
		}
		for _, id := range []string{r.Old, r.New} {
			if id != "" {
				m[id] = true
			}
		}
	}
	return out
}

// snapshotsOf returns the ids of the snapshot records by (run, profile),
// every owner's together (an id names one key whoever owns it).
func snapshotsOf(records []Record) map[[2]string]map[string]bool {
	out := map[[2]string]map[string]bool{}
	for _, r := range records {
		if r.Step != StepSnapshot {
			continue
		}
		k := [2]string{r.Run, r.Profile}
		m := out[k]
		if m == nil {
			m = map[string]bool{}
			out[k] = m
		}
		for _, id := range r.Keys {
			m[id] = true
		}
	}
	return out
}
