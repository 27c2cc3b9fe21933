package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
)

// runWith runs the command for the test's in-memory vendor with io
// adjusted by adjust (a state directory for recovery files is set).
func runWith(t *testing.T, adjust func(*IO), args ...string) (result, string) {
	t.Helper()
	state := t.TempDir()
	var out, errb bytes.Buffer
	io := IO{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string {
			switch k {
			case "MEM_ID":
				return t.Name()
			case "XDG_STATE_HOME":
				return state
			}
			return ""
		}}
	if adjust != nil {
		adjust(&io)
	}
	code := Run(context.Background(), args, io)
	return result{code, out.String(), errb.String()}, filepath.Join(state, "cloudkeys", "recovery")
}

// recovered returns the contents of the recovery files in dir.
func recovered(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	require.NoError(t, err)
	var out []string
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		st, err := os.Lstat(p)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "recovery files are private")
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		out = append(out, string(b))
	}
	st, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), st.Mode().Perm())
	return out
}

var errDiskFull = errors.New("no space left on device")

// TestSecretFileInAMissingDirectoryIsRefusedFirst: the README promised the
// file is checked before anything is created, but only Lstat was: a key was
// created and its secret lost. Now nothing is sent.
func TestSecretFileInAMissingDirectoryIsRefusedFirst(t *testing.T) {
	t.Parallel()
	km := seeded(t)
	path := filepath.Join(t.TempDir(), "no-such-dir", "x")
	for _, args := range [][]string{
		{"mem", "create", "--secret-file", path},
		{"mem", "rotate", "k1", "--secret-file", path},
		{"mem", "rotate", "k1", "--secret-file", path, "--store", "cat > " + filepath.Join(t.TempDir(), "stored")},
	} {
		r := runCLI(t, args...)
		assert.Equal(t, ExitInvalid, r.code, r.stderr)
		assert.Contains(t, r.stderr, "--secret-file")
		assert.Contains(t, r.stderr, "does not exist")
	}
	assert.Empty(t, km.Calls(), "nothing was sent")
	assert.Equal(t, 2, km.Len())
}

// TestCreateWhoseSecretCannotBeWrittenDeletesTheKey: the file was opened,
// but writing it failed (a full disk): the new key is deleted again.
func TestCreateWhoseSecretCannotBeWrittenDeletesTheKey(t *testing.T) {
	t.Parallel()
	km := seeded(t)
	path := filepath.Join(t.TempDir(), "secret")
	r, rec := runWith(t, func(io *IO) { io.failSecretWrite = errDiskFull }, "mem", "create", "--secret-file", path)
	assert.Equal(t, ExitOther, r.code)
	assert.Contains(t, r.stderr, "key k3 was created, but its secret could not be written")
	assert.Contains(t, r.stderr, "the key was deleted again")
	assert.Equal(t, 2, km.Len(), "no key without its secret")
	assert.NoFileExists(t, path, "no empty secret file left behind")
	assert.Empty(t, recovered(t, rec))
	assert.NotContains(t, r.stderr+r.stdout, "secret-3")
}

// TestCreateWhoseKeyCannotBeDeletedRecoversTheSecret: writing failed and
// the vendor cannot delete keys: the secret goes to a recovery file.
func TestCreateWhoseKeyCannotBeDeletedRecoversTheSecret(t *testing.T) {
	t.Parallel()
	km := newMem(t, cloudkeys.Capabilities{Rotate: true})
	km.Add("alice", "", "")
	r, rec := runWith(t, func(io *IO) { io.failSecretWrite = errDiskFull }, "mem", "create", "--secret-file", filepath.Join(t.TempDir(), "s"))
	assert.Equal(t, ExitOther, r.code)
	assert.Contains(t, r.stderr, "its secret was saved to "+rec)
	assert.Equal(t, []string{"secret-2"}, recovered(t, rec))
	assert.NotContains(t, r.stderr, "secret-2")
}

