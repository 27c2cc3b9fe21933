package vendors_test

import (
	"go/build"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/envcfg"
	"github.com/cloudkeys/cloudkeys/internal/envcfg/envcfgtest"
	"github.com/cloudkeys/cloudkeys/vendors"
)

// samples are valid values for every variable the vendors document: the
// drift test sets every combination of them.
var samples = map[string]string{
	"CLOUDSTACK_API_URL":             "http://127.0.0.1:1/client/api",
	"CLOUDSTACK_API_KEY":             "key",
	"CLOUDSTACK_SECRET_KEY":          "secret",
	"CLOUDSTACK_USERNAME":            "user",
	"CLOUDSTACK_PASSWORD":            "password",
	"CLOUDSTACK_DOMAIN":              "/",
	"CLOUDSTACK_INTEGRATION_PORT":    "true",
	"E24_API_KEY":                    "KEY",
	"E24_API_SECRET":                 "secret",
	"E24_REGION":                     "eu-poland-1poznan2",
	"E24_ENDPOINT":                   "http://127.0.0.1:1",
	"HUAWEICLOUD_BCS_ENDPOINT":       "http://127.0.0.1:1",
	"HUAWEICLOUD_SDK_PROJECT_ID":     "0123456789abcdef0123456789abcdef",
	"HUAWEICLOUD_SDK_AK":             "ak",
	"HUAWEICLOUD_SDK_SK":             "sk",
	"HUAWEICLOUD_SDK_SECURITY_TOKEN": "st",
	"HUAWEICLOUD_SDK_TOKEN":          "token",
	"HUAWEICLOUD_SDK_IAM_ENDPOINT":   "http://127.0.0.1:2",
	"HUAWEICLOUD_SDK_DOMAIN":         "domain",
	"HUAWEICLOUD_SDK_USER":           "user",
	"HUAWEICLOUD_SDK_PASSWORD":       "password",
	"ONEZONE_HOST":                   "http://127.0.0.1:1",
	"ONEZONE_API_KEY":                "token",
	"ONEZONE_BASIC_AUTH":             "user:password",
	"ZSTACK_ENDPOINT":                "http://127.0.0.1:1",
	"ZSTACK_ACCOUNT":                 "admin",
	"ZSTACK_USER":                    "user",
	"ZSTACK_PASSWORD":                "password",
	"ZSTACK_ACCESS_KEY_ID":           "id",
	"ZSTACK_ACCESS_KEY_SECRET":       "secret",
	"ZSTACK_TIMEZONE":                "UTC",
}

func TestNames(t *testing.T) {
	t.Parallel()
	names := vendors.Names()
	assert.Equal(t, []string{"cloudstack", "e24", "huaweibcs", "onezone", "zstack"}, names)
	var all []string
	for _, v := range vendors.All() {
		all = append(all, v.Name)
	}
	assert.Equal(t, names, all)
	for _, n := range names {
		v, ok := vendors.Lookup(n)
		require.True(t, ok, n)
		assert.Equal(t, n, v.Name)
		assert.NotEmpty(t, v.Summary, n)
		assert.NotEmpty(t, v.Env, n)
		assert.NotNil(t, v.FromEnv, n)
	}
	_, ok := vendors.Lookup("aws")
	assert.False(t, ok)
	assert.Equal(t, envcfg.FileSuffix, vendors.FileSuffix)
}

// TestLookupCopies: what Lookup and All return is the caller's to change.
func TestLookupCopies(t *testing.T) {
	t.Parallel()
	v, _ := vendors.Lookup("e24")
	v.Env[0].Name = "CHANGED"
	v.Summary = "changed"
	vendors.All()[1].Env[0].Doc = "changed"
	again, _ := vendors.Lookup("e24")
	assert.Equal(t, "E24_API_KEY", again.Env[0].Name)
	assert.NotEqual(t, "changed", again.Summary)
	assert.NotEqual(t, "changed", again.Env[0].Doc)
}

func TestFromEnvUnknownVendor(t *testing.T) {
	t.Parallel()
	km, err := vendors.FromEnv("aws", envcfgtest.Getenv(nil), "")
	assert.Nil(t, km)
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	var ie *cloudkeys.InvalidInputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "vendor", ie.Field)
	for _, n := range vendors.Names() {
		assert.Contains(t, err.Error(), n)
	}
	assert.Contains(t, err.Error(), `"aws"`)
	_, err = vendors.FromEnv(strings.Repeat("x", 1000), envcfgtest.Getenv(nil), "")
	assert.Less(t, len(err.Error()), 300)
}

