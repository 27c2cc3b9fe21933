package envcfg_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/envcfg"
)

const secretValue = "s3cr3t-value-never-in-errors"

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

func TestSecret(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cases := []struct {
		name    string
		env     map[string]string
		want    string
		set     bool
		errHas  []string // the error names these
		errNot  []string // and never contains these
		errWhat string   // and says this
	}{
		{name: "unset", env: map[string]string{}},
		{name: "variable", env: map[string]string{"X_SECRET": secretValue}, want: secretValue, set: true},
		{name: "variable keeps its newline", env: map[string]string{"X_SECRET": secretValue + "\n"}, want: secretValue + "\n", set: true},
		{name: "file", env: map[string]string{"X_SECRET_FILE": write(t, dir, "plain", secretValue)}, want: secretValue, set: true},
		{name: "file with LF", env: map[string]string{"X_SECRET_FILE": write(t, dir, "lf", secretValue+"\n")}, want: secretValue, set: true},
		{name: "file with CRLF", env: map[string]string{"X_SECRET_FILE": write(t, dir, "crlf", secretValue+"\r\n")}, want: secretValue, set: true},
		{name: "only one newline removed", env: map[string]string{"X_SECRET_FILE": write(t, dir, "two", secretValue+"\n\n")}, want: secretValue + "\n", set: true},
		{name: "lone CR kept", env: map[string]string{"X_SECRET_FILE": write(t, dir, "cr", secretValue+"\r")}, want: secretValue + "\r", set: true},
		{name: "inner newline kept", env: map[string]string{"X_SECRET_FILE": write(t, dir, "inner", "a\nb\n")}, want: "a\nb", set: true},
		{name: "spaces kept", env: map[string]string{"X_SECRET_FILE": write(t, dir, "spaces", " a \n")}, want: " a ", set: true},
		{name: "exactly 64 KiB", env: map[string]string{"X_SECRET_FILE": write(t, dir, "max", strings.Repeat("k", envcfg.MaxFileBytes))}, want: strings.Repeat("k", envcfg.MaxFileBytes), set: true},
		{name: "both", env: map[string]string{"X_SECRET": secretValue, "X_SECRET_FILE": write(t, dir, "both", secretValue)}, set: true,
			errHas: []string{"X_SECRET", "X_SECRET_FILE"}, errNot: []string{secretValue}, errWhat: "both"},
		{name: "missing file", env: map[string]string{"X_SECRET_FILE": filepath.Join(dir, "nope")}, set: true,
			errHas: []string{"X_SECRET_FILE", filepath.Join(dir, "nope")}, errWhat: "no such file"},
		{name: "path through a file", env: map[string]string{"X_SECRET_FILE": filepath.Join(write(t, dir, "notdir", secretValue), "x")}, set: true,
			errHas: []string{"X_SECRET_FILE"}, errNot: []string{secretValue}, errWhat: "not a directory"},
		{name: "directory", env: map[string]string{"X_SECRET_FILE": dir}, set: true,
			errHas: []string{"X_SECRET_FILE", dir}, errWhat: "directory"},
		{name: "too large", env: map[string]string{"X_SECRET_FILE": write(t, dir, "big", secretValue+strings.Repeat("k", envcfg.MaxFileBytes))}, set: true,
			errHas: []string{"X_SECRET_FILE", "big"}, errNot: []string{secretValue}, errWhat: "64 KiB"},
		{name: "empty file", env: map[string]string{"X_SECRET_FILE": write(t, dir, "empty", "")}, set: true,
			errHas: []string{"X_SECRET_FILE", "empty"}, errWhat: "empty"},
		{name: "only a newline", env: map[string]string{"X_SECRET_FILE": write(t, dir, "nl", "\r\n")}, set: true,
			errHas: []string{"X_SECRET_FILE"}, errWhat: "empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := envcfg.Env{Vendor: "acme", Getenv: func(k string) string { return tc.env[k] }}
			got, set, err := env.Secret("X_SECRET")
			assert.Equal(t, tc.set, set)
			if tc.errWhat == "" {
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
				return
			}
			require.Error(t, err)
			assert.Empty(t, got)
			var ie *cloudkeys.InvalidInputError
			require.ErrorAs(t, err, &ie)
			assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
			assert.Equal(t, "acme", ie.Vendor)
			assert.Contains(t, err.Error(), tc.errWhat)
			for _, s := range tc.errHas {
				assert.Contains(t, err.Error(), s)
			}
			for _, s := range tc.errNot {
				assert.NotContains(t, err.Error(), s)
			}
		})
	}
}

func TestSecretDevice(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	// An endless non-regular file is cut at the limit, not read forever.
	_, _, err := envcfg.Secret(func(k string) string { return map[string]string{"Z_FILE": "/dev/zero"}[k] }, "Z")
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	assert.Contains(t, err.Error(), "64 KiB")
}

func TestNilGetenv(t *testing.T) {
	t.Parallel()
	_, err := envcfg.New("acme", nil)
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	_, _, err = envcfg.Secret(nil, "X")
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	env, err := envcfg.New("acme", func(string) string { return "v" })
	require.NoError(t, err)
	assert.Equal(t, "v", env.Get("ANY"))
}

func TestMissing(t *testing.T) {
	t.Parallel()
	env := envcfg.Env{Vendor: "acme", Getenv: func(string) string { return "" }}
	err := env.Missing("A_KEY", false)
	var ie *cloudkeys.InvalidInputError
	require.True(t, errors.As(err, &ie))
	assert.Equal(t, "A_KEY", ie.Field)
	assert.NotContains(t, err.Error(), "_FILE")
	assert.Contains(t, env.Missing("A_SECRET", true).Error(), "A_SECRET_FILE")
}
