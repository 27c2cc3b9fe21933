package fleet

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cloudkeys/cloudkeys"
)

// Delivery is a new key handed to [RotateOptions.Store].
type Delivery struct {
	Profile string
	Vendor  string
	// Key is the new key, secret included.
	Key *cloudkeys.Key
	// Replaces is the id of the key it replaces (in place: the key's id
	// before the rotation, which some vendors change).
	Replaces string
	// InPlace: the vendor rotated the key in place; its old secret no
	// longer works.
	InPlace bool
	// OwnCredential: the key is the one the target's client
	// authenticates with; the profile's credentials must be updated to it.
	OwnCredential bool
}

// Result is what became of one selected key.
type Result string

// The results of a rotation run.
const (
	Rotated Result = "rotated" // replaced (or rotated in place) and stored
	Skipped Result = "skipped" // not attempted; Reason says why
	Failed  Result = "failed"  // attempted and failed; Reason says what is left
	Planned Result = "planned" // a dry run would rotate it
)

// Outcome is the result of one selected key.
type Outcome struct {
	Finding       Finding
	Result        Result
	Mode          string // ModeReplace or ModeInPlace ("" when skipped before that was known)
	OwnCredential bool   // the key the target's client authenticates with (rotated last)
	New           string // the new key's id, when one was created
	Reason        string
	// Recovery names the file holding the secret of an in-place rotation
	// that Store did not accept (the old secret no longer works).
	Recovery string
	Err      error
}

// Summary is the result of a rotation run.
type Summary struct {
	Rotated, Skipped, Failed, Planned []Outcome
	// Errors are the audit's errors (each a *TargetError): keys that could
	// not be listed were not considered.
	Errors []error
	// Run is the run's id (in the journal: Record.Run).
	Run string
}

// RotateOptions configure [Rotate] and [RotateFindings].
type RotateOptions struct {
	// Select picks the findings to rotate; nil picks those that violate
	// the policy (VerdictViolates).
	Select func(Finding) bool
	// Concurrency is how many rotations run at once over all targets
	// (default 4). OwnerConcurrency is how many run at once for one owner
	// of one target (default 1: an owner needs room for one more key at a
	// time, and the journal stays unambiguous).
	Concurrency      int
	OwnerConcurrency int
	// Store receives every new key, secret included, before the old key
	// is deleted; an error makes the rotation roll back (the new key is
	// deleted) where the vendor replaces keys. Required unless DryRun.
	Store func(ctx context.Context, d Delivery) error
	// Journal, when set, records every step (see [Step]) so that
	// [Reconcile] can settle a run that was killed. A journal holding
	// unfinished rotations is refused (an *UnfinishedError): reconcile it
	// first.
	Journal *Journal
	// RecoveryDir is where an in-place rotation's new secret is written
	// (mode 0600) before Store runs, and removed once Store accepts it, so
	// that a crash in between does not lose it; "" keeps it in memory only.
	RecoveryDir string
	// DryRun sends no request that changes anything: the selected keys are
	// reported as Planned, with the mode the rotation would take.
	DryRun bool
	// OnOutcome is called with each outcome as it is known, one call at a
	// time.
	OnOutcome func(Outcome)
	// RateLimitedRetries is how often a rotation refused with
	// ErrRateLimited before anything was created is tried again, after
	// waiting 1s, 2s, 4s... (default 3; negative: never).
	RateLimitedRetries int
}

// UnfinishedError refuses a rotation run on a journal that holds
// rotations a killed run left half done.
type UnfinishedError struct {
	Journal   string
	Rotations []string
}

// Error names the journal and the unfinished rotations.
func (e *UnfinishedError) Error() string {
	return fmt.Sprintf("journal %s holds %d unfinished rotation(s) of a run that did not end (%s): reconcile it first",
		e.Journal, len(e.Rotations), abbreviate(e.Rotations, 3))
}

// Is makes an UnfinishedError match cloudkeys.ErrOutcomeUnknown: writes
// of the earlier run may or may not have happened; reconcile first.
func (e *UnfinishedError) Is(target error) bool { return target == cloudkeys.ErrOutcomeUnknown }

func abbreviate(s []string, n int) string {
	if len(s) <= n {
		return fmt.Sprint(s)
	}
	return fmt.Sprint(s[:n]) + fmt.Sprintf(" and %d more", len(s)-n)
}

