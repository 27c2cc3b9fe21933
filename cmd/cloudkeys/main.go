// Command cloudkeys manages API keys and tokens on CloudStack, ZStack,
// e24cloud, Huawei BCS and Onezone from the shell, and runs each vendor's
// fake as a standalone server. Run "cloudkeys help" for usage and exit codes.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/cloudkeys/cloudkeys/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.IO{
		Stdin:     os.Stdin,
		Stdout:    os.Stdout,
		Stderr:    os.Stderr,
		Getenv:    os.Getenv,
		StderrTTY: isTerminal(os.Stderr),
	})
	stop()
	os.Exit(code)
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
