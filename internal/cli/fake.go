package cli

import (
	"context"
	"fmt"
	"strings"
)

// runFake starts a vendor's fake, prints its URL and seeded credentials,
// and serves until ctx ends (SIGINT/SIGTERM in main).
func runFake(ctx context.Context, io IO, f flags, name string) error {
	v, ok := registry[name]
	if !ok {
		return usagef(fmt.Sprintf("unknown vendor %q (one of %s)", name, strings.Join(vendorNames(), ", ")))
	}
	if v.Fake == nil {
		return usagef(name + " has no fake")
	}
	h, err := v.Fake(FakeOptions{Addr: f.addr, Version: f.version})
	if err != nil {
		return err
	}
	defer h.Close()
	if f.output == outEnv {
		if err := writeEnv(io.Stdout, h.Env); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(io.Stdout, "%s fake listening on %s\n", name, h.URL)
		for _, kv := range h.Env {
			fmt.Fprintf(io.Stdout, "%s=%s\n", kv[0], kv[1])
		}
	}
	if fl, ok := io.Stdout.(interface{ Sync() error }); ok {
		_ = fl.Sync()
	}
	<-ctx.Done()
	fmt.Fprintf(io.Stderr, "%s fake stopped\n", name)
	return nil
}
