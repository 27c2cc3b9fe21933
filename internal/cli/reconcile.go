package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/fleet"
)

const reconcileHelp = `Settle the rotations a killed 'cloudkeys rotate' left half done, from its journal. For each
rotation whose last recorded step is not final:

  created (never stored)  the new key is deleted: its secret died with the run; the old key stays
  stored (old not deleted) the old key is deleted: the rotation is finished — unless it is the
                          key the profile authenticates with (switch the profile to the new key,
                          which the store has, and reconcile again)
  creating (no created)   the create may or may not have happened. The owner's keys are listed;
                          a key counts as the lost replacement when it is not among the keys the
                          owner held before the run created any (the journal's snapshot), is
                          named nowhere in the journal, has the name (or the name with its
                          "-rotated-<time>" suffix) and description the create asked for, and —
                          where the vendor reports creation times — was created after the
                          creating record (less --skew). If at most as many keys match as there
                          are such creates for that owner, they are deleted (their secrets are
                          lost); if more match (someone else made keys for that owner meanwhile)
                          nothing is deleted and the candidates are listed for a person to decide
  rotated (in place)      the secret waiting in the recovery file is handed to --store
  rotating (in place)     whether the vendor rotated the key cannot be told, and if it did the
                          new secret is lost: the key is rotated in place again, and stored

What it does is recorded in the same journal, so a rotation is settled once; a key found
already gone counts as deleted. --dry-run shows what it would do and changes nothing. The
profiles are those the journal names ("env:<vendor>" for a vendor configured by its
environment variables).

Exit codes: 0 everything settled (or nothing to do); 5 something is left for a person (the
table says what); otherwise the code of the first error (1-6).`

func reconcileCmd(st *state) *cobra.Command {
	var journalPath, store string
	var storeEnv, dryRun bool
	var skew, timeout time.Duration
	c := &cobra.Command{
		Use:         "reconcile [--journal FILE]",
		Short:       "Finish or undo the rotations a killed 'cloudkeys rotate' left half done",
		Long:        reconcileHelp,
		Example:     "  cloudkeys reconcile --journal /var/lib/ck/journal --store 'vault-put-key'",
		Args:        noArgs("reconcile"),
		Annotations: map[string]string{annOutputs: "table,json"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			st.io.Stderr = &lockedWriter{w: st.io.Stderr}
			j, err := openJournal(st, journalPath)
			if err != nil {
				return &commandError{fmt.Errorf("--journal: %w", err)}
			}
			defer j.Close()
			recs, err := j.Records()
			if err != nil {
				return &commandError{err}
			}
			unfinished := fleet.Unfinished(recs)
			if len(unfinished) == 0 {
				return done(cmd.OutOrStdout(), st.output, "nothing to reconcile in "+j.Path())
			}
			var targets []fleet.Target
			seen := map[string]bool{}
			var connectErrs []string
			for _, r := range unfinished {
				if seen[r.Profile] {
					continue
				}
				seen[r.Profile] = true
				t, err := st.targetFor(ctx, r.Profile)
				if err != nil {
					connectErrs = append(connectErrs, fmt.Sprintf("profile %s: %v", r.Profile, oneLine(err.Error())))
					continue
				}
				targets = append(targets, t)
			}
			for _, e := range connectErrs {
				fmt.Fprintf(st.io.Stderr, "cloudkeys: %s\n", e)
			}
			opts := fleet.ReconcileOptions{DryRun: dryRun, Skew: skew}
			if !dryRun {
				opts.Journal = j
				if store != "" {
					opts.Store = fleetStore(st, store, storeEnv)
				}
				if dir, err := recoveryDir(st.io.Getenv); err == nil {
					opts.RecoveryDir = dir
				}
			}
			sets, err := fleet.Reconcile(ctx, targets, recs, opts)
			if werr := writeSettlements(cmd.OutOrStdout(), st.output, sets, dryRun); werr != nil && err == nil {
				err = werr
			}
			if err != nil {
				return &commandError{err}
			}
			return reconcileError(sets)
		},
	}
	c.Flags().StringVar(&journalPath, "journal", "", "the journal of the run to settle (default: rotate's default journal)")
	c.Flags().StringVar(&store, "store", "", "shell command that receives a key an in-place rotation is finished with, as rotate's --store")
	c.Flags().BoolVar(&storeEnv, "store-env", false, "pass the vendors' credential variables to the --store command")
	c.Flags().BoolVar(&dryRun, "dry-run", false, "show what would be done; change nothing")
	c.Flags().DurationVar(&skew, "skew", 5*time.Minute, "how far the servers' clocks may be from this machine's (the creation-time rule)")
	fleetTimeout(c, &timeout)
	return c
}

// reconcileError is 5 (outcome unknown) when something is left for a
// person, else the first error.
func reconcileError(sets []fleet.Settlement) error {
	unresolved := 0
	var first error
	for _, s := range sets {
		if s.Action == fleet.ActionUnresolved {
			unresolved++
		} else if s.Err != nil && first == nil {
			first = fmt.Errorf("rotation %s (profile %s): %w", s.Rotation.ID, s.Rotation.Profile, s.Err)
		}
	}
	if unresolved > 0 {
		return &commandError{fmt.Errorf("%d rotation(s) need a person (see above): %w", unresolved, cloudkeys.ErrOutcomeUnknown)}
	}
	if first != nil {
		return &commandError{first}
	}
	return nil
}

type settlementJSON struct {
	Rotation   string   `json:"rotation"`
	Profile    string   `json:"profile"`
	Vendor     string   `json:"vendor"`
	Owner      string   `json:"owner"`
	Old        string   `json:"old"`
	New        string   `json:"new"`
	Found      string   `json:"found"`
	Action     string   `json:"action"`
	Done       bool     `json:"done"`
	Deleted    []string `json:"deleted"`
	Candidates []string `json:"candidates"`
	Reason     string   `json:"reason"`
}

func writeSettlements(w io.Writer, format string, sets []fleet.Settlement, dryRun bool) error {
	if format == outJSON {
		enc := json.NewEncoder(w)
		for _, s := range sets {
			r := s.Rotation
			if err := enc.Encode(settlementJSON{Rotation: r.ID, Profile: r.Profile, Vendor: r.Vendor, Owner: r.Owner, Old: r.Old, New: r.New,
				Found: string(r.Last), Action: string(s.Action), Done: s.Done, Deleted: append([]string{}, s.Deleted...),
				Candidates: append([]string{}, s.Candidates...), Reason: oneLine(s.Reason)}); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ROTATION\tPROFILE\tOLD\tNEW\tFOUND\tACTION\tDONE\tREASON")
	for _, s := range sets {
		r := s.Rotation
		reason := s.Reason
		if len(s.Candidates) > 0 {
			reason += " (candidates: " + strings.Join(s.Candidates, ", ") + ")"
		}
		doneText := fmt.Sprint(s.Done)
		if dryRun {
			doneText = "dry run"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Profile, r.Old, dash(r.New), r.Last, s.Action, doneText, oneLine(reason))
	}
	return tw.Flush()
}
