package cli

import (
	"fmt"
	"io"
	"strings"
)

const usageText = `cloudkeys manages API keys and tokens on CloudStack, ZStack, e24cloud, Huawei BCS and Onezone.

Usage:
  cloudkeys <vendor> capabilities
  cloudkeys <vendor> list   [--owner ID]
  cloudkeys <vendor> get    ID
  cloudkeys <vendor> create [--owner ID] [--name N] [--description D] [--expires T] (--show-secret | --secret-file PATH [--force])
  cloudkeys <vendor> rotate ID (--store COMMAND | --show-secret | --secret-file PATH [--force])
  cloudkeys <vendor> delete ID
  cloudkeys <vendor> enable|disable ID
  cloudkeys fake <vendor> [--addr 127.0.0.1:0] [--version V] [--output env]
  cloudkeys help [<vendor>]

Vendors: %s

Flags (anywhere on the line):
  --output table|json|env  output format (default table); json has one schema for all vendors
  --show-secret            print the new secret (create and rotate only)
  --secret-file PATH       write the new secret to PATH, created 0600; never overwritten without --force
  --store COMMAND          rotate: run COMMAND with the new key as JSON on stdin; the old key
                           is deleted only if it exits 0, else the new key is deleted
  --endpoint URL           the API endpoint, overriding the environment
  --timeout D              overall time limit (default 5m)
  --debug                  log every HTTP attempt to stderr (never secrets)

Secrets are printed only by create and rotate, and only when asked for.

`

func help(w io.Writer, args []string) error {
	if len(args) == 0 {
		_, err := fmt.Fprintf(w, usageText+exitCodeDoc, strings.Join(vendorNames(), ", "))
		return err
	}
	v, ok := registry[args[0]]
	if !ok {
		return usagef(fmt.Sprintf("unknown vendor %q", args[0]))
	}
	fmt.Fprintf(w, "cloudkeys %s: %s\n\nEnvironment:\n", v.Name, v.Summary)
	width := 0
	for _, e := range v.Env {
		width = max(width, len(e.Name))
	}
	for _, e := range v.Env {
		fmt.Fprintf(w, "  %-*s  %s\n", width, e.Name, e.Doc)
	}
	if v.Notes != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimRight(v.Notes, "\n"))
	}
	_, err := fmt.Fprintf(w, "\nTry it against the fake:\n  eval \"$(cloudkeys fake %s --output env &)\"   # or run it in another terminal\n", v.Name)
	return err
}
