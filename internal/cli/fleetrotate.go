package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/fleet"
)

// policyRotateFlags are the flags of a rotation by policy.
type policyRotateFlags struct {
	policyFlags
	includeUnknown   bool
	journal          string
	dryRun           bool
	concurrency      int
	ownerConcurrency int
}

func (f *policyRotateFlags) register(c *cobra.Command) {
	f.policyFlags.register(c)
	c.Flags().BoolVar(&f.includeUnknown, "include-unknown", false, "also rotate the keys the policy cannot judge (their vendor does not report the\n"+
		"value: e24cloud keys' age): every run rotates them again")
	c.Flags().StringVar(&f.journal, "journal", "", "the crash journal (JSON lines, ids only; default\n"+
		"$XDG_STATE_HOME/cloudkeys/journal.jsonl, else ~/.local/state/cloudkeys/journal.jsonl)")
	c.Flags().BoolVar(&f.dryRun, "dry-run", false, "print the plan and change nothing (only reads are sent)")
	c.Flags().IntVar(&f.concurrency, "concurrency", 4, "rotations at once, over all profiles")
	c.Flags().IntVar(&f.ownerConcurrency, "owner-concurrency", 1, "rotations at once per owner (each needs room for one more key)")
}

const rotatePolicyHelp = `Rotate by policy: audit the profiles (as 'cloudkeys audit' does), then rotate every key that
violates the policy — --older-than, --unused-for, --expiring-within — with cloudkeys.Rotate:
create the replacement, hand it to --store, delete the old key (or, where an owner holds one key
only, rotate it in place and hand it over). No key ID: the policy selects. Disabled keys are
skipped (a replacement would be enabled). The key a profile authenticates with is rotated last,
after every other key of that profile, and the run switches to its replacement before deleting
it; its --store JSON says "own_credential": true, so that the store can update the profile.

--store COMMAND gets each new key as one JSON object on stdin: the key (secret included) with
"profile", "vendor", "replaces" (the old key's id), "in_place" and "own_credential". The old key
is deleted only when COMMAND exits 0; otherwise the new key is deleted and the old one kept. An
in-place rotation's secret is first saved to a recovery file (0600, under
$XDG_STATE_HOME/cloudkeys/recovery), removed once COMMAND accepts it; if it does not, the file's
path is printed. --store is required unless --dry-run.

Every step is recorded in the journal (--journal), written and synced before each request that
changes something and after its answer. A run that was killed leaves rotations half done:
'cloudkeys reconcile' settles them, and until then rotate refuses that journal (exit 5). Only
one run (or reconcile) uses a journal at a time.

--dry-run prints the plan (the mode of each rotation) and sends no request that changes
anything. --concurrency bounds the rotations at once, --owner-concurrency those of one owner,
--rate the calls per second to each profile (the vendors throttle: Huawei at 200 requests/s,
CloudStack's API limit plugin answers 429; a rotation refused with 429 before anything was
created is tried again after 1, 2, 4 s).

Output: a table of the outcomes, or with -o json one object per key per line and a last
{"summary": ...} line; the totals (rotated, skipped, failed) at the end.

` + durationNote + `

Exit codes: 0 every selected key was rotated (or skipped); 5 a rotation's outcome is unknown or
the journal holds unfinished rotations (run 'cloudkeys reconcile'); otherwise the code of the
first failure (1-6).`

// fleetRotateCmd is "cloudkeys rotate": rotation by policy over profiles.
func fleetRotateCmd(st *state) *cobra.Command {
	var f policyRotateFlags
	var sel selection
	var store string
	var storeEnv bool
	var timeout time.Duration
	c := &cobra.Command{
		Use:   "rotate --older-than D|--unused-for D|--expiring-within D --store COMMAND",
		Short: "Rotate the keys of many profiles that violate a policy (one key: 'cloudkeys <vendor> rotate ID')",
		Long: rotatePolicyHelp + "\n\nProfiles: --profile a,b or --all-profiles; without either, every vendor whose environment\n" +
			"variables are set. --shard i/n takes one share of them. One key of one vendor: 'cloudkeys\n" +
			"<vendor> rotate ID' ('cloudkeys help <vendor> rotate').\n\n" + profileDoc,
		Example: "  cloudkeys rotate --all-profiles --older-than 90d --dry-run\n" +
			"  cloudkeys rotate --profile prod-cs --older-than 90d --store 'vault-put-key' --journal /var/lib/ck/journal",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("cloudkeys rotate takes no key ID: the policy selects (one key: 'cloudkeys <vendor> rotate ID')")
			}
			return nil
		},
		Annotations: map[string]string{annOutputs: "table,json"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			if err := f.check(store); err != nil {
				return err
			}
			targets, err := st.targets(ctx, &sel)
			if err != nil {
				return &commandError{err}
			}
			return runPolicyRotate(ctx, st, cmd.OutOrStdout(), targets, &f, store, storeEnv)
		},
	}
	f.register(c)
	sel.register(c)
	c.Flags().StringVar(&store, "store", "", "shell command that receives each new key, secret included, as JSON on stdin")
	c.Flags().BoolVar(&storeEnv, "store-env", false, "pass the vendors' credential variables to the --store command")
	fleetTimeout(c, &timeout)
	return c
}

