package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/memkm"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// The "mem" vendor is registered only in tests; each test gets its own KM
// through the environment variable MEM_ID.
var (
	memMu sync.Mutex
	mems  = map[string]*memkm.KM{}
)

func init() {
	register(&Vendor{
		Name: "mem", Summary: "in-memory test vendor",
		Env: []EnvVar{{Name: "MEM_ID", Doc: "which in-memory store to use"}},
		Connect: func(_ context.Context, getenv func(string) string, _ string, _ []cloudkeys.Option) (cloudkeys.KeyManager, error) {
			memMu.Lock()
			defer memMu.Unlock()
			km, ok := mems[getenv("MEM_ID")]
			if !ok {
				return nil, cloudkeys.InvalidInput("mem", "MEM_ID", "not set")
			}
			return km, nil
		},
	})
}

type result struct {
	code           int
	stdout, stderr string
}

func newMem(t *testing.T, caps cloudkeys.Capabilities) *memkm.KM {
	km := memkm.New(caps)
	memMu.Lock()
	mems[t.Name()] = km
	memMu.Unlock()
	return km
}

func runCLI(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, IO{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string {
			if k == "MEM_ID" {
				return t.Name()
			}
			return ""
		},
	})
	return result{code, out.String(), errb.String()}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./internal/cli -update to create it")
	assert.Equal(t, string(want), got)
}

var allCaps = cloudkeys.Capabilities{MultipleKeys: true, Delete: true, Rotate: true, Enable: true, Expiry: true}

func seeded(t *testing.T) *memkm.KM {
	km := newMem(t, allCaps)
	km.Add("alice", "ci", "deploy key")
	km.Add("bob", "", "")
	return km
}

func TestListOutputs(t *testing.T) {
	t.Parallel()
	seeded(t)
	for _, format := range []string{"table", "json", "env"} {
		r := runCLI(t, "mem", "list", "--output", format)
		require.Equal(t, 0, r.code, r.stderr)
		golden(t, "list."+format, r.stdout)
		assert.NotContains(t, r.stdout, "secret-")
	}
	r := runCLI(t, "mem", "list", "--owner", "bob", "-o", "json")
	require.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, `"owner":"bob"`)
	assert.NotContains(t, r.stdout, "alice")
}

func TestEmptyListJSON(t *testing.T) {
	t.Parallel()
	newMem(t, allCaps)
	r := runCLI(t, "mem", "list", "--output", "json")
	require.Equal(t, 0, r.code)
	assert.Equal(t, "[]\n", r.stdout)
}

func TestGetAndCapabilities(t *testing.T) {
	t.Parallel()
	seeded(t)
	r := runCLI(t, "mem", "get", "k1", "--output", "json")
	require.Equal(t, 0, r.code, r.stderr)
	golden(t, "get.json", r.stdout)
	r = runCLI(t, "mem", "get", "k1")
	require.Equal(t, 0, r.code)
	golden(t, "get.table", r.stdout)
	for _, format := range []string{"table", "json", "env"} {
		r = runCLI(t, "mem", "capabilities", "--output", format)
		require.Equal(t, 0, r.code)
		golden(t, "capabilities."+format, r.stdout)
	}
}

func TestCreateRequiresASecretDestination(t *testing.T) {
	t.Parallel()
	km := seeded(t)
	r := runCLI(t, "mem", "create", "--name", "x")
	assert.Equal(t, ExitInvalid, r.code)
	assert.Contains(t, r.stderr, "--show-secret")
	assert.Empty(t, km.Calls(), "nothing is created when the secret would be lost")
}

func TestCreateShowSecret(t *testing.T) {
	t.Parallel()
	km := seeded(t)
	r := runCLI(t, "mem", "create", "--owner", "carol", "--name", "n", "--description", "d", "--show-secret", "--output", "json")
	require.Equal(t, 0, r.code, r.stderr)
	golden(t, "create.json", r.stdout)
	r = runCLI(t, "mem", "create", "--show-secret", "--output", "env")
	require.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, "export CLOUDKEYS_SECRET='secret-4'\n")
	assert.Equal(t, 4, km.Len())
}

func TestCreateExpiry(t *testing.T) {
	t.Parallel()
	km := seeded(t)
	r := runCLI(t, "mem", "create", "--expires", "2030-01-02T03:04:05Z", "--show-secret", "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"expires_at": "2030-01-02T03:04:05Z"`)
	r = runCLI(t, "mem", "create", "--expires", "soon", "--show-secret")
	assert.Equal(t, ExitInvalid, r.code)
	assert.Contains(t, r.stderr, "--expires")
	assert.Equal(t, 3, km.Len())
}

func TestSecretFile(t *testing.T) {
	t.Parallel()
	km := seeded(t)
	path := filepath.Join(t.TempDir(), "secret")
	r := runCLI(t, "mem", "create", "--secret-file", path)
	require.Equal(t, 0, r.code, r.stderr)
	assert.NotContains(t, r.stdout, "secret-3", "the secret goes to the file only")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "secret-3", string(b), "no trailing newline")
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	r = runCLI(t, "mem", "create", "--secret-file", path)
	assert.Equal(t, ExitInvalid, r.code)
	assert.Contains(t, r.stderr, "exists")
	assert.Equal(t, 3, km.Len(), "refused before creating anything")

	require.NoError(t, os.Chmod(path, 0o644))
	r = runCLI(t, "mem", "create", "--secret-file", path, "--force")
	require.Equal(t, 0, r.code, r.stderr)
	b, _ = os.ReadFile(path)
	assert.Equal(t, "secret-4", string(b))
	st, _ = os.Stat(path)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "--force keeps the file private")
}

