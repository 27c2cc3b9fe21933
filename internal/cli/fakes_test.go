package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
)

// e24Env is the environment of the e24 fake's seeded admin key.
func e24Env(srv *e24test.Server) [][2]string {
	key, secret := srv.AdminKey()
	return [][2]string{{"E24_ENDPOINT", srv.URL()}, {"E24_API_KEY", key}, {"E24_API_SECRET", secret.Reveal()}}
}

// runFakeEnv runs the command with env (a fake's variables) plus a state
// directory for recovery files, and returns the recovery directory.
func runFakeEnv(t *testing.T, env [][2]string, args ...string) (result, string) {
	t.Helper()
	state := t.TempDir()
	m := map[string]string{"XDG_STATE_HOME": state}
	for _, kv := range env {
		m[kv[0]] = kv[1]
	}
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, IO{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return m[k] }})
	return result{code, out.String(), errb.String()}, filepath.Join(state, "cloudkeys", "recovery")
}

// TestCloudStackInPlaceRotationWithAFailingStore, against the CloudStack
// 4.22 fake (one pair per user, rotated in place): the store command fails,
// the old secret is dead, and the new one — the one the server now holds —
// is in a recovery file, not lost.
func TestCloudStackInPlaceRotationWithAFailingStore(t *testing.T) {
	t.Parallel()
	srv := cloudstacktest.NewServer(cloudstacktest.WithVersion("4.22.0.0"))
	defer srv.Close()
	u := srv.AddUser(cloudstacktest.UserSpec{Username: "ci-bot"})
	old, ok := srv.GenerateKeys(u.ID)
	require.True(t, ok)
	r, rec := runFakeEnv(t, srv.Env(), "cloudstack", "rotate", old.APIKey, "--store", "exit 3")
	assert.Equal(t, ExitOther, r.code, r.stderr)
	assert.Contains(t, r.stderr, "rotated in place, so its old secret no longer works")
	assert.NotContains(t, r.stderr, "old key is kept")
	now := srv.UserKeys(u.ID)
	require.Len(t, now, 1)
	assert.NotEqual(t, old.SecretKey.Reveal(), now[0].SecretKey.Reveal(), "rotated on the server")
	assert.Equal(t, []string{now[0].SecretKey.Reveal()}, recovered(t, rec), "the server's new secret is kept")
	assert.NotContains(t, r.stderr, now[0].SecretKey.Reveal())
}

// TestCloudStackRefusalSpeaksOfCommands: a 4.22 create for a user who has
// a pair told a shell user to "use RotateKey".
func TestCloudStackRefusalSpeaksOfCommands(t *testing.T) {
	t.Parallel()
	srv := cloudstacktest.NewServer(cloudstacktest.WithVersion("4.22.0.0"))
	defer srv.Close()
	u := srv.AddUser(cloudstacktest.UserSpec{Username: "ci-bot"})
	_, ok := srv.GenerateKeys(u.ID)
	require.True(t, ok)
	r, _ := runFakeEnv(t, srv.Env(), "cloudstack", "create", "--owner", u.ID, "--show-secret")
	assert.Equal(t, ExitOther, r.code, r.stderr)
	assert.Contains(t, r.stderr, "cloudkeys cloudstack rotate ID")
	assert.NotContains(t, r.stderr, "RotateKey")
}

