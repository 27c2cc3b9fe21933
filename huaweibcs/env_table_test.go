package huaweibcs_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/internal/envcfg/envcfgtest"
)

// formerNewFromEnv is NewFromEnv as it was before _FILE variables (copied
// verbatim; the CLI called it): the new one must behave the same for
// every environment without _FILE variables.
func formerNewFromEnv(getenv func(string) string, endpoint string, opts ...cloudkeys.Option) (*huaweibcs.Client, error) {
	const (
		EnvEndpoint      = huaweibcs.EnvEndpoint
		EnvProjectID     = huaweibcs.EnvProjectID
		EnvAK            = huaweibcs.EnvAK
		EnvSK            = huaweibcs.EnvSK
		EnvSecurityToken = huaweibcs.EnvSecurityToken
		EnvToken         = huaweibcs.EnvToken
		EnvIAMEndpoint   = huaweibcs.EnvIAMEndpoint
		EnvDomain        = huaweibcs.EnvDomain
		EnvUser          = huaweibcs.EnvUser
		EnvPassword      = huaweibcs.EnvPassword
		Vendor           = huaweibcs.Vendor
	)
	var (
		TemporaryAKSK = huaweibcs.TemporaryAKSK
		AKSK          = huaweibcs.AKSK
		Token         = huaweibcs.Token
		Password      = huaweibcs.Password
		New           = huaweibcs.New
	)
	if getenv == nil {
		return nil, cloudkeys.InvalidInput(Vendor, "getenv", "nil function")
	}
	if endpoint == "" {
		endpoint = getenv(EnvEndpoint)
	}
	var creds huaweibcs.Credentials
	switch {
	case getenv(EnvAK) != "" || getenv(EnvSK) != "":
		if st := getenv(EnvSecurityToken); st != "" {
			creds = TemporaryAKSK(getenv(EnvAK), getenv(EnvSK), st)
		} else {
			creds = AKSK(getenv(EnvAK), getenv(EnvSK))
		}
	case getenv(EnvToken) != "":
		creds = Token(getenv(EnvToken))
	case getenv(EnvPassword) != "" || getenv(EnvUser) != "":
		creds = Password(getenv(EnvIAMEndpoint), getenv(EnvDomain), getenv(EnvUser), getenv(EnvPassword))
	default:
		return nil, cloudkeys.InvalidInput(Vendor, "environment",
			"set "+EnvAK+" and "+EnvSK+", or "+EnvToken+", or "+EnvIAMEndpoint+", "+EnvDomain+", "+EnvUser+" and "+EnvPassword)
	}
	return New(endpoint, getenv(EnvProjectID), creds, opts...)
}