// Rotate audits targets with policy and rotates the keys selected (by
// default those that violate it): [RotateFindings] over [Audit].
func Rotate(ctx context.Context, targets []Target, policy Policy, opts RotateOptions) (*Summary, error) {
	return RotateFindings(ctx, targets, Audit(ctx, targets, policy), opts)
}

// RotateFindings rotates the keys of findings that opts.Select picks, with
// [cloudkeys.Rotate]: create the replacement, store it, delete the old key
// (or, where an owner can hold one key only, rotate in place and store).
//
// The findings are read to the end first, and only the selected ones kept:
// rotating while a vendor's list is still being paged would shift its pages
// (keys skipped, replacements listed and rotated again).
//
// Then up to Concurrency rotations run at once, each target's calls
// limited to its Rate, and at most OwnerConcurrency per owner. A disabled
// key is skipped (its replacement would be enabled). The key a target's
// client authenticates with is rotated last, alone, after every other
// rotation of that target: cloudkeys.Rotate switches the client to the new
// key before deleting the old one, and nothing else is in flight with the
// old credential then.
//
// A rotation refused with ErrRateLimited before anything was created is
// tried again after a pause. A replacement that was created but could not
// be stored is deleted again. Errors of single rotations are in the
// Summary; the error returned is for the run (a journal that cannot be
// written or holds unfinished rotations, a missing Store, ctx).
func RotateFindings(ctx context.Context, targets []Target, findings iter.Seq2[Finding, error], opts RotateOptions) (*Summary, error) {
	if opts.Store == nil && !opts.DryRun {
		return nil, cloudkeys.InvalidInput("", "Store", "a rotation needs a Store for the new secrets")
	}
	if opts.Select == nil {
		opts.Select = func(f Finding) bool { return f.Verdict == VerdictViolates }
	}
	opts.Concurrency = cmp.Or(max(opts.Concurrency, 0), 4)
	opts.OwnerConcurrency = cmp.Or(max(opts.OwnerConcurrency, 0), 1)
	if opts.RateLimitedRetries == 0 {
		opts.RateLimitedRetries = 3
	}
	r := &run{opts: opts, sum: &Summary{}, targets: map[string]*targetState{}}
	for _, t := range targets {
		if _, dup := r.targets[t.Profile]; dup {
			return nil, cloudkeys.InvalidInput("", "targets", "profile "+t.Profile+" appears twice")
		}
		r.targets[t.Profile] = &targetState{t: t.limited(), snaps: map[string]*snapshot{}}
	}
	if opts.Journal != nil && !opts.DryRun {
		recs, err := opts.Journal.Records()
		if err != nil {
			return nil, err
		}
		if un := Unfinished(recs); len(un) > 0 {
			ids := make([]string, len(un))
			for i, u := range un {
				ids[i] = u.ID
			}
			return nil, &UnfinishedError{Journal: opts.Journal.Path(), Rotations: ids}
		}
		r.journal = opts.Journal
	}
	r.sum.Run = newRunID()

	// Read the audit to the end, keeping the selected findings only.
	var jobs []*job
	for f, err := range findings {
		if err != nil {
			r.sum.Errors = append(r.sum.Errors, err)
			continue
		}
		if opts.Select(f) {
			jobs = append(jobs, &job{f: f})
		}
	}
	if err := ctx.Err(); err != nil {
		return r.sum, err
	}
	if err := r.write(Record{Step: StepStart}); err != nil {
		return r.sum, err
	}
	r.schedule(ctx, jobs)
	if err := r.write(Record{Step: StepEnd}); err != nil {
		return r.sum, err
	}
	return r.sum, ctx.Err()
}

type run struct {
	opts    RotateOptions
	journal *Journal
	sum     *Summary
	targets map[string]*targetState
	seq     atomic.Int64
	outMu   sync.Mutex
}

type job struct {
	f        Finding
	ts       *targetState
	own      bool
	mode     string
	rotation string // the rotation's id; "" for a new one
}

type targetState struct {
	t    Target
	mode string // ModeReplace or ModeInPlace; "" when neither works
	err  error  // capabilities or own credential could not be read
	own  string // the id of the client's own credential, or ""

	mu    sync.Mutex
	snaps map[string]*snapshot // by owner
	left  int                  // rotations of other keys not yet finished
	last  *job                 // the own credential's rotation, run when left is 0
}

type snapshot struct {
	once sync.Once
	err  error
}

func (r *run) write(rec Record) error {
	if r.journal == nil {
		return nil
	}
	rec.Run = r.sum.Run
	return r.journal.Write(rec)
}

