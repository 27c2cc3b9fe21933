package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/cloudkeys/cloudkeys"
)

// IO is the command's environment, injectable for tests.
type IO struct {
	Stdin     io.Reader
	Stdout    io.Writer
	Stderr    io.Writer
	Getenv    func(string) string
	StderrTTY bool // show progress on long lists
	// Options are added to every client (tests pass an in-memory transport).
	Options []cloudkeys.Option
}

// flags are the options of every key command.
type flags struct {
	output      string
	showSecret  bool
	secretFile  string
	force       bool
	owner       string
	name        string
	description string
	expires     string
	store       string
	endpoint    string
	timeout     time.Duration
	debug       bool
	addr        string
	version     string
}

func newFlagSet(f *flags, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("cloudkeys", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.output, "output", outTable, "output format: table, json or env")
	fs.StringVar(&f.output, "o", outTable, "shorthand for --output")
	fs.BoolVar(&f.showSecret, "show-secret", false, "print the new secret (create, rotate)")
	fs.StringVar(&f.secretFile, "secret-file", "", "write the new secret to this file, mode 0600 (create, rotate)")
	fs.BoolVar(&f.force, "force", false, "overwrite an existing --secret-file")
	fs.StringVar(&f.owner, "owner", "", "owner (user/account id) for create and list")
	fs.StringVar(&f.name, "name", "", "key name for create")
	fs.StringVar(&f.description, "description", "", "key description for create")
	fs.StringVar(&f.expires, "expires", "", "expiry for create: RFC 3339 time or a duration such as 720h")
	fs.StringVar(&f.store, "store", "", "rotate: shell command that receives the new key as JSON on stdin; the old key is deleted only if it exits 0")
	fs.StringVar(&f.endpoint, "endpoint", "", "API endpoint, overriding the environment")
	fs.DurationVar(&f.timeout, "timeout", 5*time.Minute, "overall time limit")
	fs.BoolVar(&f.debug, "debug", false, "log each HTTP attempt to stderr (never secrets)")
	fs.StringVar(&f.addr, "addr", "127.0.0.1:0", "fake: address to listen on")
	fs.StringVar(&f.version, "version", "", "fake: server version to emulate")
	_ = stderr
	return fs
}

// parse parses flags anywhere among the arguments and returns the
// positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usagef(err.Error())
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// Run runs the command with args (without the program name) and returns
// the exit code.
func Run(ctx context.Context, args []string, io IO) int {
	if io.Getenv == nil {
		io.Getenv = os.Getenv
	}
	err := run(ctx, args, io)
	if err != nil {
		msg := strings.ReplaceAll(err.Error(), "\n", " ")
		fmt.Fprintf(io.Stderr, "cloudkeys: %s\n", msg)
		if errors.Is(err, errUsage) {
			fmt.Fprintln(io.Stderr, "Run 'cloudkeys help' for usage.")
		}
	}
	return exitCode(err)
}

func run(ctx context.Context, args []string, io IO) error {
	var f flags
	fs := newFlagSet(&f, io.Stderr)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("missing vendor or command")
	}
	switch pos[0] {
	case "help", "-h", "--help":
		return help(io.Stdout, pos[1:])
	case "fake":
		if len(pos) != 2 {
			return usagef("usage: cloudkeys fake <vendor> [--addr host:port] [--version v] [--output env]")
		}
		return runFake(ctx, io, f, pos[1])
	}
	v, ok := registry[pos[0]]
	if !ok {
		return usagef(fmt.Sprintf("unknown vendor %q (one of %s)", pos[0], strings.Join(vendorNames(), ", ")))
	}
	if len(pos) < 2 {
		return usagef("missing command for " + v.Name)
	}
	switch f.output {
	case outTable, outJSON, outEnv:
	default:
		return usagef(fmt.Sprintf("unknown --output %q (table, json or env)", f.output))
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	return runKeyCommand(ctx, io, f, v, pos[1], pos[2:])
}

func clientOptions(io IO, f flags) []cloudkeys.Option {
	opts := []cloudkeys.Option{cloudkeys.WithUserAgent("cloudkeys-cli")}
	if f.debug {
		opts = append(opts, cloudkeys.WithLogger(slog.New(slog.NewTextHandler(io.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	return append(opts, io.Options...)
}