func fromEnv(env map[string]string, endpoint string) envcfgtest.Builder {
	return func(opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
		c, err := huaweibcs.NewFromEnv(envcfgtest.Getenv(env), endpoint, opts...)
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
	projectID = "0123456789abcdef0123456789abcdef"
	skValue   = "hw-sk-value"
	stValue   = "hw-security-token-value"
	tokValue  = "hw-token-value"
	pwValue   = "hw-password-value"
)

// TestNewFromEnvMatchesFormer runs every combination of the variables
// through NewFromEnv and its former version: both fail (the new one names
// the variable), or both send the same first request.
func TestNewFromEnvMatchesFormer(t *testing.T) {
	t.Parallel()
	good := map[string]string{
		huaweibcs.EnvEndpoint:      "http://127.0.0.1:1",
		huaweibcs.EnvProjectID:     projectID,
		huaweibcs.EnvAK:            "hw-ak",
		huaweibcs.EnvSK:            skValue,
		huaweibcs.EnvSecurityToken: stValue,
		huaweibcs.EnvToken:         tokValue,
		huaweibcs.EnvIAMEndpoint:   "http://127.0.0.1:2",
		huaweibcs.EnvDomain:        "hw-domain",
		huaweibcs.EnvUser:          "hw-user",
		huaweibcs.EnvPassword:      pwValue,
	}
	n := 0
	envcfgtest.Subsets(good, func(env map[string]string) {
		n++
		for _, ep := range []string{"", "http://127.0.0.3:3"} {
			assert.Empty(t, envcfgtest.Diff(fromEnv(env, ep), fromFormer(env, ep), false, skValue, stValue, tokValue, pwValue), "env %v endpoint %q", env, ep)
		}
	})
	assert.Equal(t, 1024, n)
	a := map[string]string{huaweibcs.EnvProjectID: projectID, huaweibcs.EnvToken: tokValue}
	b := map[string]string{huaweibcs.EnvProjectID: projectID, huaweibcs.EnvAK: "ak", huaweibcs.EnvSK: skValue}
	assert.NotEmpty(t, envcfgtest.Diff(fromEnv(a, ""), fromFormer(b, ""), false), "the comparison sees the credential kind")
}

func TestNewFromEnvErrorFields(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pid := map[string]string{huaweibcs.EnvProjectID: projectID}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range pid {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	cases := []struct {
		name  string
		env   map[string]string
		field string
	}{
		{"nothing", map[string]string{}, "environment"},
		{"no project", map[string]string{huaweibcs.EnvToken: tokValue}, huaweibcs.EnvProjectID},
		{"ak without sk", with(huaweibcs.EnvAK, "ak"), huaweibcs.EnvSK},
		{"sk without ak", with(huaweibcs.EnvSK, skValue), huaweibcs.EnvAK},
		{"password without iam", with(huaweibcs.EnvUser, "u", huaweibcs.EnvPassword, pwValue, huaweibcs.EnvDomain, "d"), huaweibcs.EnvIAMEndpoint},
		{"password without domain", with(huaweibcs.EnvUser, "u", huaweibcs.EnvPassword, pwValue, huaweibcs.EnvIAMEndpoint, "http://127.0.0.1:1"), huaweibcs.EnvDomain},
		{"user without password", with(huaweibcs.EnvUser, "u", huaweibcs.EnvDomain, "d", huaweibcs.EnvIAMEndpoint, "http://127.0.0.1:1"), huaweibcs.EnvPassword},
		{"token twice", with(huaweibcs.EnvToken, tokValue, huaweibcs.EnvToken+"_FILE", "/x"), huaweibcs.EnvToken},
		{"security token file a directory", with(huaweibcs.EnvAK, "ak", huaweibcs.EnvSK, skValue, huaweibcs.EnvSecurityToken+"_FILE", dir), huaweibcs.EnvSecurityToken + "_FILE"},
		{"bad endpoint", with(huaweibcs.EnvToken, tokValue, huaweibcs.EnvEndpoint, "ftp://x"), "endpoint"},
	}
	for _, tc := range cases {
		_, err := huaweibcs.NewFromEnv(envcfgtest.Getenv(tc.env), "")
		var ie *cloudkeys.InvalidInputError
		require.ErrorAs(t, err, &ie, tc.name)
		assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest, tc.name)
		assert.Equal(t, tc.field, ie.Field, tc.name)
		for _, s := range []string{skValue, tokValue, pwValue, stValue} {
			assert.NotContains(t, err.Error(), s, tc.name)
		}
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
	iam := "http://127.0.0.1:2"
	cases := []struct {
		name      string
		file, val map[string]string
	}{
		{"sk and security token",
			map[string]string{huaweibcs.EnvProjectID: projectID, huaweibcs.EnvAK: "ak", huaweibcs.EnvSK + "_FILE": write("sk", skValue+"\n"), huaweibcs.EnvSecurityToken + "_FILE": write("st", stValue+"\n")},
			map[string]string{huaweibcs.EnvProjectID: projectID, huaweibcs.EnvAK: "ak", huaweibcs.EnvSK: skValue, huaweibcs.EnvSecurityToken: stValue}},
		{"token",
			map[string]string{huaweibcs.EnvProjectID: projectID, huaweibcs.EnvToken + "_FILE": write("tok", tokValue+"\r\n")},
			map[string]string{huaweibcs.EnvProjectID: projectID, huaweibcs.EnvToken: tokValue}},
		{"password",
			map[string]string{huaweibcs.EnvProjectID: projectID, huaweibcs.EnvIAMEndpoint: iam, huaweibcs.EnvDomain: "d", huaweibcs.EnvUser: "u", huaweibcs.EnvPassword + "_FILE": write("pw", pwValue)},
			map[string]string{huaweibcs.EnvProjectID: projectID, huaweibcs.EnvIAMEndpoint: iam, huaweibcs.EnvDomain: "d", huaweibcs.EnvUser: "u", huaweibcs.EnvPassword: pwValue}},
	}
	for _, tc := range cases {
		assert.Empty(t, envcfgtest.Diff(fromEnv(tc.file, ""), fromEnv(tc.val, ""), true), tc.name)
	}
}