func (r *run) report(o Outcome) {
	r.outMu.Lock()
	defer r.outMu.Unlock()
	switch o.Result {
	case Rotated:
		r.sum.Rotated = append(r.sum.Rotated, o)
	case Skipped:
		r.sum.Skipped = append(r.sum.Skipped, o)
	case Failed:
		r.sum.Failed = append(r.sum.Failed, o)
	case Planned:
		r.sum.Planned = append(r.sum.Planned, o)
	}
	if r.opts.OnOutcome != nil {
		r.opts.OnOutcome(o)
	}
}

// prepare reads a target's capabilities and own credential once.
func (r *run) prepare(ctx context.Context, ts *targetState) {
	km := ts.t.KM
	if km == nil {
		ts.err = errors.New("no KeyManager")
		return
	}
	caps, err := km.Capabilities(ctx)
	if err != nil {
		ts.err = fmt.Errorf("capabilities: %w", err)
		return
	}
	switch {
	case caps.MultipleKeys && caps.Delete:
		ts.mode = ModeReplace
	case caps.Rotate:
		ts.mode = ModeInPlace
	}
	if cr, ok := km.(cloudkeys.CredentialRotator); ok {
		own, err := cr.CredentialKeyID(ctx)
		if err != nil {
			ts.err = fmt.Errorf("which key does the client authenticate with: %w", err)
			return
		}
		ts.own = own
	}
}

// schedule sorts the jobs out (skips, own credentials last, owners
// interleaved) and runs them.
func (r *run) schedule(ctx context.Context, jobs []*job) {
	prepared := map[*targetState]bool{}
	var queue []*job
	for _, j := range jobs {
		ts := r.targets[j.f.Profile]
		if ts == nil {
			r.report(Outcome{Finding: j.f, Result: Failed, Reason: "no target for profile " + j.f.Profile})
			continue
		}
		if !prepared[ts] {
			r.prepare(ctx, ts)
			prepared[ts] = true
		}
		j.ts, j.mode = ts, ts.mode
		j.own = ts.own != "" && ts.own == j.f.ID
		switch {
		case ts.err != nil:
			r.report(Outcome{Finding: j.f, Result: Failed, Reason: ts.err.Error(), Err: ts.err})
		case ts.mode == "":
			r.report(Outcome{Finding: j.f, Result: Skipped, Reason: j.f.Vendor + " can neither replace nor rotate a key here", Err: cloudkeys.ErrUnsupported})
		case !j.f.Enabled:
			r.report(Outcome{Finding: j.f, Result: Skipped, Mode: j.mode, OwnCredential: j.own, Reason: "disabled: its replacement would be enabled; delete the key instead"})
		case r.opts.DryRun:
			r.report(Outcome{Finding: j.f, Result: Planned, Mode: j.mode, OwnCredential: j.own})
		case j.own:
			ts.last = j
		default:
			ts.left++
			queue = append(queue, j)
		}
	}
	queue = interleave(queue)

	work := make(chan *job)
	var pendingOwn sync.WaitGroup
	var workers sync.WaitGroup
	ownerSlots := map[string]chan struct{}{}
	for _, j := range queue {
		key := j.f.Profile + "\x00" + j.f.Owner
		if ownerSlots[key] == nil {
			ownerSlots[key] = make(chan struct{}, r.opts.OwnerConcurrency)
		}
	}
	for range r.opts.Concurrency {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for j := range work {
				r.work(ctx, j, ownerSlots[j.f.Profile+"\x00"+j.f.Owner], func() {
					if j.own {
						pendingOwn.Done()
						return
					}
					j.ts.mu.Lock()
					j.ts.left--
					last := j.ts.left == 0 && j.ts.last != nil
					j.ts.mu.Unlock()
					if last {
						go func() { work <- j.ts.last }()
					}
				})
			}
		}()
	}
	for _, ts := range r.targets {
		ts.mu.Lock()
		last, now := ts.last, ts.left == 0
		ts.mu.Unlock()
		if last != nil {
			pendingOwn.Add(1)
			if now {
				go func() { work <- last }()
			}
		}
	}
	for _, j := range queue {
		work <- j
	}
	pendingOwn.Wait()
	close(work)
	workers.Wait()
}

// work runs one job in its owner's slot, then done (deferred, so that
// the schedule goes on whatever happens to the rotation).
func (r *run) work(ctx context.Context, j *job, slot chan struct{}, done func()) {
	defer done()
	if slot != nil {
		slot <- struct{}{}
		defer func() { <-slot }()
	}
	r.report(r.rotateOne(ctx, j))
}

