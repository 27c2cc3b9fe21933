package zstack_test

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/envcfg/envcfgtest"
	"github.com/cloudkeys/cloudkeys/zstack"
)

// cliConnect is internal/cli's ZStack Connect as it was before the CLI
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

	ep := endpointOr(endpoint, getenv, "ZSTACK_ENDPOINT")
	if ep == "" {
		return nil, cloudkeys.InvalidInput("zstack", "ZSTACK_ENDPOINT", "environment variable not set (see 'cloudkeys help zstack')")
	}
	if tz := getenv("ZSTACK_TIMEZONE"); tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return nil, cloudkeys.InvalidInput("zstack", "ZSTACK_TIMEZONE", "unknown time zone")
		}
		opts = append(opts, zstack.WithServerLocation(loc))
	}
	var creds zstack.Credentials
	switch {
	case getenv("ZSTACK_ACCESS_KEY_ID") != "":
		secret, err := need(getenv, "zstack", "ZSTACK_ACCESS_KEY_SECRET")
		if err != nil {
			return nil, err
		}
		creds = zstack.AccessKey(getenv("ZSTACK_ACCESS_KEY_ID"), secret)
	case getenv("ZSTACK_ACCOUNT") != "":
		pw, err := need(getenv, "zstack", "ZSTACK_PASSWORD")
		if err != nil {
			return nil, err
		}
		if user := getenv("ZSTACK_USER"); user != "" {
			creds = zstack.UserLogin(getenv("ZSTACK_ACCOUNT"), user, pw)
		} else {
			creds = zstack.AccountLogin(getenv("ZSTACK_ACCOUNT"), pw)
		}
	default:
		return nil, cloudkeys.InvalidInput("zstack", "ZSTACK_ACCOUNT", "set ZSTACK_ACCOUNT/ZSTACK_PASSWORD or ZSTACK_ACCESS_KEY_ID/ZSTACK_ACCESS_KEY_SECRET")
	}
	return zstack.New(ep, creds, opts...)
}

func fromEnv(getenv func(string) string, endpoint string) func(...cloudkeys.Option) (cloudkeys.KeyManager, error) {
	return func(opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
		c, err := zstack.NewFromEnv(getenv, endpoint, opts...)
		if err != nil {
			return nil, err
		}
		return c, nil
	}
}

func fromCLI(getenv func(string) string, endpoint string) func(...cloudkeys.Option) (cloudkeys.KeyManager, error) {
	return func(opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
		return cliConnect(context.Background(), getenv, endpoint, opts)
	}
}

// assertSame checks that NewFromEnv and the CLI agree on env: the same
// error (the same field) or the same first request on the wire.
func assertSame(t *testing.T, env map[string]string, endpoint string) {
	t.Helper()
	d := envcfgtest.Diff(fromEnv(envcfgtest.Getenv(env), endpoint), fromCLI(envcfgtest.Getenv(env), endpoint), true,
		"pw-secret-value", "ak-secret-value")
	assert.Empty(t, d, "env %v endpoint %q", env, endpoint)
}

// TestNewFromEnvMatchesCLI runs every combination of the variables (and a
// few bad values) through NewFromEnv and the CLI's former Connect.
func TestNewFromEnvMatchesCLI(t *testing.T) {
	t.Parallel()
	good := map[string]string{
		zstack.EnvEndpoint:        "http://127.0.0.1:8080",
		zstack.EnvAccount:         "admin",
		zstack.EnvUser:            "alice",
		zstack.EnvPassword:        "pw-secret-value",
		zstack.EnvAccessKeyID:     "ak-id",
		zstack.EnvAccessKeySecret: "ak-secret-value",
		zstack.EnvTimezone:        "Asia/Shanghai",
	}
	n := 0
	envcfgtest.Subsets(good, func(env map[string]string) {
		n++
		assertSame(t, env, "")
		assertSame(t, env, "http://127.0.0.2:8080/zstack")
	})
	assert.Equal(t, 128, n)
	for _, env := range []map[string]string{
		{zstack.EnvEndpoint: "http://127.0.0.1:8080", zstack.EnvAccount: "admin", zstack.EnvPassword: "pw-secret-value", zstack.EnvTimezone: "Mars/Olympus"},
		{zstack.EnvEndpoint: "ftp://127.0.0.1", zstack.EnvAccount: "admin", zstack.EnvPassword: "pw-secret-value"},
		{zstack.EnvEndpoint: "http://127.0.0.1:8080", zstack.EnvAccessKeySecret: "ak-secret-value"},
		{zstack.EnvEndpoint: "http://127.0.0.1:8080", zstack.EnvUser: "alice", zstack.EnvPassword: "pw-secret-value"},
		{zstack.EnvEndpoint: "http://127.0.0.1:8080", zstack.EnvAccount: "admin", zstack.EnvPassword: "pw-secret-value", zstack.EnvTimezone: "UTC"},
	} {
		assertSame(t, env, "")
	}
}

