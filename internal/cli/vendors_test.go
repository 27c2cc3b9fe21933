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
)

// runEnv runs the command with env as its whole environment.
func runEnv(env map[string]string, args ...string) result {
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, IO{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] }})
	return result{code, out.String(), errb.String()}
}

// TestEveryVendorAgainstItsFake drives each real vendor through the whole
// command set against its fake, started as "cloudkeys fake" would.
func TestEveryVendorAgainstItsFake(t *testing.T) {
	t.Parallel()
	for _, name := range vendorNames() {
		v := registry[name]
		if v.Fake == nil {
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h, err := v.Fake(FakeOptions{Addr: "127.0.0.1:0"})
			require.NoError(t, err)
			defer h.Close()
			env := map[string]string{}
			var secrets []string
			for _, kv := range h.Env {
				env[kv[0]] = kv[1]
				if strings.Contains(kv[0], "SECRET") || strings.Contains(kv[0], "_SK") || strings.Contains(kv[0], "PASSWORD") || strings.Contains(kv[0], "TOKEN") || strings.Contains(kv[0], "API_KEY") && name == "onezone" {
					secrets = append(secrets, kv[1])
				}
			}

			r := runEnv(env, name, "capabilities", "-o", "json")
			require.Equal(t, 0, r.code, r.stderr)
			var caps capsJSON
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &caps))
			assert.Equal(t, name, caps.Vendor)

			createArgs := []string{name, "create", "--show-secret", "-o", "json"}
			if name == "onezone" || name == "cloudstack" {
				createArgs = append(createArgs, "--name", "cli-test")
			}
			r = runEnv(env, createArgs...)
			require.Equal(t, 0, r.code, r.stderr)
			var k keyJSON
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &k))
			require.NotEmpty(t, k.ID)
			require.NotNil(t, k.Secret, "create --show-secret prints the secret")
			secrets = append(secrets, *k.Secret)

			r = runEnv(env, name, "list", "-o", "json")
			require.Equal(t, 0, r.code, r.stderr)
			var keys []keyJSON
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &keys))
			found := false
			for _, lk := range keys {
				found = found || lk.ID == k.ID
				assert.Nil(t, lk.Secret, "list never prints a secret")
			}
			assert.True(t, found, "the new key is listed")

			r = runEnv(env, name, "get", k.ID, "-o", "json")
			require.Equal(t, 0, r.code, r.stderr)
			assert.NotContains(t, r.stdout, *k.Secret)
			// create -o json showed owner "" (e24, Onezone) and created_at
			// null (Huawei, Onezone) where get and list fill them.
			var got keyJSON
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &got))
			created := k
			created.Secret, created.LastUsedAt, got.LastUsedAt = nil, nil, nil
			assert.Equal(t, got, created, "create shows the key as get does")

			stored := filepath.Join(t.TempDir(), "stored.json")
			r = runEnv(env, name, "rotate", k.ID, "--store", "cat > "+stored, "-o", "json")
			current := k.ID
			if caps.Delete && caps.MultipleKeys || caps.Rotate {
				require.Equal(t, 0, r.code, r.stderr)
				var nk keyJSON
				require.NoError(t, json.Unmarshal([]byte(r.stdout), &nk))
				b, err := os.ReadFile(stored)
				require.NoError(t, err)
				assert.Contains(t, string(b), `"secret":"`)
				current = nk.ID
			} else {
				assert.Equal(t, ExitUnsupported, r.code, r.stderr)
			}

			r = runEnv(env, name, "disable", current)
			if caps.Enable {
				require.Equal(t, 0, r.code, r.stderr)
				r = runEnv(env, name, "enable", current)
				require.Equal(t, 0, r.code, r.stderr)
			} else {
				assert.Equal(t, ExitUnsupported, r.code, r.stderr)
			}

			r = runEnv(env, name, "delete", current)
			if caps.Delete {
				require.Equal(t, 0, r.code, r.stderr)
				r = runEnv(env, name, "get", current)
				assert.Equal(t, ExitNotFound, r.code, r.stderr)
			} else {
				assert.Equal(t, ExitUnsupported, r.code, r.stderr)
			}

			bad := map[string]string{}
			for k, v := range env {
				bad[k] = v
			}
			for k := range bad {
				if strings.Contains(k, "SECRET") || strings.HasSuffix(k, "_SK") || strings.Contains(k, "PASSWORD") || (name == "onezone" && k == "ONEZONE_API_KEY") {
					bad[k] = "wrong-" + bad[k]
				}
			}
			r = runEnv(bad, name, "list")
			assert.Equal(t, ExitUnauthorized, r.code, r.stderr)
			for _, s := range secrets {
				if len(s) >= 10 { // the ZStack fake's password is the word "password"
					assert.NotContains(t, r.stderr, s)
				}
			}
			assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line: %q", r.stderr)

			r = runEnv(map[string]string{}, name, "list")
			assert.Equal(t, ExitInvalid, r.code, r.stderr)

			r = runEnv(env, "help", name)
			require.Equal(t, 0, r.code)
			for _, e := range v.Env {
				assert.Contains(t, r.stdout, e.Name)
			}
		})
	}
}