// interleave orders jobs round-robin over (profile, owner), so that
// workers seldom wait for the same owner, keeping each owner's order.
func interleave(jobs []*job) []*job {
	groups := map[string][]*job{}
	var order []string
	for _, j := range jobs {
		k := j.f.Profile + "\x00" + j.f.Owner
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], j)
	}
	out := make([]*job, 0, len(jobs))
	for len(out) < len(jobs) {
		for _, k := range order {
			if g := groups[k]; len(g) > 0 {
				out = append(out, g[0])
				groups[k] = g[1:]
			}
		}
	}
	return out
}

// rotation is the state of one rotation, as its hooks see it.
type rotation struct {
	r        *run
	j        *job
	id       string
	mu       sync.Mutex
	created  string // the replacement's id
	stored   bool
	gone     bool // the replacement was deleted again
	rotated  *cloudkeys.Key
	recov    string
	recovErr error // the recovery file could not be written
}

func (ro *rotation) write(rec Record) error {
	rec.Rotation, rec.Mode = ro.id, ro.j.mode
	rec.Profile, rec.Vendor, rec.Old = ro.j.f.Profile, ro.j.f.Vendor, ro.j.f.ID
	if rec.Owner == "" {
		rec.Owner = ro.j.f.Owner
	}
	rec.Own = ro.j.own
	return ro.r.write(rec)
}

// rotateOne rotates one key with cloudkeys.Rotate through a KeyManager
// whose hooks keep the journal.
func (r *run) rotateOne(ctx context.Context, j *job) Outcome {
	out := Outcome{Finding: j.f, Mode: j.mode, OwnCredential: j.own}
	if err := ctx.Err(); err != nil {
		out.Result, out.Err, out.Reason = Skipped, err, "not started: "+err.Error()
		return out
	}
	ro := &rotation{r: r, j: j, id: j.rotation}
	if ro.id == "" {
		ro.id = r.sum.Run + "-" + strconv.FormatInt(r.seq.Add(1), 10)
	}
	if r.journal != nil && j.mode == ModeReplace {
		if err := r.snapshot(ctx, j.ts, j.f); err != nil {
			out.Result, out.Err = Failed, err
			out.Reason = "could not list the owner's keys before creating one (for the journal): " + err.Error()
			return out
		}
	}
	km := wrap(j.ts.t.KM, hooks{create: ro.createHook, delete: ro.deleteHook, rotate: ro.rotateHook})
	var nk *cloudkeys.Key
	var err error
	for attempt := 0; ; attempt++ {
		nk, err = cloudkeys.Rotate(ctx, km, j.f.ID, ro.store)
		ro.mu.Lock()
		untouched := ro.created == "" && ro.rotated == nil
		ro.mu.Unlock()
		if err == nil || !errors.Is(err, cloudkeys.ErrRateLimited) || !untouched || attempt >= r.opts.RateLimitedRetries {
			break
		}
		if serr := sleepCtx(ctx, time.Second<<attempt); serr != nil {
			break
		}
	}
	ro.mu.Lock()
	created, stored, gone, recov, recovErr := ro.created, ro.stored, ro.gone, ro.recov, ro.recovErr
	ro.mu.Unlock()
	out.Recovery = recov
	if err == nil {
		out.Result, out.New = Rotated, nk.ID
		return out
	}
	out.Result, out.Err, out.Reason = Failed, err, err.Error()
	if nk != nil {
		out.New = nk.ID
	}
	if created != "" && !stored && !gone {
		// Created but never handed over: its secret is lost with this
		// call, so it must not stay.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		derr := km.DeleteKey(cctx, created)
		cancel()
		if derr != nil && !errors.Is(derr, cloudkeys.ErrNotFound) {
			out.Reason += fmt.Sprintf("; the new key %s could not be deleted (%v): run reconcile", created, derr)
		} else {
			out.Reason += fmt.Sprintf("; the new key %s was deleted again, the old key kept", created)
		}
	}
	if recov != "" {
		out.Reason += "; the new secret was saved to " + recov + " (mode 0600)"
	} else if recovErr != nil && !stored {
		out.Reason += "; the new secret could not be saved to a recovery file either (" + recovErr.Error() + "): it is lost, rotate the key again"
	}
	return out
}