// check refuses what cannot work before anything is asked.
func (f *policyRotateFlags) check(store string) error {
	if !f.set() {
		return usagef("rotate by policy needs --older-than, --unused-for or --expiring-within")
	}
	if store == "" && !f.dryRun {
		return usagef("rotate by policy needs --store COMMAND for the new secrets (or --dry-run)")
	}
	if f.concurrency < 1 || f.ownerConcurrency < 1 {
		return usagef("--concurrency and --owner-concurrency must be at least 1")
	}
	return nil
}

// stateDir is $XDG_STATE_HOME/cloudkeys, else ~/.local/state/cloudkeys.
func stateDir(getenv func(string) string) (string, error) {
	return stateDirFor(getenv, "the journal")
}

// stateDirFor is stateDir; what names the file wanted there in the error
// when neither HOME nor XDG_STATE_HOME is known.
func stateDirFor(getenv func(string) string, what string) (string, error) {
	base := getenv("XDG_STATE_HOME")
	if base == "" {
		home := getenv("HOME")
		if home == "" {
			h, err := os.UserHomeDir()
			if err != nil {
				return "", errors.New("no HOME or XDG_STATE_HOME for " + what)
			}
			home = h
		}
		base = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(base, "cloudkeys"), nil
}

// openJournal opens --journal, or the default one, with the test-only
// crash hook when CLOUDKEYS_TEST_CRASH is set.
func openJournal(st *state, path string) (*fleet.Journal, error) {
	if path == "" {
		dir, err := stateDir(st.io.Getenv)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		path = filepath.Join(dir, "journal.jsonl")
	}
	j, err := fleet.OpenJournal(path)
	if err != nil {
		return nil, err
	}
	if spec := st.io.Getenv(envTestCrash); spec != "" {
		if err := armCrash(j, spec); err != nil {
			_ = j.Close()
			return nil, err
		}
	}
	return j, nil
}

// envTestCrash is a test-only hook: CLOUDKEYS_TEST_CRASH=WHEN:STEP[:N]
// makes the process kill itself (SIGKILL) before or after (WHEN) the Nth
// (default 1st) journal record of STEP (creating, created, stored,
// deleted, rotating, rotated) is written — to test what a crash leaves and
// how reconcile settles it. Never set it otherwise.
const envTestCrash = "CLOUDKEYS_TEST_CRASH"

func armCrash(j *fleet.Journal, spec string) error {
	parts := strings.Split(spec, ":")
	if len(parts) < 2 || len(parts) > 3 || parts[0] != "before" && parts[0] != "after" {
		return fmt.Errorf("%s=%q: want before|after:STEP[:N]", envTestCrash, spec)
	}
	n := 1
	if len(parts) == 3 {
		var err error
		if n, err = strconv.Atoi(parts[2]); err != nil || n < 1 {
			return fmt.Errorf("%s=%q: N must be a positive number", envTestCrash, spec)
		}
	}
	var mu sync.Mutex
	seen := 0
	hook := func(r fleet.Record) {
		if string(r.Step) != parts[1] || r.Rotation == "" {
			return
		}
		mu.Lock()
		seen++
		hit := seen == n
		mu.Unlock()
		if hit {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // the signal is on its way
		}
	}
	if parts[0] == "before" {
		j.BeforeWrite = hook
	} else {
		j.AfterWrite = hook
	}
	return nil
}

// storedKeyJSON is what --store gets from a rotation by policy.
type storedKeyJSON struct {
	keyJSON
	Profile       string `json:"profile"`
	Replaces      string `json:"replaces"`
	InPlace       bool   `json:"in_place"`
	OwnCredential bool   `json:"own_credential"`
}

// fleetStore runs --store for a delivery.
func fleetStore(st *state, command string, keepEnv bool) func(context.Context, fleet.Delivery) error {
	return func(ctx context.Context, d fleet.Delivery) error {
		if d.Key.Secret.IsZero() {
			return errors.New("the server returned no secret")
		}
		return runStoreJSON(ctx, st, command, keepEnv, storedKeyJSON{keyJSON: toJSON(d.Key, true), Profile: d.Profile,
			Replaces: d.Replaces, InPlace: d.InPlace, OwnCredential: d.OwnCredential})
	}
}

// lockedWriter serializes writes (--store commands and progress share
// stderr).
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// runPolicyRotate rotates the keys of targets that the policy selects.
func runPolicyRotate(ctx context.Context, st *state, out io.Writer, targets []fleet.Target, f *policyRotateFlags, store string, storeEnv bool) error {
	st.io.Stderr = &lockedWriter{w: st.io.Stderr}
	opts := fleet.RotateOptions{Concurrency: f.concurrency, OwnerConcurrency: f.ownerConcurrency, DryRun: f.dryRun}
	if f.includeUnknown {
		opts.Select = func(fd fleet.Finding) bool { return fd.Verdict != fleet.VerdictOK }
	}
	var journal *fleet.Journal
	if !f.dryRun {
		opts.Store = fleetStore(st, store, storeEnv)
		j, err := openJournal(st, f.journal)
		if err != nil {
			return &commandError{fmt.Errorf("--journal: %w", err)}
		}
		defer j.Close()
		journal, opts.Journal = j, j
		dir, err := recoveryDir(st.io.Getenv)
		if err != nil {
			return &commandError{fmt.Errorf("recovery directory: %w", err)}
		}
		opts.RecoveryDir = dir
	}
	ow := newOutcomeWriter(out, st.output, f.dryRun)
	done := 0
	opts.OnOutcome = func(o fleet.Outcome) {
		ow.add(o)
		done++
		if st.io.StderrTTY {
			fmt.Fprintf(st.io.Stderr, "\r%d keys done", done)
		}
	}
	sum, err := fleet.Rotate(ctx, targets, st.policy(&f.policyFlags), opts)
	if st.io.StderrTTY && done > 0 {
		fmt.Fprint(st.io.Stderr, "\r\033[K")
	}
	if err != nil && sum == nil || errors.As(err, new(*fleet.UnfinishedError)) {
		return &commandError{err}
	}
	for _, e := range sum.Errors {
		reportTargetError(st, e)
	}
	where := ""
	if journal != nil {
		where = " (journal " + journal.Path() + ")"
	}
	if werr := ow.end(sum, where); werr != nil && err == nil {
		err = werr
	}
	for _, o := range sum.Rotated {
		if o.OwnCredential && !strings.HasPrefix(o.Finding.Profile, envProfilePrefix) {
			fmt.Fprintf(st.io.Stderr, "cloudkeys: profile %s authenticated with key %s, now replaced by %s: update the profile's credentials to it (--store received it with \"own_credential\": true)\n",
				o.Finding.Profile, o.Finding.ID, o.New)
		} else if o.OwnCredential {
			fmt.Fprintf(st.io.Stderr, "cloudkeys: the %s credentials in the environment were key %s, now replaced by %s: update them (--store received it with \"own_credential\": true)\n",
				o.Finding.Vendor, o.Finding.ID, o.New)
		}
	}
	if err != nil {
		return &commandError{err}
	}
	return rotateRunError(sum)
}

// rotateRunError is the run's error: none when nothing failed; else the
// first failure, an unknown outcome first.
func rotateRunError(sum *fleet.Summary) error {
	var first error
	for _, o := range sum.Failed {
		e := o.Err
		if e == nil {
			e = errors.New(o.Reason)
		}
		if errors.Is(e, cloudkeys.ErrOutcomeUnknown) {
			return &commandError{fmt.Errorf("%d rotation(s) failed; key %s of %s: outcome unknown, run 'cloudkeys reconcile': %w", len(sum.Failed), o.Finding.ID, o.Finding.Profile, e)}
		}
		if first == nil {
			first = fmt.Errorf("%d rotation(s) failed; the first, key %s of %s: %w", len(sum.Failed), o.Finding.ID, o.Finding.Profile, e)
		}
	}
	if first == nil && len(sum.Errors) > 0 {
		first = fmt.Errorf("%d of the audit's lists failed, the first: %w", len(sum.Errors), sum.Errors[0])
	}
	if first != nil {
		return &commandError{first}
	}
	return nil
}

// outcomeJSON is one line of "rotate -o json".
type outcomeJSON struct {
	Profile       string `json:"profile"`
	Vendor        string `json:"vendor"`
	Owner         string `json:"owner"`
	ID            string `json:"id"`
	Result        string `json:"result"`
	Mode          string `json:"mode"`
	OwnCredential bool   `json:"own_credential"`
	New           string `json:"new"`
	Reason        string `json:"reason"`
	Recovery      string `json:"recovery,omitempty"`
}

type outcomeWriter struct {
	w      io.Writer
	format string
	dryRun bool
	rows   []outcomeJSON
	mu     sync.Mutex
}

func newOutcomeWriter(w io.Writer, format string, dryRun bool) *outcomeWriter {
	return &outcomeWriter{w: w, format: format, dryRun: dryRun}
}

func (ow *outcomeWriter) add(o fleet.Outcome) {
	j := outcomeJSON{Profile: o.Finding.Profile, Vendor: o.Finding.Vendor, Owner: o.Finding.Owner, ID: o.Finding.ID,
		Result: string(o.Result), Mode: o.Mode, OwnCredential: o.OwnCredential, New: o.New, Reason: oneLine(o.Reason), Recovery: o.Recovery}
	if o.Result == fleet.Rotated || o.Result == fleet.Planned {
		j.Reason = strings.Join(o.Finding.Reasons, "; ")
	}
	ow.mu.Lock()
	defer ow.mu.Unlock()
	if ow.format == outJSON {
		b, _ := json.Marshal(j)
		fmt.Fprintf(ow.w, "%s\n", b)
		return
	}
	ow.rows = append(ow.rows, j)
}

func (ow *outcomeWriter) end(sum *fleet.Summary, where string) error {
	counts := map[string]int{"rotated": len(sum.Rotated), "skipped": len(sum.Skipped), "failed": len(sum.Failed), "planned": len(sum.Planned)}
	if ow.format == outJSON {
		b, _ := json.Marshal(map[string]any{"summary": counts, "run": sum.Run})
		_, err := fmt.Fprintf(ow.w, "%s\n", b)
		return err
	}
	tw := tabwriter.NewWriter(ow.w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tVENDOR\tOWNER\tKEY\tRESULT\tMODE\tNEW\tREASON")
	for _, r := range ow.rows {
		mode := r.Mode
		if r.OwnCredential {
			mode += " (own credential)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Profile, r.Vendor, dash(r.Owner), r.ID, r.Result, dash(mode), dash(r.New), dash(r.Reason))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if ow.dryRun {
		_, err := fmt.Fprintf(ow.w, "planned %d, skipped %d (dry run: nothing was changed)\n", len(sum.Planned), len(sum.Skipped))
		return err
	}
	_, err := fmt.Fprintf(ow.w, "rotated %d, skipped %d, failed %d%s\n", len(sum.Rotated), len(sum.Skipped), len(sum.Failed), where)
	return err
}

// rotateVendorByPolicy is "cloudkeys <vendor> rotate --older-than ...":
// the policy over the vendor's one account (its environment or --profile).
func rotateVendorByPolicy(cmd *cobra.Command, st *state, v *Vendor, f *policyRotateFlags, sf *secretFlags, store string, storeEnv bool) error {
	if sf.show || sf.file != "" || sf.force {
		return usagef("a rotation by policy hands new secrets to --store only (not --show-secret, --secret-file)")
	}
	if err := f.check(store); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), st.timeout)
	defer cancel()
	km, err := st.connectVendor(ctx, v)
	if err != nil {
		return &commandError{cliWords(err, v.Name)}
	}
	t := fleet.Target{Profile: envProfilePrefix + v.Name, KM: km}
	if st.profile != "" {
		p, err := st.profileNamed(st.profile)
		if err != nil {
			return &commandError{err}
		}
		t = fleet.Target{Profile: p.Name, KM: km, Owners: p.Owners, Rate: p.Rate, Burst: p.Burst}
	}
	return runPolicyRotate(ctx, st, cmd.OutOrStdout(), []fleet.Target{t}, f, store, storeEnv)
}
