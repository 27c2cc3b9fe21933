package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

// fakeCmd is "cloudkeys fake <vendor>": it starts a vendor's fake, prints
// its URL and seeded credentials (and writes them to --env-file, atomically,
// once it listens), and serves until interrupted.
func fakeCmd(st *state) *cobra.Command {
	var addr, version, envFile string
	var enforce bool
	c := &cobra.Command{
		Use:   "fake VENDOR",
		Short: "Run a vendor's fake server (for tests in any language)",
		Long: "Run a vendor's in-process fake as a server on --addr, print its URL and the seeded credentials\n" +
			"(with --output env: as export lines), and serve until SIGINT or SIGTERM. With --env-file PATH the\n" +
			"export lines are also written to PATH (0600, atomically) once the fake listens, so a script can\n" +
			"wait for the file instead of sleeping.",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("fake takes one vendor (" + strings.Join(fakeNames(), ", ") + ")")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			v, ok := registry[args[0]]
			if !ok || v.Fake == nil {
				return usagef(fmt.Sprintf("unknown vendor %q (one of %s)", args[0], strings.Join(fakeNames(), ", ")))
			}
			if enforce && !v.FakeEnforce {
				return usagef("--enforce applies to the " + strings.Join(enforceableFakes(), ", ") + " fake only")
			}
			h, err := v.Fake(FakeOptions{Addr: addr, Version: version, Enforce: enforce})
			if err != nil {
				return &commandError{err}
			}
			defer h.Close()
			out := cmd.OutOrStdout()
			if envFile != "" {
				if err := writeFileAtomic(envFile, func(f *os.File) error { return writeEnv(f, h.Env) }); err != nil {
					return &commandError{fmt.Errorf("--env-file: %w", err)}
				}
			}
			if st.output == outEnv {
				if err := writeEnv(out, h.Env); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(out, "%s fake listening on %s\n", v.Name, h.URL)
				for _, kv := range h.Env {
					fmt.Fprintf(out, "%s=%s\n", kv[0], kv[1])
				}
			}
			if fl, ok := out.(interface{ Sync() error }); ok {
				_ = fl.Sync()
			}
			<-cmd.Context().Done()
			if envFile != "" {
				_ = os.Remove(envFile)
			}
			fmt.Fprintf(st.io.Stderr, "%s fake stopped\n", v.Name)
			return nil
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:0", "address to listen on")
	c.Flags().StringVar(&version, "server-version", "", "server version to emulate, where the fake has several")
	c.Flags().StringVar(&envFile, "env-file", "", "also write the export lines to this file (0600, atomically, once listening)")
	c.Flags().BoolVar(&enforce, "enforce", false, "cloudstack: act as a hardened server (enforce.post.requests.and.timestamps: signatureversion 3 with expires, POST for state-changing commands); default: a stock server")
	return c
}

// enforceableFakes names the vendors whose fake has a hardened mode.
func enforceableFakes() []string {
	var out []string
	for _, n := range vendorNames() {
		if registry[n].FakeEnforce {
			out = append(out, n)
		}
	}
	return out
}

func fakeNames() []string {
	var out []string
	for _, n := range vendorNames() {
		if registry[n].Fake != nil {
			out = append(out, n)
		}
	}
	return out
}

// writeFileAtomic writes a file of mode 0600 through a temporary file in
// the same directory, synced and renamed into place.
func writeFileAtomic(path string, write func(*os.File) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if err := write(f); err != nil {
		_ = f.Close()
		_ = os.Remove(tmp)
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		_ = os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}
