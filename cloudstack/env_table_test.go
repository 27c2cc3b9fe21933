package cloudstack_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/internal/envcfg/envcfgtest"
)

// formerNewFromEnv is NewFromEnv as it was before _FILE variables (copied
// verbatim; the CLI called it): the new one must behave the same for
// every environment without _FILE variables.
func formerNewFromEnv(getenv func(string) string, endpoint string, opts ...cloudkeys.Option) (*cloudstack.Client, error) {
	if getenv == nil {
		return nil, cloudkeys.InvalidInput("cloudstack", "getenv", "nil function")
	}
	if endpoint == "" {
		endpoint = getenv(cloudstack.EnvAPIURL)
	}
	var creds cloudstack.Credentials
	integration, _ := strconv.ParseBool(getenv(cloudstack.EnvIntegrationPort))
	switch {
	case getenv(cloudstack.EnvAPIKey) != "" || getenv(cloudstack.EnvSecretKey) != "":
		creds = cloudstack.APIKey(getenv(cloudstack.EnvAPIKey), getenv(cloudstack.EnvSecretKey))
	case getenv(cloudstack.EnvUsername) != "" || getenv(cloudstack.EnvPassword) != "":
		creds = cloudstack.Login(getenv(cloudstack.EnvUsername), getenv(cloudstack.EnvPassword), getenv(cloudstack.EnvDomain))
	case integration:
		creds = cloudstack.IntegrationPort()
	default:
		return nil, cloudkeys.InvalidInput("cloudstack", "environment",
			"set "+cloudstack.EnvAPIKey+" and "+cloudstack.EnvSecretKey+", or "+cloudstack.EnvUsername+" and "+cloudstack.EnvPassword+", or "+cloudstack.EnvIntegrationPort+"=true")
	}
	return cloudstack.New(endpoint, creds, opts...)
}

func fromEnv(env map[string]string, endpoint string) envcfgtest.Builder {
	return func(opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
		c, err := cloudstack.NewFromEnv(envcfgtest.Getenv(env), endpoint, opts...)
		if err != nil {
			return nil, err
		}
		return c, nil
	}
}

func fromFormer(env map[string]string, endpoint string) envcfgtest.Builder {
	return func(opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
		c, err := formerNewFromEnv(envcfgtest.Getenv(env), endpoint, opts...)
		if err != nil {
			return nil, err
		}
		return c, nil
	}
}

const (
	secretKeyValue = "cs-secret-key-value"
	passwordValue  = "cs-password-value"
)

// TestNewFromEnvMatchesFormer runs every combination of the variables
// through NewFromEnv and its former version: both fail (the new one names
// the variable), or both send the same first request.
func TestNewFromEnvMatchesFormer(t *testing.T) {
	t.Parallel()
	for _, integration := range []string{"true", "yes"} {
		good := map[string]string{
			cloudstack.EnvAPIURL:          "http://127.0.0.1:8080/client/api",
			cloudstack.EnvAPIKey:          "cs-api-key",
			cloudstack.EnvSecretKey:       secretKeyValue,
			cloudstack.EnvUsername:        "admin",
			cloudstack.EnvPassword:        passwordValue,
			cloudstack.EnvDomain:          "/ROOT/sub",
			cloudstack.EnvIntegrationPort: integration,
		}
		envcfgtest.Subsets(good, func(env map[string]string) {
			for _, ep := range []string{"", "http://127.0.0.2:8096/client/api"} {
				assert.Empty(t, envcfgtest.Diff(fromEnv(env, ep), fromFormer(env, ep), false, secretKeyValue, passwordValue), "env %v endpoint %q", env, ep)
			}
		})
	}
	a := map[string]string{cloudstack.EnvAPIURL: "http://127.0.0.1:1/client/api", cloudstack.EnvAPIKey: "k", cloudstack.EnvSecretKey: secretKeyValue}
	b := map[string]string{cloudstack.EnvAPIURL: "http://127.0.0.1:1/client/api", cloudstack.EnvUsername: "admin", cloudstack.EnvPassword: passwordValue}
	assert.NotEmpty(t, envcfgtest.Diff(fromEnv(a, ""), fromFormer(b, ""), false), "the comparison sees the credential kind")
}

