package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/profiles"
)

// IO is the command's environment, injectable for tests.
type IO struct {
	Stdin     io.Reader
	Stdout    io.Writer
	Stderr    io.Writer
	Getenv    func(string) string
	StderrTTY bool // show progress on long lists
	// Environ is the environment handed (filtered) to --store commands;
	// nil means os.Environ.
	Environ func() []string
	// Options are added to every client (tests pass an in-memory transport).
	Options []cloudkeys.Option

	// failSecretWrite makes writing a secret to --secret-file fail (tests:
	// a full disk after the file was opened).
	failSecretWrite error
	// now is the fleet commands' clock (tests); nil means time.Now.
	now func() time.Time
}

// Run runs the command with args (without the program name) and returns
// the exit code. Errors are one line on stderr ("cloudkeys: ..."), or, with
// --output json, one JSON object {"error": ..., "exit_code": ...}.
func Run(ctx context.Context, args []string, io IO) int {
	if io.Getenv == nil {
		io.Getenv = os.Getenv
	}
	if io.Environ == nil {
		io.Environ = os.Environ
	}
	if io.Stdin == nil {
		io.Stdin = strings.NewReader("")
	}
	st := &state{io: io}
	root := newRoot(st)
	// Known before parsing, so that even a flag error is reported in the
	// format asked for.
	st.output = outputArg(args)
	root.SetArgs(args)
	root.SetIn(io.Stdin)
	root.SetOut(io.Stdout)
	root.SetErr(io.Stderr)
	err := root.ExecuteContext(ctx)
	if err != nil {
		var ce *commandError
		if errors.As(err, &ce) {
			err = ce.err
		} else if !errors.Is(err, errUsage) {
			// cobra's own refusals: unknown commands and flags, wrong
			// arguments.
			err = usagef(err.Error())
		}
		report(io.Stderr, st, err)
	}
	return exitCode(err)
}

// commandError marks an error a command returned (as opposed to one cobra
// raised while parsing).
type commandError struct{ err error }

func (e *commandError) Error() string { return e.err.Error() }
func (e *commandError) Unwrap() error { return e.err }

// report prints err once: one line, without a doubled "cloudkeys: " prefix,
// in the words of the command line; as JSON with --output json.
func report(w io.Writer, st *state, err error) {
	msg := oneLine(err.Error())
	code := exitCode(err)
	if st.output == outJSON {
		b, _ := json.Marshal(struct {
			Error    string `json:"error"`
			ExitCode int    `json:"exit_code"`
		}{msg, code})
		fmt.Fprintf(w, "%s\n", b)
		return
	}
	fmt.Fprintf(w, "cloudkeys: %s\n", msg)
	if errors.Is(err, errUsage) {
		fmt.Fprintf(w, "Run '%s --help' for usage.\n", st.usagePath())
	}
}

// oneLine folds err's text to one line and drops the prefixes the library
// puts first ("cloudkeys: ") so that the command prints its own once.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for strings.HasPrefix(s, "cloudkeys: ") {
		s = strings.TrimPrefix(s, "cloudkeys: ")
	}
	return s
}

// state is what the command's parts share during one run.
type state struct {
	io      IO
	output  string
	cmdPath string // the command being run, for usage hints
	// for vendor commands
	endpoint string
	timeout  durationFlag
	debug    bool
	// --profile and --config, and the configuration once loaded
	profile    string
	configPath string
	cfg        *profiles.Config
}

func (st *state) usagePath() string {
	if st.cmdPath == "" {
		return "cloudkeys"
	}
	return st.cmdPath
}

func (st *state) clientOptions() []cloudkeys.Option {
	opts := []cloudkeys.Option{cloudkeys.WithUserAgent("cloudkeys-cli")}
	if st.debug {
		opts = append(opts, cloudkeys.WithLogger(slog.New(slog.NewTextHandler(st.io.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	return append(opts, st.io.Options...)
}

// outputArg finds the value of --output/-o among args (the last one wins),
// or "table".
func outputArg(args []string) string {
	out := outTable
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return out
		case (a == "-o" || a == "--output") && i+1 < len(args):
			out = args[i+1]
			i++
		case strings.HasPrefix(a, "--output="):
			out = strings.TrimPrefix(a, "--output=")
		case strings.HasPrefix(a, "-o="):
			out = strings.TrimPrefix(a, "-o=")
		case strings.HasPrefix(a, "-o") && len(a) > 2:
			out = a[2:]
		}
	}
	return out
}
