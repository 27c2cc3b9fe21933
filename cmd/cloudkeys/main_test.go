package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildBinary compiles the command once per test binary (see binary).
func buildBinary(t *testing.T) string {
	t.Helper()
	return binary(t)
}

// TestBinaryAgainstCloudkeysFake starts "cloudkeys fake e24 --output env" as
// a process, uses the credentials it prints, and stops it with SIGINT.
func TestBinaryAgainstCloudkeysFake(t *testing.T) {
	bin := buildBinary(t)

	fake := exec.Command(bin, "fake", "e24", "--addr", "127.0.0.1:0", "--output", "env")
	stdout, err := fake.StdoutPipe()
	require.NoError(t, err)
	var fakeErr bytes.Buffer
	fake.Stderr = &fakeErr
	require.NoError(t, fake.Start())
	defer func() { _ = fake.Process.Kill() }()

	env := []string{"PATH=" + os.Getenv("PATH")}
	sc := bufio.NewScanner(stdout)
	for len(env) < 4 && sc.Scan() {
		line := sc.Text()
		require.True(t, strings.HasPrefix(line, "export "), line)
		kv := strings.SplitN(strings.TrimPrefix(line, "export "), "=", 2)
		env = append(env, kv[0]+"="+strings.Trim(kv[1], "'"))
	}
	require.Len(t, env, 4, "E24_ENDPOINT, E24_API_KEY, E24_API_SECRET")

	run := func(args ...string) (int, string, string) {
		c := exec.Command(bin, args...)
		c.Env = env
		var o, e bytes.Buffer
		c.Stdout, c.Stderr = &o, &e
		err := c.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else {
			require.NoError(t, err)
		}
		return code, o.String(), e.String()
	}

	code, out, errs := run("e24", "create", "--show-secret", "--output", "json")
	require.Equal(t, 0, code, errs)
	var k struct {
		ID     string  `json:"id"`
		Secret *string `json:"secret"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &k))
	require.NotNil(t, k.Secret)

	secretFile := filepath.Join(t.TempDir(), "key.secret")
	code, _, errs = run("e24", "create", "--secret-file", secretFile)
	require.Equal(t, 0, code, errs)
	st, err := os.Stat(secretFile)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	code, out, _ = run("e24", "list")
	require.Equal(t, 0, code)
	assert.Equal(t, 4, strings.Count(out, "\n"), "header and three keys:\n%s", out)
	assert.NotContains(t, out, *k.Secret)

	code, _, errs = run("e24", "get", "no-such-key")
	assert.Equal(t, 3, code, errs)
	code, _, errs = run("e24", "disable", k.ID)
	assert.Equal(t, 6, code, errs)
	code, _, _ = run("e24", "frobnicate")
	assert.Equal(t, 2, code)

	// Killed (SIGKILL) while --store runs: the new key's id is already on
	// stderr, so the run can be cleaned up; before, nothing named it.
	code, _, errs = run("e24", "rotate", k.ID, "--store", "kill -9 $PPID")
	assert.Equal(t, -1, code, "killed by a signal: %s", errs)
	m := regexp.MustCompile(`new key (\S+) created to replace ` + regexp.QuoteMeta(k.ID)).FindStringSubmatch(errs)
	require.NotNil(t, m, "stderr names the new key: %q", errs)
	code, out, _ = run("e24", "list", "-o", "json")
	require.Equal(t, 0, code)
	assert.Contains(t, out, `"id":"`+m[1]+`"`, "the named key exists and can be cleaned up")
	code, _, errs = run("e24", "delete", m[1])
	assert.Equal(t, 0, code, errs)

	require.NoError(t, fake.Process.Signal(syscall.SIGINT))
	require.NoError(t, fake.Wait(), "the fake stops cleanly on SIGINT")
	assert.Contains(t, fakeErr.String(), "e24 fake stopped")
}