func TestRotateStoreHook(t *testing.T) {
	t.Parallel()
	km := seeded(t)
	dir := t.TempDir()
	stored := filepath.Join(dir, "stored.json")
	r := runCLI(t, "mem", "rotate", "k1", "--store", "cat > "+stored, "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	b, err := os.ReadFile(stored)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"secret":"secret-3"`, "the store command gets the new secret")
	assert.Contains(t, string(b), `"id":"k3"`)
	assert.NotContains(t, r.stdout, "secret-3", "stdout shows no secret without --show-secret")
	_, err = km.GetKey(context.Background(), "k1")
	assert.ErrorIs(t, err, cloudkeys.ErrNotFound, "the old key is deleted after a successful store")

	r = runCLI(t, "mem", "rotate", "k3", "--store", "exit 3")
	assert.Equal(t, ExitOther, r.code)
	assert.Contains(t, r.stderr, "--store command failed")
	_, err = km.GetKey(context.Background(), "k3")
	assert.NoError(t, err, "the old key stays when the store command fails")
	_, err = km.GetKey(context.Background(), "k4")
	assert.ErrorIs(t, err, cloudkeys.ErrNotFound, "the new key is deleted when the store command fails")
	assert.NotContains(t, r.stderr, "secret-")
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		caps cloudkeys.Capabilities
		prep func(km *memkm.KM)
		args []string
		code int
	}{
		{"not found", allCaps, nil, []string{"get", "nope"}, ExitNotFound},
		{"unsupported", cloudkeys.Capabilities{}, nil, []string{"disable", "k1"}, ExitUnsupported},
		{"outcome unknown", allCaps, func(km *memkm.KM) {
			km.FailCreate = &outcomeErr{}
		}, []string{"create", "--show-secret"}, ExitOutcomeUnknown},
		{"unauthorized", allCaps, func(km *memkm.KM) {
			km.FailCreate = &cloudkeys.APIError{Vendor: "mem", StatusCode: 401}
		}, []string{"create", "--show-secret"}, ExitUnauthorized},
		{"forbidden", allCaps, func(km *memkm.KM) {
			km.FailCreate = &cloudkeys.APIError{Vendor: "mem", StatusCode: 403}
		}, []string{"create", "--show-secret"}, ExitUnauthorized},
		{"server error", allCaps, func(km *memkm.KM) {
			km.FailCreate = &cloudkeys.APIError{Vendor: "mem", StatusCode: 500}
		}, []string{"create", "--show-secret"}, ExitOther},
		{"unknown command", allCaps, nil, []string{"explode"}, ExitInvalid},
		{"missing id", allCaps, nil, []string{"get"}, ExitInvalid},
		{"empty id", allCaps, nil, []string{"delete", " "}, ExitInvalid},
		{"secret on get", allCaps, nil, []string{"get", "k1", "--show-secret"}, ExitInvalid},
		{"bad output", allCaps, nil, []string{"list", "--output", "xml"}, ExitInvalid},
		{"delete ok", allCaps, nil, []string{"delete", "k1"}, ExitOK},
		{"enable ok", allCaps, nil, []string{"enable", "k1"}, ExitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			km := newMem(t, tt.caps)
			km.Add("alice", "", "")
			if tt.prep != nil {
				tt.prep(km)
			}
			r := runCLI(t, append([]string{"mem"}, tt.args...)...)
			assert.Equal(t, tt.code, r.code, "stderr: %s", r.stderr)
			if tt.code != 0 {
				assert.Equal(t, 1, strings.Count(strings.TrimSuffix(strings.SplitN(r.stderr, "Run '", 2)[0], "\n"), "\n")+1, "one line: %q", r.stderr)
			}
		})
	}
	r := runCLI(t, "nosuchvendor", "list")
	assert.Equal(t, ExitInvalid, r.code)
	assert.Contains(t, r.stderr, `unknown vendor "nosuchvendor"`)
}

type outcomeErr struct{}

func (*outcomeErr) Error() string { return "mem: CreateKey: outcome unknown" }
func (*outcomeErr) Unwrap() error { return cloudkeys.ErrOutcomeUnknown }

func TestHelp(t *testing.T) {
	t.Parallel()
	r := runCLI(t, "help")
	require.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, "Exit codes:")
	assert.Contains(t, r.stdout, "mem")
	r = runCLI(t, "help", "mem")
	require.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, "MEM_ID")
}

func TestProgressOnTerminal(t *testing.T) {
	t.Parallel()
	km := newMem(t, allCaps)
	for i := 0; i < 250; i++ {
		km.Add("o", "", "")
	}
	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"mem", "list", "-o", "json"}, IO{Stdout: &out, Stderr: &errb, StderrTTY: true,
		Getenv: func(k string) string { return t.Name() }})
	require.Equal(t, 0, code)
	assert.Contains(t, errb.String(), "\rlisted 200 keys")
	assert.Contains(t, errb.String(), "\rlisted 250 keys\n")
	assert.Equal(t, 250, strings.Count(out.String(), `"vendor"`))
}

func TestParseExpiry(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	got, err := parseExpiry("48h", now)
	require.NoError(t, err)
	assert.Equal(t, now.Add(48*time.Hour), got)
	for _, bad := range []string{"", "-1h", "0s", "tomorrow", "2026-13-01T00:00:00Z"} {
		_, err := parseExpiry(bad, now)
		assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest, bad)
	}
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	assert.Equal(t, `'a'\''b'`, shellQuote("a'b"))
	assert.Equal(t, `'$(rm -rf /)'`, shellQuote("$(rm -rf /)"))
}
