package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudkeys/cloudkeys/fleet"
)

// annOutputs annotates a command with the --output formats it takes
// (comma-separated); without it: table, json, env.
const annOutputs = "outputs"

// outCSV is audit's third format.
const outCSV = "csv"

// durationValue is a policy duration flag: Go's durations and "90d".
type durationValue struct{ d *time.Duration }

func (v durationValue) String() string {
	if v.d == nil || *v.d == 0 {
		return ""
	}
	return fleet.FormatDuration(*v.d)
}
func (v durationValue) Set(s string) error {
	d, err := fleet.ParseDuration(s)
	if err != nil {
		return err
	}
	*v.d = d
	return nil
}
func (v durationValue) Type() string { return "duration" }

// policyFlags are the policy of audit and rotate.
type policyFlags struct {
	olderThan, unusedFor, expiringWithin time.Duration
}

const durationNote = "Durations are Go durations (720h, 90m) or whole days with a d suffix (90d = 2160h),\n" +
	"which Go durations lack."

func (p *policyFlags) register(c *cobra.Command) {
	c.Flags().Var(durationValue{&p.olderThan}, "older-than", "policy: no key created longer ago than this (e.g. 90d)")
	c.Flags().Var(durationValue{&p.unusedFor}, "unused-for", "policy: no key unused for longer than this (e.g. 30d)")
	c.Flags().Var(durationValue{&p.expiringWithin}, "expiring-within", "policy: no key expiring within this (e.g. 14d), or expired")
}

func (p *policyFlags) set() bool { return p.olderThan > 0 || p.unusedFor > 0 || p.expiringWithin > 0 }

func (st *state) policy(p *policyFlags) fleet.Policy {
	return fleet.Policy{MaxAge: p.olderThan, MaxUnused: p.unusedFor, ExpiringWithin: p.expiringWithin, Now: st.io.now}
}

// fleetTimeout is the --timeout of the fleet commands.
func fleetTimeout(c *cobra.Command, d *time.Duration) {
	c.Flags().DurationVar(d, "timeout", time.Hour, "overall time limit")
}

const auditHelp = `Audit every key of one, several or all profiles against a policy, and print one row per key:
profile, vendor, owner, id, name, created, last used, expires, enabled, verdict and reasons.

The verdict is "violates" when a check fails on a value the vendor reported, "unknown" when no
check fails but one could not be made because the vendor does not report the value (e24cloud
reports no creation time; only Huawei reports last use): such a key is never counted as a
violation by guess. "ok" otherwise. Without a policy flag every key is listed as ok.

Profiles: --profile a,b or --all-profiles; without either, every vendor whose environment
variables are set (as the profile "env:<vendor>"). --shard i/n audits one share of them.

Output (-o): table (default), json — one object per key per line (JSON Lines), with null for
times the vendor does not report and their names in "unknown" — or csv (a header row, then one
row per key; "unknown" and "never" spelled out). Keys stream as they are listed, so memory does
not grow with their number. On a terminal the progress is shown on stderr. A profile that
fails is reported on stderr and the audit goes on.

` + durationNote + `

Exit codes: 0 every key complies (or is unknown); 7 some key violates the policy; an error of
a profile gives that error's code (1-6, see 'cloudkeys help') even when violations were found,
since the audit is then incomplete.`

func auditCmd(st *state) *cobra.Command {
	var pol policyFlags
	var sel selection
	var concurrency int
	var timeout time.Duration
	c := &cobra.Command{
		Use:         "audit",
		Short:       "Check the keys of many profiles against a policy (age, use, expiry)",
		Long:        auditHelp + "\n\n" + profileDoc,
		Example:     "  cloudkeys audit --all-profiles --older-than 90d --unused-for 30d\n  cloudkeys audit --profile prod-cs,prod-zs --expiring-within 14d -o csv > keys.csv",
		Args:        noArgs("audit"),
		Annotations: map[string]string{annOutputs: "table,json,csv"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			targets, err := st.targets(ctx, &sel)
			if err != nil {
				return &commandError{err}
			}
			if err := runAudit(ctx, st, cmd.OutOrStdout(), targets, st.policy(&pol), concurrency); err != nil {
				return &commandError{err}
			}
			return nil
		},
	}
	pol.register(c)
	sel.register(c)
	c.Flags().IntVar(&concurrency, "concurrency", 4, "profiles audited at once")
	fleetTimeout(c, &timeout)
	return c
}

// auditCounts are audit's totals.
type auditCounts struct {
	keys, ok, violates, unknown int
	errs                        []error
}

func runAudit(ctx context.Context, st *state, out io.Writer, targets []fleet.Target, policy fleet.Policy, concurrency int) error {
	w := newFindingWriter(out, st.output)
	var n auditCounts
	progress := st.io.StderrTTY
	for f, err := range fleet.Audit(ctx, targets, policy, fleet.AuditConcurrency(concurrency)) {
		if err != nil {
			n.errs = append(n.errs, err)
			if progress && n.keys >= 100 {
				fmt.Fprintln(st.io.Stderr)
			}
			reportTargetError(st, err)
			continue
		}
		n.keys++
		switch f.Verdict {
		case fleet.VerdictOK:
			n.ok++
		case fleet.VerdictViolates:
			n.violates++
		default:
			n.unknown++
		}
		if err := w.add(f); err != nil {
			return err
		}
		if progress && n.keys%100 == 0 {
			fmt.Fprintf(st.io.Stderr, "\raudited %d keys: %d violate", n.keys, n.violates)
		}
	}
	if progress && n.keys >= 100 {
		fmt.Fprint(st.io.Stderr, "\r\033[K")
	}
	if err := w.end(); err != nil {
		return err
	}
	fmt.Fprintf(st.io.Stderr, "audited %d keys in %d profile(s): %d ok, %d violate, %d unknown\n", n.keys, len(targets), n.ok, n.violates, n.unknown)
	if len(n.errs) > 0 {
		return fmt.Errorf("%d of the audit's lists failed, the first: %w", len(n.errs), n.errs[0])
	}
	if n.violates > 0 {
		return violationsError{n.violates}
	}
	return nil
}