func TestNewFromEnvErrors(t *testing.T) {
	t.Parallel()
	ep := "http://127.0.0.1:8080"
	cases := []struct {
		name  string
		env   map[string]string
		field string
	}{
		{"nothing", map[string]string{}, zstack.EnvEndpoint},
		{"no credentials", map[string]string{zstack.EnvEndpoint: ep}, zstack.EnvAccount},
		{"account without password", map[string]string{zstack.EnvEndpoint: ep, zstack.EnvAccount: "a"}, zstack.EnvPassword},
		{"key without secret", map[string]string{zstack.EnvEndpoint: ep, zstack.EnvAccessKeyID: "id", zstack.EnvPassword: "pw-secret-value", zstack.EnvAccount: "a"}, zstack.EnvAccessKeySecret},
		{"bad zone", map[string]string{zstack.EnvEndpoint: ep, zstack.EnvTimezone: "nowhere"}, zstack.EnvTimezone},
		{"password twice", map[string]string{zstack.EnvEndpoint: ep, zstack.EnvAccount: "a", zstack.EnvPassword: "pw-secret-value", zstack.EnvPassword + "_FILE": "/nonexistent"}, zstack.EnvPassword},
		{"secret file missing", map[string]string{zstack.EnvEndpoint: ep, zstack.EnvAccessKeyID: "id", zstack.EnvAccessKeySecret + "_FILE": "/nonexistent/secret"}, zstack.EnvAccessKeySecret + "_FILE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := zstack.NewFromEnv(envcfgtest.Getenv(tc.env), "")
			var ie *cloudkeys.InvalidInputError
			require.ErrorAs(t, err, &ie)
			assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
			assert.Equal(t, tc.field, ie.Field)
			assert.Equal(t, "zstack", ie.Vendor)
			assert.NotContains(t, err.Error(), "pw-secret-value")
		})
	}
	_, err := zstack.NewFromEnv(nil, ep)
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
}

// TestNewFromEnvFiles reads the password and the AccessKey secret from
// files: the same request as with the variables themselves.
func TestNewFromEnvFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	ep := "http://127.0.0.1:8080"
	cases := []struct {
		name      string
		file, val map[string]string
	}{
		{"password",
			map[string]string{zstack.EnvEndpoint: ep, zstack.EnvAccount: "admin", zstack.EnvUser: "u", zstack.EnvPassword + "_FILE": write("pw", "pw-secret-value\n")},
			map[string]string{zstack.EnvEndpoint: ep, zstack.EnvAccount: "admin", zstack.EnvUser: "u", zstack.EnvPassword: "pw-secret-value"}},
		{"access key secret",
			map[string]string{zstack.EnvEndpoint: ep, zstack.EnvAccessKeyID: "id", zstack.EnvAccessKeySecret + "_FILE": write("ak", "ak-secret-value\r\n")},
			map[string]string{zstack.EnvEndpoint: ep, zstack.EnvAccessKeyID: "id", zstack.EnvAccessKeySecret: "ak-secret-value"}},
	}
	for _, tc := range cases {
		got, err := envcfgtest.FirstRequest(fromEnv(envcfgtest.Getenv(tc.file), ""))
		require.NoError(t, err, tc.name)
		want, err := envcfgtest.FirstRequest(fromEnv(envcfgtest.Getenv(tc.val), ""))
		require.NoError(t, err, tc.name)
		assert.Equal(t, want, got, tc.name)
	}
}

// TestNewFromEnvOptionZoneWins: an explicit location option beats
// ZSTACK_TIMEZONE (the CLI never passes one).
func TestNewFromEnvOptionZoneWins(t *testing.T) {
	t.Parallel()
	ep := "http://127.0.0.1:8080"
	ak := map[string]string{zstack.EnvEndpoint: ep, zstack.EnvAccessKeyID: "id", zstack.EnvAccessKeySecret: "ak-secret-value"}
	withTZ := map[string]string{zstack.EnvTimezone: "Asia/Shanghai"}
	for k, v := range ak {
		withTZ[k] = v
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	build := func(env map[string]string) func(...cloudkeys.Option) (cloudkeys.KeyManager, error) {
		return func(opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
			return zstack.NewFromEnv(envcfgtest.Getenv(env), "", append(opts, zstack.WithServerLocation(tokyo))...)
		}
	}
	a, err := envcfgtest.FirstRequest(build(withTZ))
	require.NoError(t, err)
	b, err := envcfgtest.FirstRequest(build(ak))
	require.NoError(t, err)
	assert.Equal(t, b, a)
	c, err := envcfgtest.FirstRequest(fromEnv(envcfgtest.Getenv(withTZ), ""))
	require.NoError(t, err)
	assert.NotEqual(t, a, c, "the zone is signed into the Date header")
}
