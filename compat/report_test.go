package compat

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "write ../COMPATIBILITY.md from this run (with -run TestCompatibility)")

// compatFile is the report the suite produces, at the repository root.
var compatFile = filepath.Join("..", "COMPATIBILITY.md")

// Result is one cell of the table's result column.
type Result string

const (
	Pass          Result = "PASS"
	KnownBug      Result = "known client bug"
	Limitation    Result = "client limitation"
	NotApplicable Result = "not applicable"
)

// outcome is what a case found: its result, the client bug it shows (an
// id of bugs, for KnownBug), and a short figure for the table.
type outcome struct {
	Result Result
	Bug    string
	Figure string
}

func pass(figure string, args ...any) outcome {
	return outcome{Result: Pass, Figure: fmt.Sprintf(figure, args...)}
}

func knownBug(id, figure string, args ...any) outcome {
	return outcome{Result: KnownBug, Bug: id, Figure: fmt.Sprintf(figure, args...)}
}

func limitation(id, figure string, args ...any) outcome {
	return outcome{Result: Limitation, Bug: id, Figure: fmt.Sprintf(figure, args...)}
}

func notApplicable(figure string, args ...any) outcome {
	return outcome{Result: NotApplicable, Figure: fmt.Sprintf(figure, args...)}
}

// compatCase is one client × server × operation cell. run asserts the
// behaviour (a known client bug is asserted as it is, so that a fix
// upstream fails the case and gets noticed) and describes it.
type compatCase struct {
	Client    string
	Server    string
	Operation string
	run       func(t *testing.T) outcome
}

type row struct {
	compatCase
	outcome
	failed bool
}

// allCases lists every case in table order.
func allCases() []compatCase {
	var out []compatCase
	out = append(out, cloudstackCases()...)
	out = append(out, huaweiCases()...)
	return out
}

// TestCompatibility runs every case as a subtest, prints the table (-v) and,
// when every case ran and passed, checks COMPATIBILITY.md against it, or
// writes it with -update.
func TestCompatibility(t *testing.T) {
	cases := allCases()
	var rows []row
	for _, c := range cases {
		name := c.Client + "/" + c.Server + "/" + c.Operation
		var got outcome
		ran := false
		ok := t.Run(name, func(t *testing.T) {
			ran = true
			got = c.run(t)
			if got.Result == KnownBug || got.Result == Limitation {
				if b, found := bugByID(got.Bug); !found || (b.Kind == bugKind) != (got.Result == KnownBug) {
					t.Errorf("case names unknown %s %q", got.Result, got.Bug)
				}
			}
		})
		if ran {
			rows = append(rows, row{compatCase: c, outcome: got, failed: !ok})
		}
	}
	table := renderTable(rows)
	t.Logf("\n%s", table)
	if len(rows) != len(cases) {
		t.Logf("%d of %d cases ran: COMPATIBILITY.md neither checked nor written", len(rows), len(cases))
		return
	}
	if t.Failed() {
		t.Log("a case failed: COMPATIBILITY.md neither checked nor written")
		return
	}
	doc := renderDocument(rows)
	if *update {
		if err := os.WriteFile(compatFile, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", compatFile)
		return
	}
	have, err := os.ReadFile(compatFile)
	if err != nil {
		t.Fatalf("%v (write it with: cd compat && go test -run TestCompatibility -update .)", err)
	}
	if !bytes.Equal(have, doc) {
		t.Errorf("COMPATIBILITY.md is stale: regenerate it with\n\tcd compat && go test -run TestCompatibility -update .\nand review the diff")
	}
}

func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

func renderTable(rows []row) string {
	var b strings.Builder
	b.WriteString("| client | server (fake) | operation | result | figure |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for _, r := range rows {
		res := string(r.Result)
		if r.Bug != "" {
			res = fmt.Sprintf("%s [%s](#%s)", res, r.Bug, strings.ToLower(r.Bug))
		}
		if r.failed {
			res = "FAIL"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", cell(r.Client), cell(r.Server), cell(r.Operation), res, cell(r.Figure))
	}
	return b.String()
}

func renderDocument(rows []row) []byte {
	var b bytes.Buffer
	b.WriteString(docHeader)
	b.WriteString("\n## Results\n\n")
	b.WriteString(renderTable(rows))
	for _, sec := range []struct{ kind, title string }{{bugKind, "Known client bugs"}, {limitationKind, "Client limitations"}} {
		fmt.Fprintf(&b, "\n## %s\n\n", sec.title)
		b.WriteString("Each is asserted as it is today: when a client changes, its case fails and this file must be regenerated.\n")
		for _, bug := range bugs {
			if bug.Kind != sec.kind {
				continue
			}
			fmt.Fprintf(&b, "\n### %s\n\n", bug.ID)
			fmt.Fprintf(&b, "**%s** (%s)\n\n", bug.Title, bug.Client)
			fmt.Fprintf(&b, "%s\n\n", strings.TrimSpace(bug.Detail))
			fmt.Fprintf(&b, "Evidence: %s\n\n", strings.TrimSpace(bug.Evidence))
			fmt.Fprintf(&b, "Workaround: %s\n", strings.TrimSpace(bug.Workaround))
		}
	}
	b.WriteString("\n## Notes\n")
	for _, n := range notes {
		fmt.Fprintf(&b, "\n- %s\n", strings.TrimSpace(n))
	}
	return b.Bytes()
}

func bugByID(id string) (clientBug, bool) {
	for _, b := range bugs {
		if b.ID == id {
			return b, true
		}
	}
	return clientBug{}, false
}

// Kinds of clientBug.
const (
	bugKind        = "bug"        // the client is wrong
	limitationKind = "limitation" // the client lacks something, or works only in some setups
)

// clientBug is a defect or limitation of a third-party client that the
// suite asserts.
type clientBug struct {
	ID, Kind, Client, Title, Detail, Evidence, Workaround string
}