// TestInPlaceRotationNeverLosesTheSecret: CloudStack up to 4.22 rotates in
// place (the old secret dies at once). When --store or the secret file
// fails, the new secret was printed nowhere and the message said "the old
// key is kept": locked out. Now it is in a recovery file and the message
// says the old secret no longer works.
func TestInPlaceRotationNeverLosesTheSecret(t *testing.T) {
	t.Parallel()
	inPlace := cloudkeys.Capabilities{Rotate: true}
	t.Run("store fails", func(t *testing.T) {
		km := newMem(t, inPlace)
		km.Add("alice", "", "")
		r, rec := runWith(t, nil, "mem", "rotate", "k1", "--store", "exit 3")
		assert.Equal(t, ExitOther, r.code)
		assert.Contains(t, r.stderr, "old secret no longer works")
		assert.NotContains(t, r.stderr, "old key is kept")
		assert.Equal(t, []string{"secret-2"}, recovered(t, rec), "the only copy of the new secret")
		assert.NotContains(t, r.stderr, "secret-2")
	})
	t.Run("secret file fails", func(t *testing.T) {
		km := newMem(t, inPlace)
		km.Add("alice", "", "")
		r, rec := runWith(t, func(io *IO) { io.failSecretWrite = errDiskFull }, "mem", "rotate", "k1", "--secret-file", filepath.Join(t.TempDir(), "s"))
		assert.Equal(t, ExitOther, r.code)
		assert.Contains(t, r.stderr, "old secret no longer works")
		assert.Equal(t, []string{"secret-2"}, recovered(t, rec))
	})
	t.Run("file written, store fails", func(t *testing.T) {
		km := newMem(t, inPlace)
		km.Add("alice", "", "")
		path := filepath.Join(t.TempDir(), "s")
		r, rec := runWith(t, nil, "mem", "rotate", "k1", "--secret-file", path, "--store", "exit 3")
		assert.Equal(t, ExitOther, r.code)
		assert.Contains(t, r.stderr, "its secret is in "+path)
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, "secret-2", string(b), "the written file is kept: it holds the only valid secret")
		assert.Empty(t, recovered(t, rec))
	})
}

// TestStoreNeverGetsAKeyThatIsThenDeleted: the store command used to run
// before the secret file was written, so a bad file deleted the new key
// after the vault had it. Now the file is complete first; and when the
// store fails the new key is deleted and the file it got is removed.
func TestStoreNeverGetsAKeyThatIsThenDeleted(t *testing.T) {
	t.Parallel()
	km := seeded(t)
	dir := t.TempDir()
	path, stored := filepath.Join(dir, "secret"), filepath.Join(dir, "stored.json")
	r, _ := runWith(t, func(io *IO) { io.failSecretWrite = errDiskFull }, "mem", "rotate", "k1", "--secret-file", path, "--store", "cat > "+stored)
	assert.Equal(t, ExitOther, r.code)
	assert.NoFileExists(t, stored, "the store command never ran")
	assert.Contains(t, r.stderr, "was deleted again and the old key is kept")
	_, err := km.GetKey(context.Background(), "k1")
	assert.NoError(t, err, "the old key stays")

	r, _ = runWith(t, nil, "mem", "rotate", "k1", "--secret-file", path, "--store", "exit 3")
	assert.Equal(t, ExitOther, r.code)
	assert.NoFileExists(t, path, "the secret of the deleted key is not left in the file")
	assert.Equal(t, 2, km.Len())
}

// TestForceReplacesALinkInsteadOfWritingThroughIt: --force used O_TRUNC and
// followed a symlink put at the path: the new secret overwrote the link's
// target. Now the link itself is replaced and its target is untouched.
func TestForceReplacesALinkInsteadOfWritingThroughIt(t *testing.T) {
	t.Parallel()
	seeded(t)
	dir := t.TempDir()
	victim, path := filepath.Join(dir, "victim"), filepath.Join(dir, "secret")
	require.NoError(t, os.WriteFile(victim, []byte("precious"), 0o644))
	require.NoError(t, os.Symlink(victim, path))
	r := runCLI(t, "mem", "create", "--secret-file", path, "--force")
	require.Equal(t, 0, r.code, r.stderr)
	b, err := os.ReadFile(victim)
	require.NoError(t, err)
	assert.Equal(t, "precious", string(b), "the link's target is untouched")
	st, err := os.Lstat(path)
	require.NoError(t, err)
	assert.True(t, st.Mode().IsRegular(), "the link was replaced by the secret file")
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	b, _ = os.ReadFile(path)
	assert.Equal(t, "secret-3", string(b))
	ents, _ := os.ReadDir(dir)
	assert.Len(t, ents, 2, "no temporary or backup file left")

	// Without --force a link at the path is refused like any existing file.
	require.NoError(t, os.Remove(path))
	require.NoError(t, os.Symlink(victim, path))
	r = runCLI(t, "mem", "create", "--secret-file", path)
	assert.Equal(t, ExitInvalid, r.code)
}

