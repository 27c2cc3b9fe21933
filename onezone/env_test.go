package onezone_test

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/envcfg/envcfgtest"
	"github.com/cloudkeys/cloudkeys/onezone"
)

// cliConnect is internal/cli's Onezone Connect as it was before the CLI
// switched to NewFromEnv (copied verbatim, with its helper endpointOr):
// NewFromEnv must behave the same for every environment without _FILE
// variables.
func cliConnect(_ context.Context, getenv func(string) string, endpoint string, opts []cloudkeys.Option) (cloudkeys.KeyManager, error) {
	endpointOr := func(flag string, getenv func(string) string, name string) string { return cmp.Or(flag, getenv(name)) }

	host := endpointOr(endpoint, getenv, "ONEZONE_HOST")
	if host == "" {
		return nil, cloudkeys.InvalidInput("onezone", "ONEZONE_HOST", "environment variable not set (see 'cloudkeys help onezone')")
	}
	var creds onezone.Credentials
	switch {
	case getenv("ONEZONE_API_KEY") != "":
		creds = onezone.Token(getenv("ONEZONE_API_KEY"))
	case getenv("ONEZONE_BASIC_AUTH") != "":
		user, pass, ok := strings.Cut(getenv("ONEZONE_BASIC_AUTH"), ":")
		if !ok {
			return nil, cloudkeys.InvalidInput("onezone", "ONEZONE_BASIC_AUTH", "want user:password")
		}
		creds = onezone.Basic(user, pass)
	default:
		return nil, cloudkeys.InvalidInput("onezone", "ONEZONE_API_KEY", "set ONEZONE_API_KEY or ONEZONE_BASIC_AUTH")
	}
	return onezone.New(host, creds, opts...)
}

func fromEnv(env map[string]string, endpoint string) envcfgtest.Builder {
	return func(opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
		c, err := onezone.NewFromEnv(envcfgtest.Getenv(env), endpoint, opts...)
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

const (
	tokenValue = "onezone-token-value"
	passValue  = "onezone-password-value"
)

// TestNewFromEnvMatchesCLI runs combinations of the variables (good and
// bad values) through NewFromEnv and the CLI's former Connect: the same
// error field, or the same first request.
func TestNewFromEnvMatchesCLI(t *testing.T) {
	t.Parallel()
	for _, basic := range []string{"admin:" + passValue, "admin-without-colon", ":" + passValue, "admin:", "a:b:" + passValue} {
		for _, host := range []string{"http://127.0.0.1:8443", "zone.example.com", "https://127.0.0.1/api/v3/onezone"} {
			good := map[string]string{
				onezone.EnvHost:      host,
				onezone.EnvAPIKey:    tokenValue,
				onezone.EnvBasicAuth: basic,
			}
			envcfgtest.Subsets(good, func(env map[string]string) {
				for _, ep := range []string{"", "http://127.0.0.2:9443"} {
					assert.Empty(t, envcfgtest.Diff(fromEnv(env, ep), fromCLI(env, ep), true, tokenValue, passValue), "env %v endpoint %q", env, ep)
				}
			})
		}
	}
	// The comparison sees the credential kind.
	tok := map[string]string{onezone.EnvHost: "http://127.0.0.1:1", onezone.EnvAPIKey: tokenValue}
	basic := map[string]string{onezone.EnvHost: "http://127.0.0.1:1", onezone.EnvBasicAuth: "admin:" + passValue}
	assert.NotEmpty(t, envcfgtest.Diff(fromEnv(tok, ""), fromCLI(basic, ""), true))
}

func TestNewFromEnvFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	host := "http://127.0.0.1:1"
	cases := []struct {
		name      string
		file, val map[string]string
	}{
		{"token", map[string]string{onezone.EnvHost: host, onezone.EnvAPIKey + "_FILE": write("tok", tokenValue+"\n")},
			map[string]string{onezone.EnvHost: host, onezone.EnvAPIKey: tokenValue}},
		{"basic", map[string]string{onezone.EnvHost: host, onezone.EnvBasicAuth + "_FILE": write("basic", "admin:"+passValue+"\r\n")},
			map[string]string{onezone.EnvHost: host, onezone.EnvBasicAuth: "admin:" + passValue}},
		{"token file beats basic", map[string]string{onezone.EnvHost: host, onezone.EnvAPIKey + "_FILE": write("tok2", tokenValue), onezone.EnvBasicAuth: "admin:" + passValue},
			map[string]string{onezone.EnvHost: host, onezone.EnvAPIKey: tokenValue}},
	}
	for _, tc := range cases {
		assert.Empty(t, envcfgtest.Diff(fromEnv(tc.file, ""), fromEnv(tc.val, ""), true), tc.name)
	}
}

func TestNewFromEnvErrors(t *testing.T) {
	t.Parallel()
	host := "http://127.0.0.1:1"
	cases := []struct {
		name  string
		env   map[string]string
		field string
	}{
		{"nothing", map[string]string{}, onezone.EnvHost},
		{"no credentials", map[string]string{onezone.EnvHost: host}, onezone.EnvAPIKey},
		{"basic without colon", map[string]string{onezone.EnvHost: host, onezone.EnvBasicAuth: passValue}, onezone.EnvBasicAuth},
		{"token twice", map[string]string{onezone.EnvHost: host, onezone.EnvAPIKey: tokenValue, onezone.EnvAPIKey + "_FILE": "/nonexistent"}, onezone.EnvAPIKey},
		{"basic file missing", map[string]string{onezone.EnvHost: host, onezone.EnvBasicAuth + "_FILE": "/nonexistent/basic"}, onezone.EnvBasicAuth + "_FILE"},
	}
	for _, tc := range cases {
		_, err := onezone.NewFromEnv(envcfgtest.Getenv(tc.env), "")
		var ie *cloudkeys.InvalidInputError
		require.ErrorAs(t, err, &ie, tc.name)
		assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest, tc.name)
		assert.Equal(t, tc.field, ie.Field, tc.name)
		assert.NotContains(t, err.Error(), passValue, tc.name)
		assert.NotContains(t, err.Error(), tokenValue, tc.name)
	}
	_, err := onezone.NewFromEnv(nil, host)
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
}
