package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudkeys/cloudkeys"
)

// vendorCmd is "cloudkeys <vendor>" and its key commands.
func vendorCmd(st *state, v *Vendor) *cobra.Command {
	names := "capabilities, list, get, create, rotate, delete, enable, disable"
	vc := &cobra.Command{
		Use:   v.Name,
		Short: shortSummary(v.Summary),
		Long:  vendorHelp(v),
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("missing command for " + v.Name + " (" + names + ")")
			}
			return usagef(fmt.Sprintf("unknown command %q for %s (%s)", args[0], v.Name, names))
		},
		RunE: func(*cobra.Command, []string) error { return nil },
	}
	pf := vc.PersistentFlags()
	pf.StringVar(&st.endpoint, "endpoint", "", "API endpoint, overriding the environment")
	pf.DurationVar(&st.timeout, "timeout", 5*time.Minute, "overall time limit")
	pf.BoolVar(&st.debug, "debug", false, "log each HTTP attempt to stderr (never secrets)")

	vc.AddCommand(
		&cobra.Command{
			Use: "capabilities", Short: "Show what the vendor (and this server's version) can do",
			Args: noArgs("capabilities"),
			RunE: keyRun(st, v, func(ctx context.Context, km cloudkeys.KeyManager, cmd *cobra.Command, _ []string) error {
				c, err := km.Capabilities(ctx)
				if err != nil {
					return err
				}
				return writeCaps(cmd.OutOrStdout(), st.output, km.Vendor(), c)
			}),
		},
		listCmd(st, v),
		&cobra.Command{
			Use: "get ID", Short: "Show one key (never its secret)",
			Args: oneID("get"),
			RunE: keyRun(st, v, func(ctx context.Context, km cloudkeys.KeyManager, cmd *cobra.Command, args []string) error {
				k, err := km.GetKey(ctx, args[0])
				if err != nil {
					return err
				}
				return newKeyWriter(cmd.OutOrStdout(), st.output, false).one(k)
			}),
		},
		createCmd(st, v),
		rotateCmd(st, v),
		ownCredentialCmd(st, v, "delete", "Delete a key", func(ctx context.Context, km cloudkeys.KeyManager, id string) (string, error) {
			return "deleted " + id, km.DeleteKey(ctx, id)
		}),
		&cobra.Command{
			Use: "enable ID", Short: "Enable a key",
			Args: oneID("enable"),
			RunE: keyRun(st, v, func(ctx context.Context, km cloudkeys.KeyManager, cmd *cobra.Command, args []string) error {
				if err := km.SetKeyEnabled(ctx, args[0], true); err != nil {
					return err
				}
				return done(cmd.OutOrStdout(), st.output, "enabled "+args[0])
			}),
		},
		ownCredentialCmd(st, v, "disable", "Disable a key", func(ctx context.Context, km cloudkeys.KeyManager, id string) (string, error) {
			return "disabled " + id, km.SetKeyEnabled(ctx, id, false)
		}),
		&cobra.Command{
			Use: "help [command]", Short: "Help about " + v.Name + " or one of its commands",
			RunE: func(cmd *cobra.Command, args []string) error {
				if len(args) == 0 {
					return vc.Help()
				}
				c, rest, err := vc.Find(args)
				if err != nil || c == vc || len(rest) > 0 {
					return usagef(fmt.Sprintf("no help for %q under %s", strings.Join(args, " "), v.Name))
				}
				return c.Help()
			},
		},
	)
	return vc
}

// keyRun connects to the vendor (credentials from --profile or the
// environment) with
// the overall --timeout, runs fn, and marks its error as the command's.
func keyRun(st *state, v *Vendor, fn func(ctx context.Context, km cloudkeys.KeyManager, cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		ctx, cancel := context.WithTimeout(cmd.Context(), st.timeout)
		defer cancel()
		km, err := st.connectVendor(ctx, v)
		if err != nil {
			return &commandError{cliWords(err, v.Name)}
		}
		if err := fn(ctx, km, cmd, args); err != nil {
			return &commandError{cliWords(err, v.Name)}
		}
		return nil
	}
}