// TestForcedFileIsPutBackWhenTheRotationIsUndone: with --force the old
// file (holding the old key's secret, which stays valid) is restored when
// the store fails and the new key is deleted.
func TestForcedFileIsPutBackWhenTheRotationIsUndone(t *testing.T) {
	t.Parallel()
	seeded(t)
	path := filepath.Join(t.TempDir(), "secret")
	require.NoError(t, os.WriteFile(path, []byte("secret-1"), 0o600))
	r := runCLI(t, "mem", "rotate", "k1", "--secret-file", path, "--force", "--store", "exit 3")
	assert.Equal(t, ExitOther, r.code)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "secret-1", string(b), "the old key's secret file is back")
	ents, _ := os.ReadDir(filepath.Dir(path))
	assert.Len(t, ents, 1, "no temporary or backup file left")
}

// TestSecretFileDashIsStandardOutput: "-" created a file named "-". Now
// the secret alone goes to stdout (no newline) and the key's details to
// stderr.
func TestSecretFileDashIsStandardOutput(t *testing.T) {
	t.Parallel()
	seeded(t)
	dir := t.TempDir()
	r, _ := runWith(t, nil, "mem", "create", "--secret-file", "-", "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "secret-3", r.stdout)
	assert.Contains(t, r.stderr, `"id": "k3"`)
	assert.NoFileExists(t, filepath.Join(dir, "-"))
	_, err := os.Stat("-")
	assert.True(t, errors.Is(err, os.ErrNotExist), "no file named -")
}

// TestNewKeyIDIsOnStderrBeforeStoreRuns: a run killed during --store left
// a key nothing named; its id is now on stderr before the store starts.
func TestNewKeyIDIsOnStderrBeforeStoreRuns(t *testing.T) {
	t.Parallel()
	seeded(t)
	r := runCLI(t, "mem", "rotate", "k1", "--store", "echo STORE-RUNNING >&2; cat >/dev/null")
	require.Equal(t, 0, r.code, r.stderr)
	i, j := strings.Index(r.stderr, "new key k3 created to replace k1"), strings.Index(r.stderr, "STORE-RUNNING")
	require.GreaterOrEqual(t, i, 0, r.stderr)
	assert.Less(t, i, j, "the id comes first")
}

// TestStoreGetsNoVendorCredentials: the --store child inherited the admin
// credentials from the environment; now they are removed (--store-env
// passes them).
func TestStoreGetsNoVendorCredentials(t *testing.T) {
	t.Parallel()
	seeded(t)
	dir := t.TempDir()
	env := []string{"PATH=" + os.Getenv("PATH"), "E24_API_SECRET=admin-secret", "ZSTACK_PASSWORD_FILE=/run/pw", "E24_API_KEY=AK", "VAULT_TOKEN=v"}
	dump := filepath.Join(dir, "env")
	r, _ := runWith(t, func(io *IO) { io.Environ = func() []string { return env } }, "mem", "rotate", "k1", "--store", "env > "+dump)
	require.Equal(t, 0, r.code, r.stderr)
	b, err := os.ReadFile(dump)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "admin-secret")
	assert.NotContains(t, string(b), "ZSTACK_PASSWORD_FILE")
	assert.Contains(t, string(b), "VAULT_TOKEN=v", "the store's own credentials pass")
	assert.Contains(t, string(b), "E24_API_KEY=AK", "public ids pass")

	r, _ = runWith(t, func(io *IO) { io.Environ = func() []string { return env } }, "mem", "rotate", "k3", "--store", "env > "+dump, "--store-env")
	require.Equal(t, 0, r.code, r.stderr)
	b, _ = os.ReadFile(dump)
	assert.Contains(t, string(b), "E24_API_SECRET=admin-secret")
}