func TestNewFromEnvErrorFields(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	url := "http://127.0.0.1:1/client/api"
	cases := []struct {
		name  string
		env   map[string]string
		field string
	}{
		{"nothing", map[string]string{}, "environment"},
		{"no url", map[string]string{cloudstack.EnvAPIKey: "k", cloudstack.EnvSecretKey: secretKeyValue}, cloudstack.EnvAPIURL},
		{"secret without key", map[string]string{cloudstack.EnvAPIURL: url, cloudstack.EnvSecretKey: secretKeyValue}, cloudstack.EnvAPIKey},
		{"key without secret", map[string]string{cloudstack.EnvAPIURL: url, cloudstack.EnvAPIKey: "k", cloudstack.EnvUsername: "u", cloudstack.EnvPassword: passwordValue}, cloudstack.EnvSecretKey},
		{"password without user", map[string]string{cloudstack.EnvAPIURL: url, cloudstack.EnvPassword: passwordValue}, cloudstack.EnvUsername},
		{"user without password", map[string]string{cloudstack.EnvAPIURL: url, cloudstack.EnvUsername: "u"}, cloudstack.EnvPassword},
		{"secret twice", map[string]string{cloudstack.EnvAPIURL: url, cloudstack.EnvAPIKey: "k", cloudstack.EnvSecretKey: secretKeyValue, cloudstack.EnvSecretKey + "_FILE": "/x"}, cloudstack.EnvSecretKey},
		{"password file a directory", map[string]string{cloudstack.EnvAPIURL: url, cloudstack.EnvUsername: "u", cloudstack.EnvPassword + "_FILE": dir}, cloudstack.EnvPassword + "_FILE"},
		{"secret file missing", map[string]string{cloudstack.EnvAPIURL: url, cloudstack.EnvAPIKey: "k", cloudstack.EnvSecretKey + "_FILE": filepath.Join(dir, "none")}, cloudstack.EnvSecretKey + "_FILE"},
	}
	for _, tc := range cases {
		_, err := cloudstack.NewFromEnv(envcfgtest.Getenv(tc.env), "")
		var ie *cloudkeys.InvalidInputError
		require.ErrorAs(t, err, &ie, tc.name)
		assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest, tc.name)
		assert.Equal(t, tc.field, ie.Field, tc.name)
		assert.NotContains(t, err.Error(), secretKeyValue, tc.name)
		assert.NotContains(t, err.Error(), passwordValue, tc.name)
	}
}

func TestNewFromEnvFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	url := "http://127.0.0.1:1/client/api"
	cases := []struct {
		name      string
		file, val map[string]string
	}{
		{"secret key", map[string]string{cloudstack.EnvAPIURL: url, cloudstack.EnvAPIKey: "k", cloudstack.EnvSecretKey + "_FILE": write("sk", secretKeyValue+"\n")},
			map[string]string{cloudstack.EnvAPIURL: url, cloudstack.EnvAPIKey: "k", cloudstack.EnvSecretKey: secretKeyValue}},
		{"password", map[string]string{cloudstack.EnvAPIURL: url, cloudstack.EnvUsername: "u", cloudstack.EnvPassword + "_FILE": write("pw", passwordValue+"\r\n"), cloudstack.EnvDomain: "/d"},
			map[string]string{cloudstack.EnvAPIURL: url, cloudstack.EnvUsername: "u", cloudstack.EnvPassword: passwordValue, cloudstack.EnvDomain: "/d"}},
		{"a secret file selects the key pair", map[string]string{cloudstack.EnvAPIURL: url, cloudstack.EnvAPIKey: "k", cloudstack.EnvSecretKey + "_FILE": write("sk2", secretKeyValue), cloudstack.EnvIntegrationPort: "true"},
			map[string]string{cloudstack.EnvAPIURL: url, cloudstack.EnvAPIKey: "k", cloudstack.EnvSecretKey: secretKeyValue}},
	}
	for _, tc := range cases {
		assert.Empty(t, envcfgtest.Diff(fromEnv(tc.file, ""), fromEnv(tc.val, ""), true), tc.name)
	}
}