// TestFieldsAVendorCannotKeepAreRefused: --name and --description were
// dropped silently on vendors without them.
func TestFieldsAVendorCannotKeepAreRefused(t *testing.T) {
	t.Parallel()
	e := e24test.NewServer()
	defer e.Close()
	before := len(e.APIKeys())
	for _, flag := range []string{"--name", "--description"} {
		r, _ := runFakeEnv(t, e24Env(e), "e24", "create", flag, "x", "--show-secret")
		assert.Equal(t, ExitInvalid, r.code, r.stderr)
		assert.Contains(t, r.stderr, flag)
	}
	assert.Equal(t, before, len(e.APIKeys()), "nothing created")

	cs := cloudstacktest.NewServer(cloudstacktest.WithVersion("4.22.0.0"))
	defer cs.Close()
	r, _ := runFakeEnv(t, cs.Env(), "cloudstack", "create", "--name", "x", "--show-secret")
	assert.Equal(t, ExitInvalid, r.code, "CloudStack before 4.23 has no key names: %s", r.stderr)

	h := huaweibcstest.NewServer()
	defer h.Close()
	r, _ = runFakeEnv(t, h.Env(), "huaweibcs", "create", "--name", "x", "--show-secret")
	assert.Equal(t, ExitInvalid, r.code, r.stderr)
	r, _ = runFakeEnv(t, h.Env(), "huaweibcs", "create", "--description", "kept", "--show-secret")
	assert.Equal(t, 0, r.code, "Huawei keeps descriptions: %s", r.stderr)
}

// TestHuaweiUnreadableFileIsNotDropped: an unreadable credential file
// arrived as an error carrying the secret and the CLI dropped it. A file
// that names the key's id: the key is deleted again. One that does not: the
// raw answer (with the secret) goes to a recovery file.
func TestHuaweiUnreadableFileIsNotDropped(t *testing.T) {
	t.Parallel()
	t.Run("id known: deleted", func(t *testing.T) {
		h := huaweibcstest.NewServer()
		defer h.Close()
		h.SetCredentialFile(func(rec huaweibcstest.CredentialRecord) []byte {
			return []byte("id,comment\n" + rec.ID + ",the secret column is missing\n")
		})
		r, rec := runFakeEnv(t, h.Env(), "huaweibcs", "create", "--secret-file", filepath.Join(t.TempDir(), "s"))
		assert.Equal(t, ExitOther, r.code, r.stderr)
		assert.Contains(t, r.stderr, "the key was deleted again")
		assert.Zero(t, h.CredentialCount(), "no key whose secret nobody has")
		assert.Empty(t, recovered(t, rec))
	})
	t.Run("id unknown: recovered", func(t *testing.T) {
		h := huaweibcstest.NewServer(huaweibcstest.WithFileFormat(huaweibcstest.FileCSV))
		defer h.Close()
		h.SetCredentialFile(func(rec huaweibcstest.CredentialRecord) []byte {
			return []byte("<!-- proxy -->\n" + rec.Secret.Reveal())
		})
		path := filepath.Join(t.TempDir(), "s")
		r, rec := runFakeEnv(t, h.Env(), "huaweibcs", "create", "--secret-file", path)
		assert.Equal(t, ExitOutcomeUnknown, r.code, r.stderr)
		creds := h.Credentials()
		require.Len(t, creds, 1)
		got := recovered(t, rec)
		require.Len(t, got, 1)
		assert.Contains(t, got[0], creds[0].Secret.Reveal(), "the raw answer, with the secret, is kept")
		assert.Contains(t, r.stderr, "was saved to "+rec)
		assert.NotContains(t, r.stderr, creds[0].Secret.Reveal())
		assert.NoFileExists(t, path, "no empty secret file left")
	})
}

// TestNoTrailingNewlineInSecretFiles: secret files ended in a newline,
// which kubectl create secret --from-file stores as part of the secret.
func TestNoTrailingNewlineInSecretFiles(t *testing.T) {
	t.Parallel()
	e := e24test.NewServer()
	defer e.Close()
	path := filepath.Join(t.TempDir(), "s")
	r, _ := runFakeEnv(t, e24Env(e), "e24", "create", "--secret-file", path, "--show-secret", "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.False(t, strings.HasSuffix(string(b), "\n"))
	var k keyJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &k))
	require.NotNil(t, k.Secret)
	assert.Equal(t, *k.Secret, string(b), "the file holds exactly the secret")
}
