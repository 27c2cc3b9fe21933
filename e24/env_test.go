package e24_test

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/e24"
	"github.com/cloudkeys/cloudkeys/internal/envcfg/envcfgtest"
)

// cliConnect is internal/cli's e24 Connect as it was before the CLI
// switched to NewFromEnv (copied verbatim, with its helpers need and
// endpointOr): NewFromEnv must behave the same for every environment
// without _FILE variables.
func cliConnect(_ context.Context, getenv func(string) string, endpoint string, opts []cloudkeys.Option) (cloudkeys.KeyManager, error) {
	need := func(getenv func(string) string, vendor, name string) (string, error) {
		if v := getenv(name); v != "" {
			return v, nil
		}
		return "", cloudkeys.InvalidInput(vendor, name, "environment variable not set (see 'cloudkeys help "+vendor+"')")
	}
	endpointOr := func(flag string, getenv func(string) string, name string) string { return cmp.Or(flag, getenv(name)) }

	key, err := need(getenv, "e24", "E24_API_KEY")
	if err != nil {
		return nil, err
	}
	secret, err := need(getenv, "e24", "E24_API_SECRET")
	if err != nil {
		return nil, err
	}
	ep := endpointOr(endpoint, getenv, "E24_ENDPOINT")
	if ep == "" {
		ep = e24.RegionEndpoint(getenv("E24_REGION"))
	}
	return e24.New(ep, e24.APIKey(key, secret), opts...)
}

func fromEnv(env map[string]string, endpoint string) envcfgtest.Builder {
	return func(opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
		c, err := e24.NewFromEnv(envcfgtest.Getenv(env), endpoint, opts...)
		if err != nil {
			return nil, err
		}
		return c, nil
	}
}

func fromCLI(env map[string]string, endpoint string) envcfgtest.Builder {
	return func(opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
		return cliConnect(context.Background(), envcfgtest.Getenv(env), endpoint, opts)
	}
}

const secretValue = "e24-secret-value"

// TestNewFromEnvMatchesCLI runs every combination of the variables through
// NewFromEnv and the CLI's former Connect: the same error field, or the
// same first request (endpoint, signature and all).
func TestNewFromEnvMatchesCLI(t *testing.T) {
	t.Parallel()
	good := map[string]string{
		e24.EnvAPIKey:    "E24KEY",
		e24.EnvAPISecret: secretValue,
		e24.EnvRegion:    "eu-poland-1poznan2",
		e24.EnvEndpoint:  "http://127.0.0.1:8080",
	}
	n := 0
	envcfgtest.Subsets(good, func(env map[string]string) {
		n++
		for _, ep := range []string{"", "http://127.0.0.2:9090/v2"} {
			assert.Empty(t, envcfgtest.Diff(fromEnv(env, ep), fromCLI(env, ep), true, secretValue), "env %v endpoint %q", env, ep)
		}
	})
	assert.Equal(t, 16, n)
	bad := map[string]string{e24.EnvAPIKey: "E24KEY", e24.EnvAPISecret: secretValue, e24.EnvEndpoint: "ftp://127.0.0.1"}
	assert.Empty(t, envcfgtest.Diff(fromEnv(bad, ""), fromCLI(bad, ""), true, secretValue))

	// The comparison sees a different key.
	other := map[string]string{e24.EnvAPIKey: "E24KEY", e24.EnvAPISecret: "another-secret"}
	assert.NotEmpty(t, envcfgtest.Diff(fromEnv(other, ""), fromCLI(good, ""), true))
}

func TestNewFromEnvEndpoint(t *testing.T) {
	t.Parallel()
	creds := map[string]string{e24.EnvAPIKey: "E24KEY", e24.EnvAPISecret: secretValue}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range creds {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	direct := func(ep string) envcfgtest.Builder {
		return func(opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
			return e24.New(ep, e24.APIKey("E24KEY", secretValue), opts...)
		}
	}
	cases := []struct {
		name     string
		env      map[string]string
		endpoint string
		want     string
	}{
		{"default region", with(), "", "https://eu-poland-1poznan.api.e24cloud.com"},
		{"region", with(e24.EnvRegion, "eu-poland-1poznan2"), "", "https://eu-poland-1poznan2.api.e24cloud.com"},
		{"E24_ENDPOINT beats the region", with(e24.EnvRegion, "eu-poland-1poznan2", e24.EnvEndpoint, "http://127.0.0.1:1"), "", "http://127.0.0.1:1"},
		{"the argument beats both", with(e24.EnvRegion, "x", e24.EnvEndpoint, "http://127.0.0.1:1"), "http://127.0.0.1:2", "http://127.0.0.1:2"},
	}
	for _, tc := range cases {
		got, err := envcfgtest.FirstRequest(fromEnv(tc.env, tc.endpoint))
		require.NoError(t, err, tc.name)
		want, err := envcfgtest.FirstRequest(direct(tc.want))
		require.NoError(t, err, tc.name)
		assert.Equal(t, want, got, tc.name)
	}
}

func TestNewFromEnvErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "secret")
	require.NoError(t, os.WriteFile(secretFile, []byte(secretValue+"\n"), 0o600))
	cases := []struct {
		name  string
		env   map[string]string
		field string
	}{
		{"nothing", map[string]string{}, e24.EnvAPIKey},
		{"no key", map[string]string{e24.EnvAPISecret: secretValue}, e24.EnvAPIKey},
		{"no secret", map[string]string{e24.EnvAPIKey: "K"}, e24.EnvAPISecret},
		{"secret twice", map[string]string{e24.EnvAPIKey: "K", e24.EnvAPISecret: secretValue, e24.EnvAPISecret + "_FILE": secretFile}, e24.EnvAPISecret},
		{"secret file is a directory", map[string]string{e24.EnvAPIKey: "K", e24.EnvAPISecret + "_FILE": dir}, e24.EnvAPISecret + "_FILE"},
	}
	for _, tc := range cases {
		_, err := e24.NewFromEnv(envcfgtest.Getenv(tc.env), "")
		var ie *cloudkeys.InvalidInputError
		require.ErrorAs(t, err, &ie, tc.name)
		assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest, tc.name)
		assert.Equal(t, tc.field, ie.Field, tc.name)
		assert.NotContains(t, err.Error(), secretValue, tc.name)
	}
	_, err := e24.NewFromEnv(nil, "http://127.0.0.1:1")
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)

	// The secret from E24_API_SECRET_FILE, its newline removed.
	fromFile := map[string]string{e24.EnvAPIKey: "K", e24.EnvAPISecret + "_FILE": secretFile}
	fromVar := map[string]string{e24.EnvAPIKey: "K", e24.EnvAPISecret: secretValue}
	assert.Empty(t, envcfgtest.Diff(fromEnv(fromFile, ""), fromEnv(fromVar, ""), true))
}