func listCmd(st *state, v *Vendor) *cobra.Command {
	var owner string
	c := &cobra.Command{
		Use: "list", Short: "List keys (never their secrets)",
		Args: noArgs("list"),
		RunE: keyRun(st, v, func(ctx context.Context, km cloudkeys.KeyManager, cmd *cobra.Command, _ []string) error {
			out := newKeyWriter(cmd.OutOrStdout(), st.output, false)
			n := 0
			progress := st.io.StderrTTY
			for k, err := range km.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: owner}) {
				if err != nil {
					if progress && n >= 100 {
						fmt.Fprintln(st.io.Stderr)
					}
					return err
				}
				if err := out.add(k); err != nil {
					return err
				}
				n++
				if progress && n%100 == 0 {
					fmt.Fprintf(st.io.Stderr, "\rlisted %d keys", n)
				}
			}
			if progress && n >= 100 {
				fmt.Fprintf(st.io.Stderr, "\rlisted %d keys\n", n)
			}
			return out.end()
		}),
	}
	c.Flags().StringVar(&owner, "owner", "", "only the keys of this owner (user/account id)")
	return c
}

// ownCredentialCmd is delete or disable: both refuse the key the command
// itself authenticates with (it would lock itself out) unless --force.
func ownCredentialCmd(st *state, v *Vendor, name, short string, act func(ctx context.Context, km cloudkeys.KeyManager, id string) (string, error)) *cobra.Command {
	var force bool
	c := &cobra.Command{
		Use: name + " ID", Short: short,
		Args: oneID(name),
		RunE: keyRun(st, v, func(ctx context.Context, km cloudkeys.KeyManager, cmd *cobra.Command, args []string) error {
			if !force {
				own, err := isOwnCredential(ctx, km, args[0])
				if err != nil {
					return err
				}
				if own {
					return cloudkeys.InvalidInput(v.Name, "ID", args[0]+" is the key this command authenticates with: after '"+name+
						"' every later call would be refused; rotate it with 'cloudkeys "+v.Name+" rotate "+args[0]+"', or give --force")
				}
			}
			msg, err := act(ctx, km, args[0])
			if err != nil {
				return err
			}
			return done(cmd.OutOrStdout(), st.output, msg)
		}),
	}
	c.Flags().BoolVar(&force, "force", false, name+" even the key this command authenticates with (it then loses access)")
	return c
}

// done reports a command without a key to print.
func done(w io.Writer, output, msg string) error {
	switch output {
	case outJSON:
		return json.NewEncoder(w).Encode(map[string]bool{"ok": true})
	case outEnv:
		return nil
	}
	_, err := fmt.Fprintln(w, msg)
	return err
}

func parseExpiry(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(d), nil
	}
	return time.Time{}, cloudkeys.InvalidInput("", "--expires", "want an RFC 3339 time or a positive duration such as 720h")
}

// cliWords rewrites the library's advice into command-line terms: "use
// RotateKey" becomes "use 'cloudkeys <vendor> rotate ID'".
func cliWords(err error, vendor string) error {
	msg := err.Error()
	repl := strings.NewReplacer(
		"use RotateKey", "use 'cloudkeys "+vendor+" rotate ID'",
		"use cloudkeys.Rotate", "use 'cloudkeys "+vendor+" rotate ID'",
		// The KeyManager methods, as the commands that call them.
		": GetKey: ", ": get: ",
		": ListKeys: ", ": list: ",
		": CreateKey: ", ": create: ",
		": DeleteKey: ", ": delete: ",
		": RotateKey: ", ": rotate: ",
		": SetKeyEnabled: ", ": enable/disable: ",
	)
	if out := repl.Replace(msg); out != msg {
		return &reworded{err: err, msg: out}
	}
	return err
}

// reworded keeps err's identity (errors.Is/As) with another text.
type reworded struct {
	err error
	msg string
}

func (e *reworded) Error() string { return e.msg }
func (e *reworded) Unwrap() error { return e.err }

// shortSummary is the first sentence of a vendor's summary, on one line.
func shortSummary(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	return s
}
