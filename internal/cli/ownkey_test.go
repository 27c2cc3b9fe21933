package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/e24/e24test"
)

// TestOwnCredentialIsNotDeletedOrDisabledByAccident: delete, disable or
// rotate of the key the command authenticates with succeeded silently and
// every later call failed with 401. delete and disable now refuse it
// without --force; rotate switches to the new key before deleting the old.
func TestOwnCredentialIsNotDeletedOrDisabledByAccident(t *testing.T) {
	t.Parallel()
	km := seeded(t)
	km.AuthenticateAs("k1")
	for _, cmd := range []string{"delete", "disable"} {
		r := runCLI(t, "mem", cmd, "k1")
		assert.Equal(t, ExitInvalid, r.code, r.stderr)
		assert.Contains(t, r.stderr, "authenticates with")
		assert.Contains(t, r.stderr, "cloudkeys mem rotate k1")
		assert.Contains(t, r.stderr, "--force")
	}
	_, err := km.GetKey(context.Background(), "k1")
	require.NoError(t, err, "still there, and the command can still work")

	r := runCLI(t, "mem", "rotate", "k1", "--show-secret", "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"id": "k3"`)
	r = runCLI(t, "mem", "list")
	require.Equal(t, 0, r.code, "the client switched to the new key before deleting the old: %s", r.stderr)

	r = runCLI(t, "mem", "delete", "k2")
	assert.Equal(t, 0, r.code, "another key: no question asked: %s", r.stderr)
	r = runCLI(t, "mem", "delete", "k3", "--force")
	assert.Equal(t, 0, r.code, "--force deletes even the own key: %s", r.stderr)
}

// TestOwnE24KeyThroughTheCommand, against the e24 fake: the command's own
// API key cannot be deleted by accident, and rotating it hands over a
// secret that works, while the old one no longer does.
func TestOwnE24KeyThroughTheCommand(t *testing.T) {
	t.Parallel()
	srv := e24test.NewServer()
	defer srv.Close()
	env := e24Env(srv)
	own := env[1][1]
	r, _ := runFakeEnv(t, env, "e24", "delete", own)
	assert.Equal(t, ExitInvalid, r.code, r.stderr)
	path := filepath.Join(t.TempDir(), "new.secret")
	r, _ = runFakeEnv(t, env, "e24", "rotate", own, "--secret-file", path, "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	var nk keyJSON
	require.NoError(t, jsonUnmarshal(r.stdout, &nk))
	secret, err := os.ReadFile(path)
	require.NoError(t, err)
	newEnv := [][2]string{env[0], {env[1][0], nk.ID}, {env[2][0], string(secret)}}
	r, _ = runFakeEnv(t, newEnv, "e24", "list")
	assert.Equal(t, 0, r.code, "the new key works: %s", r.stderr)
	r, _ = runFakeEnv(t, env, "e24", "list")
	assert.Equal(t, ExitUnauthorized, r.code, "the old key is gone: %s", r.stderr)
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