// snapshot records, once per owner and run, the ids of the keys the
// owner holds before the run creates any for it.
func (r *run) snapshot(ctx context.Context, ts *targetState, f Finding) error {
	ts.mu.Lock()
	s := ts.snaps[f.Owner]
	if s == nil {
		s = &snapshot{}
		ts.snaps[f.Owner] = s
	}
	ts.mu.Unlock()
	s.once.Do(func() {
		var ids []string
		for k, err := range ts.t.KM.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: f.Owner}) {
			if err != nil {
				s.err = err
				return
			}
			ids = append(ids, k.ID)
		}
		slices.Sort(ids)
		s.err = r.write(Record{Step: StepSnapshot, Profile: f.Profile, Vendor: f.Vendor, Owner: f.Owner, Keys: ids})
	})
	return s.err
}

func (ro *rotation) createHook(ctx context.Context, req cloudkeys.CreateKeyRequest, do func(context.Context, cloudkeys.CreateKeyRequest) (*cloudkeys.Key, error)) (*cloudkeys.Key, error) {
	if err := ro.write(Record{Step: StepCreating, Owner: req.Owner, Name: req.Name, Description: req.Description}); err != nil {
		return nil, err
	}
	k, err := do(ctx, req)
	id := ""
	if k != nil {
		id = k.ID
	}
	var ck interface{ CreatedKeyID() string }
	if id == "" && err != nil && errors.As(err, &ck) {
		id = ck.CreatedKeyID() // created, but its answer could not be read
	}
	if id != "" {
		ro.mu.Lock()
		ro.created = id
		ro.mu.Unlock()
		if jerr := ro.write(Record{Step: StepCreated, New: id}); jerr != nil && err == nil {
			return k, jerr // Rotate deletes the key again
		}
		return k, err
	}
	if err != nil && !errors.Is(err, cloudkeys.ErrOutcomeUnknown) {
		_ = ro.write(Record{Step: StepFailed, Error: err.Error()})
	}
	return k, err
}

func (ro *rotation) deleteHook(ctx context.Context, id string, do func(context.Context, string) error) error {
	err := do(ctx, id)
	ro.mu.Lock()
	created := ro.created
	ro.mu.Unlock()
	if errors.Is(err, cloudkeys.ErrNotFound) && id == created {
		err = nil // gone already
	}
	if err != nil {
		return err
	}
	switch id {
	case created:
		ro.mu.Lock()
		ro.gone = true
		ro.mu.Unlock()
		_ = ro.write(Record{Step: StepRolledBack, New: id})
	case ro.j.f.ID:
		_ = ro.write(Record{Step: StepDeleted, New: created})
	}
	return err
}

func (ro *rotation) rotateHook(ctx context.Context, id string, do func(context.Context, string) (*cloudkeys.Key, error)) (*cloudkeys.Key, error) {
	if err := ro.write(Record{Step: StepRotating}); err != nil {
		return nil, err
	}
	k, err := do(ctx, id)
	if err == nil && k != nil {
		ro.mu.Lock()
		ro.rotated = k
		ro.mu.Unlock()
	}
	if err != nil && k == nil && !errors.Is(err, cloudkeys.ErrOutcomeUnknown) {
		_ = ro.write(Record{Step: StepFailed, Error: err.Error()})
	}
	return k, err
}

// store hands the new key to the run's Store and records it; an in-place
// rotation's secret is first saved to a recovery file.
func (ro *rotation) store(ctx context.Context, k *cloudkeys.Key) error {
	j := ro.j
	d := Delivery{Profile: j.f.Profile, Vendor: cmp.Or(k.Vendor, j.f.Vendor), Key: k, Replaces: j.f.ID,
		InPlace: j.mode == ModeInPlace, OwnCredential: j.own}
	if d.InPlace {
		path := ""
		var rerr error
		if ro.r.opts.RecoveryDir != "" && !k.Secret.IsZero() {
			// A file that cannot be written does not stop the rotation:
			// the store may still take the secret; the outcome says so.
			path, rerr = writeRecovery(ro.r.opts.RecoveryDir, j.f.Profile, k.ID, k.Secret.Reveal())
		}
		ro.mu.Lock()
		ro.recov, ro.recovErr = path, rerr
		ro.mu.Unlock()
		if err := ro.write(Record{Step: StepRotated, New: k.ID, Recovery: path}); err != nil {
			return err
		}
	}
	if err := ro.r.opts.Store(ctx, d); err != nil {
		return err
	}
	if err := ro.write(Record{Step: StepStored, New: k.ID}); err != nil {
		return err
	}
	ro.mu.Lock()
	ro.stored = true
	path := ro.recov
	ro.recov = ""
	ro.mu.Unlock()
	if path != "" {
		_ = os.Remove(path)
	}
	return nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func newRunID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}
