package cli

import (
	"fmt"
	"strings"
)

// vendorHelp is the long help of "cloudkeys <vendor>": what the vendor's
// keys are, the environment variables it reads, and notes.
func vendorHelp(v *Vendor) string {
	var b strings.Builder
	fmt.Fprintf(&b, "cloudkeys %s: %s\n", v.Name, v.Summary)
	if len(v.Env) > 0 {
		b.WriteString("\nEnvironment:\n")
		width := 0
		for _, e := range v.Env {
			width = max(width, len(e.Name))
		}
		for _, e := range v.Env {
			fmt.Fprintf(&b, "  %-*s  %s\n", width, e.Name, e.Doc)
		}
		b.WriteString("\nA credential variable NAME may instead name a file: NAME_FILE=/run/secrets/x.\n")
	}
	if v.Notes != "" {
		fmt.Fprintf(&b, "\n%s\n", strings.TrimRight(v.Notes, "\n"))
	}
	if v.Fake != nil {
		fmt.Fprintf(&b, "\nTry it against the fake:\n  cloudkeys fake %s --env-file %s.env &   # the file appears once the fake listens\n", v.Name, v.Name)
	}
	return strings.TrimRight(b.String(), "\n")
}
