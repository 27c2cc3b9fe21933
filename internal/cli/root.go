package cli

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudkeys/cloudkeys"
)

// newRoot builds the command tree:
//
//	cloudkeys <vendor> capabilities|list|get|create|rotate|delete|enable|disable|help
//	cloudkeys audit | rotate | reconcile | profiles   (the fleet: many profiles)
//	cloudkeys fake <vendor>
//	cloudkeys version | completion bash|zsh|fish|powershell | help [command]
func newRoot(st *state) *cobra.Command {
	root := &cobra.Command{
		Use:   "cloudkeys",
		Short: "Manage API keys and tokens on CloudStack, ZStack, e24cloud, Huawei BCS and Onezone",
		Long: "cloudkeys manages API keys and tokens on CloudStack, ZStack, e24cloud, Huawei BCS and Onezone.\n\n" +
			"Vendors: " + strings.Join(vendorNames(), ", ") + " (credentials come from each vendor's environment\n" +
			"variables: 'cloudkeys help <vendor>').\n\n" +
			"Secrets are printed only by create and rotate, and only when asked for (--show-secret,\n" +
			"--secret-file, --store).\n\n" +
			"Fleets: 'cloudkeys audit' checks the keys of many accounts (profiles) against a policy,\n" +
			"'cloudkeys rotate --older-than 90d' rotates those that violate it, with a journal that\n" +
			"'cloudkeys reconcile' settles after a crash; 'cloudkeys profiles' lists the profiles, and\n" +
			"--profile NAME works on every command ('cloudkeys help profiles').\n\n" + exitCodeDoc,
		Version:       cloudkeys.Version,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("missing vendor or command")
			}
			return usagef(fmt.Sprintf("unknown vendor %q (one of %s; or a command: audit, rotate, reconcile, profiles, fake, version, completion, help)", args[0], strings.Join(vendorNames(), ", ")))
		},
		RunE: func(*cobra.Command, []string) error { return nil },
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			st.cmdPath = cmd.CommandPath()
			allowed := []string{outTable, outJSON, outEnv}
			if a := cmd.Annotations[annOutputs]; a != "" {
				allowed = strings.Split(a, ",")
			}
			if slices.Contains(allowed, st.output) {
				return nil
			}
			bad := st.output
			st.output = outTable
			return usagef(fmt.Sprintf("unknown --output %q (%s)", bad, strings.Join(allowed, ", ")))
		},
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: false},
	}
	root.SetVersionTemplate("cloudkeys {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		st.cmdPath = c.CommandPath()
		return usagef(err.Error())
	})
	root.PersistentFlags().StringVarP(&st.output, "output", "o", outTable, "output format: table, json or env (errors too: one JSON object on stderr)")
	root.PersistentFlags().StringVar(&st.profile, "profile", "", "connect through this profile of the configuration file instead of the vendor's\n"+
		"environment variables (audit and rotate: one or more, comma-separated)")
	root.PersistentFlags().StringVar(&st.configPath, "config", "", "the configuration file (default $CLOUDKEYS_CONFIG, else\n"+
		"$XDG_CONFIG_HOME/cloudkeys/config.yaml, else ~/.config/cloudkeys/config.yaml)")
	root.AddCommand(versionCmd(st), fakeCmd(st), profilesCmd(st), auditCmd(st), fleetRotateCmd(st), reconcileCmd(st))
	for _, name := range vendorNames() {
		root.AddCommand(vendorCmd(st, registry[name]))
	}
	root.SetHelpCommand(helpCmd(st, root))
	return root
}

func versionCmd(st *state) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of cloudkeys",
		Args:  noArgs("version"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if st.output == outJSON {
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "{\"version\":%q,\"go\":%q}\n", cloudkeys.Version, runtime.Version())
				return err
			}
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "cloudkeys %s (%s)\n", cloudkeys.Version, runtime.Version())
			return err
		},
	}
}

// helpCmd is "cloudkeys help [vendor [command] | command]": a command
// that exists only under each vendor (create, rotate, ...) is explained
// for any vendor.
func helpCmd(st *state, root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [vendor [command] | command]",
		Short: "Help about any command",
		RunE: func(cmd *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil || target == root && len(args) > 0 || len(rest) > 0 {
				if len(args) == 1 {
					if tmpl := templateKeyCmd(st, args[0]); tmpl != nil {
						tmpl.SetOut(cmd.OutOrStdout())
						return tmpl.Help()
					}
				}
				return usagef(fmt.Sprintf("no help for %q (try 'cloudkeys help' or 'cloudkeys help <vendor>')", strings.Join(args, " ")))
			}
			return target.Help()
		},
	}
}

// templateKeyCmd returns the key command name for a vendor called
// "<vendor>", for "cloudkeys help create".
func templateKeyCmd(st *state, name string) *cobra.Command {
	generic := &Vendor{Name: "<vendor>", Summary: "any vendor"}
	root := &cobra.Command{Use: "cloudkeys"}
	vc := vendorCmd(st, generic)
	root.AddCommand(vc)
	for _, c := range vc.Commands() {
		if c.Name() == name {
			return c
		}
	}
	return nil
}

// noArgs refuses positional arguments as a usage error.
func noArgs(cmd string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usagef(cmd + " takes no arguments")
		}
		return nil
	}
}

// oneID requires exactly one non-blank key ID.
func oneID(cmd string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef(cmd + " takes exactly one key ID")
		}
		if strings.TrimSpace(args[0]) == "" {
			return usagef("the key ID must not be empty")
		}
		return nil
	}
}

// durationFlag is --timeout.
type durationFlag = time.Duration