// TestEnvDocumentsExactlyWhatFromEnvReads runs each vendor's FromEnv with
// every combination of its documented variables and records what it asks
// getenv for: exactly the documented names and, for secrets, their _FILE
// variants. A variable read but not documented (or the reverse) fails.
func TestEnvDocumentsExactlyWhatFromEnvReads(t *testing.T) {
	t.Parallel()
	for _, v := range vendors.All() {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			vals := map[string]string{}
			var want []string
			for _, e := range v.Env {
				s, ok := samples[e.Name]
				require.True(t, ok, "no sample value for %s: add one to samples", e.Name)
				vals[e.Name] = s
				want = append(want, e.Name)
				if e.Secret {
					want = append(want, e.FileName())
				}
			}
			slices.Sort(want)
			rec := &envcfgtest.Recorder{}
			succeeded := 0
			envcfgtest.Subsets(vals, func(env map[string]string) {
				rec.Env = env
				km, err := v.FromEnv(rec.Getenv, "")
				if err == nil {
					succeeded++
					assert.Equal(t, v.Name, km.Vendor())
				} else {
					assert.Nil(t, km, "no typed nil")
				}
			})
			assert.Equal(t, want, rec.Names())
			assert.Positive(t, succeeded)
		})
	}
}

func TestFromEnvErrors(t *testing.T) {
	t.Parallel()
	for _, n := range vendors.Names() {
		km, err := vendors.FromEnv(n, envcfgtest.Getenv(nil), "")
		assert.Nil(t, km, n)
		var ie *cloudkeys.InvalidInputError
		require.ErrorAs(t, err, &ie, n)
		assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest, n)
		assert.Equal(t, n, ie.Vendor, n)

		km, err = vendors.FromEnv(n, nil, "http://127.0.0.1:1")
		assert.Nil(t, km, n)
		assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest, n)
	}
}

func TestSecretsAreMarked(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, v := range vendors.All() {
		for _, e := range v.Env {
			assert.False(t, seen[e.Name], "%s documented twice", e.Name)
			seen[e.Name] = true
			assert.NotEmpty(t, e.Doc, e.Name)
			assert.True(t, strings.HasPrefix(e.Name, strings.ToUpper(v.Name[:2])) || strings.HasPrefix(e.Name, "HUAWEICLOUD_"), e.Name)
			secretish := false
			for _, w := range []string{"SECRET", "PASSWORD", "TOKEN", "_SK", "BASIC_AUTH"} {
				secretish = secretish || strings.Contains(e.Name, w)
			}
			if v.Name == "onezone" && e.Name == "ONEZONE_API_KEY" {
				secretish = true // an access token
			}
			assert.Equal(t, secretish, e.Secret, e.Name)
			if e.Secret {
				assert.Equal(t, e.Name+"_FILE", e.FileName())
			} else {
				assert.Empty(t, e.FileName())
			}
		}
	}
}

func TestConfigured(t *testing.T) {
	t.Parallel()
	v, _ := vendors.Lookup("e24")
	cases := []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, false},
		{map[string]string{"ZSTACK_ENDPOINT": "x", "E24_API_SECRET_": "x", "E24_API_KEY_FILE": "x"}, false},
		{map[string]string{"E24_REGION": "x"}, true},
		{map[string]string{"E24_ENDPOINT": "x"}, true},
		{map[string]string{"E24_API_SECRET_FILE": "/run/secrets/e24"}, true},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, v.Configured(envcfgtest.Getenv(tc.env)), "%v", tc.env)
	}
	assert.False(t, v.Configured(nil))
}

// TestNoFakesInTheRegistry: package vendors and everything it imports
// stay free of the fakes and of test-only packages.
func TestNoFakesInTheRegistry(t *testing.T) {
	t.Parallel()
	_, file, _, ok := runtime.Caller(0)
	require.True(t, ok)
	root := filepath.Dir(filepath.Dir(file))
	const module = "github.com/cloudkeys/cloudkeys"
	seen := map[string]bool{}
	var walk func(path string)
	walk = func(path string) {
		if seen[path] {
			return
		}
		seen[path] = true
		assert.False(t, strings.HasSuffix(path, "test"), "%s is imported by package vendors", path)
		assert.NotContains(t, []string{"testing", "net/http/httptest", "github.com/stretchr/testify/assert", "github.com/jarcoal/httpmock"}, path)
		if path != module && !strings.HasPrefix(path, module+"/") {
			return
		}
		dir := filepath.Join(root, strings.TrimPrefix(strings.TrimPrefix(path, module), "/"))
		pkg, err := build.ImportDir(dir, 0)
		require.NoError(t, err, path)
		for _, imp := range pkg.Imports {
			walk(imp)
		}
	}
	walk(module + "/vendors")
	assert.True(t, seen[module+"/zstack"])
	assert.False(t, seen[module+"/zstack/zstacktest"])
}