// reportTargetError prints a profile's error on stderr and goes on.
func reportTargetError(st *state, err error) {
	if st.output == outJSON {
		var te *fleet.TargetError
		obj := map[string]any{"error": oneLine(err.Error()), "exit_code": exitCode(err)}
		if errors.As(err, &te) {
			obj["profile"], obj["vendor"], obj["owner"] = te.Profile, te.Vendor, te.Owner
		}
		b, _ := json.Marshal(obj)
		fmt.Fprintf(st.io.Stderr, "%s\n", b)
		return
	}
	fmt.Fprintf(st.io.Stderr, "cloudkeys: %s\n", oneLine(err.Error()))
}

// findingJSON is one line of "audit -o json".
type findingJSON struct {
	Profile    string     `json:"profile"`
	Vendor     string     `json:"vendor"`
	Owner      string     `json:"owner"`
	ID         string     `json:"id"`
	AccessKey  string     `json:"access_key"`
	Name       string     `json:"name"`
	Enabled    bool       `json:"enabled"`
	CreatedAt  *time.Time `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	Unknown    []string   `json:"unknown"` // fields the vendor does not report
	Verdict    string     `json:"verdict"`
	Reasons    []string   `json:"reasons"`
}

func toFindingJSON(f fleet.Finding) findingJSON {
	j := findingJSON{Profile: f.Profile, Vendor: f.Vendor, Owner: f.Owner, ID: f.ID, AccessKey: f.AccessKey, Name: f.Name,
		Enabled: f.Enabled, CreatedAt: timePtr(f.Created), LastUsedAt: timePtr(f.LastUsed), ExpiresAt: timePtr(f.Expires),
		Unknown: []string{}, Verdict: string(f.Verdict), Reasons: append([]string{}, f.Reasons...)}
	if f.Created.IsZero() {
		j.Unknown = append(j.Unknown, "created_at")
	}
	if f.LastUsed.IsZero() {
		j.Unknown = append(j.Unknown, "last_used_at")
	}
	return j
}

// findingWriter streams findings as a table, JSON lines or CSV.
type findingWriter struct {
	w      io.Writer
	format string
	tw     *tabwriter.Writer
	cw     *csv.Writer
	enc    *json.Encoder
	n      int
}

func newFindingWriter(w io.Writer, format string) *findingWriter {
	fw := &findingWriter{w: w, format: format}
	switch format {
	case outJSON:
		fw.enc = json.NewEncoder(w)
	case outCSV:
		fw.cw = csv.NewWriter(w)
	default:
		fw.tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	}
	return fw
}

var findingColumns = []string{"profile", "vendor", "owner", "id", "name", "created", "last_used", "expires", "enabled", "verdict", "reasons"}

func unknownOr(t time.Time, zero string) string {
	if t.IsZero() {
		return zero
	}
	return t.UTC().Format(time.RFC3339)
}

func findingRow(f fleet.Finding) []string {
	return []string{f.Profile, f.Vendor, f.Owner, f.ID, f.Name, unknownOr(f.Created, "unknown"), unknownOr(f.LastUsed, "unknown"),
		unknownOr(f.Expires, "never"), fmt.Sprint(f.Enabled), string(f.Verdict), strings.Join(f.Reasons, "; ")}
}

func (fw *findingWriter) add(f fleet.Finding) error {
	fw.n++
	switch fw.format {
	case outJSON:
		return fw.enc.Encode(toFindingJSON(f))
	case outCSV:
		if fw.n == 1 {
			if err := fw.cw.Write(findingColumns); err != nil {
				return err
			}
		}
		if err := fw.cw.Write(findingRow(f)); err != nil {
			return err
		}
		if fw.n%100 == 0 {
			fw.cw.Flush()
		}
		return fw.cw.Error()
	default:
		if fw.n == 1 {
			fw.header()
		}
		row := findingRow(f)
		for i := range row {
			row[i] = dash(row[i])
		}
		fmt.Fprintln(fw.tw, strings.Join(row, "\t"))
		if fw.n%100 == 0 {
			return fw.tw.Flush()
		}
		return nil
	}
}

func (fw *findingWriter) header() {
	fmt.Fprintln(fw.tw, "PROFILE\tVENDOR\tOWNER\tID\tNAME\tCREATED\tLAST USED\tEXPIRES\tENABLED\tVERDICT\tREASONS")
}

func (fw *findingWriter) end() error {
	switch fw.format {
	case outJSON:
		return nil
	case outCSV:
		if fw.n == 0 {
			if err := fw.cw.Write(findingColumns); err != nil {
				return err
			}
		}
		fw.cw.Flush()
		return fw.cw.Error()
	default:
		if fw.n == 0 {
			fw.header()
		}
		return fw.tw.Flush()
	}
}
