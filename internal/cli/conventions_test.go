package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
)

// TestHelpAtEveryLevel: --help, -h, "cloudkeys e24 --help", "cloudkeys
// fake --help" printed "flag: help requested" and exited 2; "cloudkeys e24
// help" and "cloudkeys help create" were unknown.
func TestHelpAtEveryLevel(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, "Exit codes:"},
		{[]string{"-h"}, "Exit codes:"},
		{[]string{"help"}, "Exit codes:"},
		{[]string{"e24", "--help"}, "E24_API_SECRET"},
		{[]string{"e24", "-h"}, "E24_API_SECRET"},
		{[]string{"e24", "help"}, "E24_API_SECRET"},
		{[]string{"help", "e24"}, "E24_API_SECRET"},
		{[]string{"e24", "help", "create"}, "cloudkeys e24 create"},
		{[]string{"help", "e24", "create"}, "cloudkeys e24 create"},
		{[]string{"e24", "create", "--help"}, "no trailing newline"},
		{[]string{"help", "create"}, "cloudkeys <vendor> create"},
		{[]string{"help", "rotate"}, "--store"},
		{[]string{"fake", "--help"}, "--server-version"},
		{[]string{"help", "fake"}, "--env-file"},
		{[]string{"mem", "list", "-h"}, "--owner"},
	} {
		r := runCLI(t, tt.args...)
		assert.Equal(t, 0, r.code, "%v: %s", tt.args, r.stderr)
		assert.Contains(t, r.stdout, tt.want, "%v", tt.args)
		assert.NotContains(t, r.stderr, "help requested", "%v", tt.args)
	}
	r := runCLI(t, "help", "nosuch")
	assert.Equal(t, ExitInvalid, r.code)
}

// TestVersionAndCompletion: "version" and "--version" print the version
// (there was none; --version was the fake's server version), and
// "completion bash|zsh|fish" writes a script.
func TestVersionAndCompletion(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"version"}, {"--version"}} {
		r := runCLI(t, args...)
		require.Equal(t, 0, r.code, r.stderr)
		assert.True(t, strings.HasPrefix(r.stdout, "cloudkeys "+cloudkeys.Version), r.stdout)
	}
	r := runCLI(t, "version", "-o", "json")
	require.Equal(t, 0, r.code)
	var v map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &v))
	assert.Equal(t, cloudkeys.Version, v["version"])
	for _, shell := range []string{"bash", "zsh", "fish"} {
		r := runCLI(t, "completion", shell)
		require.Equal(t, 0, r.code, r.stderr)
		assert.Contains(t, r.stdout, "cloudkeys", shell)
		assert.Greater(t, len(r.stdout), 1000, shell)
	}
}

// TestEachCommandAcceptsOnlyItsOwnFlags: "list --expires 1h --force" was
// accepted; every flag went with every command.
func TestEachCommandAcceptsOnlyItsOwnFlags(t *testing.T) {
	t.Parallel()
	km := seeded(t)
	for _, args := range [][]string{
		{"mem", "list", "--expires", "1h"},
		{"mem", "list", "--force"},
		{"mem", "get", "k1", "--store", "true"},
		{"mem", "enable", "k1", "--force"},
		{"mem", "create", "--store", "true", "--show-secret"},
		{"mem", "capabilities", "--owner", "x"},
		{"fake", "e24", "--name", "x"},
		{"mem", "create", "--force", "--show-secret"},
	} {
		r := runCLI(t, args...)
		assert.Equal(t, ExitInvalid, r.code, "%v: %s", args, r.stderr)
	}
	assert.Empty(t, km.Calls(), "nothing was sent")
}

// TestErrorsAreOneLineWithoutDoubledPrefix: "cloudkeys: cloudkeys: ..."
// became "cloudkeys: ..."; with -o json the error is one JSON object with
// the exit code.
func TestErrorsAreOneLineWithoutDoubledPrefix(t *testing.T) {
	t.Parallel()
	seeded(t)
	r := runCLI(t, "mem", "create", "--expires", "soon", "--show-secret")
	assert.Equal(t, ExitInvalid, r.code)
	assert.True(t, strings.HasPrefix(r.stderr, "cloudkeys: invalid --expires"), r.stderr)
	assert.NotContains(t, r.stderr, "cloudkeys: cloudkeys:")

	for _, args := range [][]string{
		{"mem", "get", "nope", "-o", "json"},
		{"mem", "create", "--expires", "soon", "--show-secret", "-o", "json"},
		{"mem", "list", "--bogus", "-o", "json"},
	} {
		r := runCLI(t, args...)
		require.NotZero(t, r.code)
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		require.Len(t, lines, 1, r.stderr)
		var e struct {
			Error    string `json:"error"`
			ExitCode int    `json:"exit_code"`
		}
		require.NoError(t, json.Unmarshal([]byte(lines[0]), &e), r.stderr)
		assert.Equal(t, r.code, e.ExitCode)
		assert.NotEmpty(t, e.Error)
		assert.NotContains(t, e.Error, "cloudkeys: ")
	}
}

// TestFakeEnvFile: "cloudkeys fake" writes its export lines to --env-file
// atomically once it listens, so scripts need no sleep; the file is removed
// when the fake stops.
func TestFakeEnvFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "e24.env")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	go func() {
		var out, errb strings.Builder
		code := Run(ctx, []string{"fake", "e24", "--env-file", path}, IO{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
		done <- result{code, out.String(), errb.String()}
	}()
	var b []byte
	for i := 0; i < 2000; i++ {
		var err error
		if b, err = os.ReadFile(path); err == nil {
			break
		}
		time.Sleep(time.Millisecond)
	}
	require.NotEmpty(t, b, "the env file appeared")
	assert.Contains(t, string(b), "export E24_ENDPOINT='http://127.0.0.1:")
	assert.Contains(t, string(b), "export E24_API_SECRET=")
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	cancel()
	r := <-done
	assert.Equal(t, 0, r.code, r.stderr)
	assert.NoFileExists(t, path)
}

// TestMessagesSpeakOfCommands: errors named Go methods ("GetKey") and
// advice ("use RotateKey") a shell user cannot follow.
func TestMessagesSpeakOfCommands(t *testing.T) {
	t.Parallel()
	seeded(t)
	r := runCLI(t, "mem", "get", "nope")
	assert.Equal(t, ExitNotFound, r.code)
	assert.Contains(t, r.stderr, "mem: get: ")
	assert.NotContains(t, r.stderr, "GetKey")
}
