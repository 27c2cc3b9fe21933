package profiles_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
	"github.com/cloudkeys/cloudkeys/internal/profiles"
	"github.com/cloudkeys/cloudkeys/vendors"
)

func envOf(name string) ([]vendors.EnvVar, bool) {
	v, ok := vendors.Lookup(name)
	if !ok {
		return nil, false
	}
	return v.Env, true
}

func write(t *testing.T, dir, name, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(content), mode))
	require.NoError(t, os.Chmod(path, mode))
	return path
}

func noEnv(string) string { return "" }

func TestPath(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tt := range []struct {
		flag     string
		env      map[string]string
		want     string
		explicit bool
	}{
		{"/a.yaml", map[string]string{"CLOUDKEYS_CONFIG": "/b.yaml"}, "/a.yaml", true},
		{"", map[string]string{"CLOUDKEYS_CONFIG": "/b.yaml", "XDG_CONFIG_HOME": "/x"}, "/b.yaml", true},
		{"", map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "/x/cloudkeys/config.yaml", false},
		{"", map[string]string{"HOME": "/h"}, "/h/.config/cloudkeys/config.yaml", false},
	} {
		got, explicit := profiles.Path(tt.flag, env(tt.env))
		assert.Equal(t, tt.want, got)
		assert.Equal(t, tt.explicit, explicit)
	}
}

const sample = `# cloudkeys profiles
profiles:
  prod-cs:
    vendor: cloudstack
    endpoint: https://cs.example.com/client/api
    credentials:
      api_key: AKPROD
      secret_key: {file: secrets/cs-prod}
    owners: [u1, u2]
    rate: 20
    burst: 5
  lab-e24:
    vendor: e24
    credentials:
      E24_API_KEY: {env: LAB_E24_KEY}
      api_secret: {env: LAB_E24_SECRET}
      region: {file: region.txt}
  dev-zs:
    vendor: zstack
    credentials:
      endpoint: http://mn:8080
      account: admin
      password: s3cret
`

func TestLoadAndGetenv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := write(t, dir, "config.yaml", sample, 0o600)
	write(t, dir, "region.txt", "eu-poland-1warszawa\n", 0o644)
	cfg, err := profiles.Load(path, true, envOf)
	require.NoError(t, err)
	require.Len(t, cfg.Profiles, 3)
	assert.Equal(t, []string{"dev-zs", "lab-e24", "prod-cs"}, []string{cfg.Profiles[0].Name, cfg.Profiles[1].Name, cfg.Profiles[2].Name})

	p, err := cfg.Get("prod-cs")
	require.NoError(t, err)
	assert.Equal(t, []string{"u1", "u2"}, p.Owners)
	assert.Equal(t, 20.0, p.Rate)
	assert.Equal(t, []string{"file", "inline"}, p.SourceKinds())
	get, err := p.Getenv(noEnv)
	require.NoError(t, err)
	assert.Equal(t, "AKPROD", get("CLOUDSTACK_API_KEY"))
	assert.Equal(t, filepath.Join(dir, "secrets/cs-prod"), get("CLOUDSTACK_SECRET_KEY_FILE"), "a secret file is read by NewFromEnv's _FILE rule")
	assert.Empty(t, get("CLOUDSTACK_SECRET_KEY"))

	p, err = cfg.Get("lab-e24")
	require.NoError(t, err)
	_, err = p.Getenv(noEnv)
	assert.ErrorContains(t, err, "environment variable LAB_E24_KEY is not set")
	get, err = p.Getenv(func(k string) string {
		return map[string]string{"LAB_E24_KEY": "k", "LAB_E24_SECRET": "s", "E24_API_KEY": "from the environment: never used"}[k]
	})
	require.NoError(t, err)
	assert.Equal(t, "k", get("E24_API_KEY"))
	assert.Equal(t, "s", get("E24_API_SECRET"))
	assert.Equal(t, "eu-poland-1warszawa", get("E24_REGION"), "a plain setting from a file: its content")
	assert.Empty(t, get("HOME"), "nothing else of the environment shows through")

	_, err = cfg.Get("nope")
	assert.ErrorContains(t, err, `no profile "nope" in `+path+` (profiles: dev-zs, lab-e24, prod-cs)`)
}

// TestInlineSecretsNeedAPrivateFile: as ssh refuses a key others can read.
func TestInlineSecretsNeedAPrivateFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := write(t, dir, "config.yaml", sample, 0o644)
	_, err := profiles.Load(path, true, envOf)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "profile dev-zs: password is inline, but the file is open to group or others (mode 0644): chmod 600 "+path)
	assert.NotContains(t, err.Error(), "s3cret")

	// An inline public value (the API key) is fine in an open file.
	open := write(t, dir, "open.yaml", "profiles:\n  a:\n    vendor: cloudstack\n    credentials:\n      api_key: AK\n      secret_key: {env: S}\n", 0o644)
	_, err = profiles.Load(open, true, envOf)
	assert.NoError(t, err)
}

func TestLoadRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tt := range []struct{ name, yaml, want string }{
		{"unknown field", "profiles:\n  a:\n    vendor: e24\n    credentials:\n      api_token: x\n", `unknown credential "api_token" for e24 (one of api_key, api_secret, region, endpoint)`},
		{"unknown vendor", "profiles:\n  a:\n    vendor: aws\n", `unknown vendor "aws"`},
		{"no vendor", "profiles:\n  a:\n    owners: [x]\n", "no vendor"},
		{"typo", "profiles:\n  a:\n    vendor: e24\n    ownres: [x]\n", "field ownres not found"},
		{"bad source", "profiles:\n  a:\n    vendor: e24\n    credentials:\n      api_key: {vault: x}\n", "a credential is a value, {env: NAME} or {file: PATH}"},
		{"bad name", "profiles:\n  a,b:\n    vendor: e24\n", "commas"},
		{"cloudmonkey elsewhere", "profiles:\n  a:\n    vendor: e24\n    cloudmonkey: ~/.cmk/config\n", "cloudmonkey is for cloudstack profiles"},
		{"duplicate", "profiles:\n  a:\n    vendor: e24\n  a:\n    vendor: e24\n", "already defined"},
	} {
		path := write(t, dir, strings.ReplaceAll(tt.name, " ", "-")+".yaml", tt.yaml, 0o600)
		_, err := profiles.Load(path, true, envOf)
		if assert.Error(t, err, tt.name) {
			assert.Contains(t, err.Error(), tt.want, tt.name)
		}
	}
	cfg, err := profiles.Load(filepath.Join(dir, "missing.yaml"), false, envOf)
	require.NoError(t, err, "a default file that does not exist: no profiles")
	assert.Empty(t, cfg.Profiles)
	_, err = profiles.Load(filepath.Join(dir, "missing.yaml"), true, envOf)
	assert.Error(t, err, "a named file must exist")
	empty := write(t, dir, "empty.yaml", "", 0o600)
	cfg, err = profiles.Load(empty, true, envOf)
	require.NoError(t, err)
	assert.Empty(t, cfg.Profiles)
}

func TestFieldName(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]string{
		"CLOUDSTACK_API_KEY": "api_key", "ZSTACK_ACCESS_KEY_SECRET": "access_key_secret", "E24_API_SECRET": "api_secret",
		"HUAWEICLOUD_SDK_PROJECT_ID": "project_id", "HUAWEICLOUD_BCS_ENDPOINT": "endpoint", "ONEZONE_HOST": "host",
	} {
		assert.Equal(t, want, profiles.FieldName(v))
	}
	// No two variables of a vendor share a field name.
	for _, v := range vendors.All() {
		seen := map[string]bool{}
		for _, e := range v.Env {
			f := profiles.FieldName(e.Name)
			assert.False(t, seen[f], "%s: %s", v.Name, f)
			seen[f] = true
		}
	}
}

// TestProfileBuildsAWorkingClient: the profile's getenv goes through the
// vendor's own NewFromEnv (one loader): e24 with the secret from a file.
func TestProfileBuildsAWorkingClient(t *testing.T) {
	t.Parallel()
	srv := e24test.NewServer()
	t.Cleanup(srv.Close)
	key, secret := srv.AdminKey()
	dir := t.TempDir()
	write(t, dir, "e24.secret", secret.Reveal()+"\n", 0o600)
	path := write(t, dir, "config.yaml", "profiles:\n  e:\n    vendor: e24\n    endpoint: "+srv.URL()+"\n    credentials:\n      api_key: "+key+"\n      api_secret: {file: e24.secret}\n", 0o644)
	cfg, err := profiles.Load(path, true, envOf)
	require.NoError(t, err)
	p, err := cfg.Get("e")
	require.NoError(t, err)
	get, err := p.Getenv(noEnv)
	require.NoError(t, err)
	km, err := vendors.FromEnv(p.Vendor, get, p.Endpoint)
	require.NoError(t, err)
	keys, err := cloudkeys.Collect(km.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
	require.NoError(t, err)
	assert.Len(t, keys, 1)
}

// cmkConfig is a CloudMonkey 6 configuration as it writes one (go-ini,
// core settings before the first section).
const cmkConfig = `prompt       = 🐵
asyncblock   = true
timeout      = 1800
output       = json
verifycert   = true
profile      = prod
autocomplete = true

[localcloud]
url       = http://localhost:8080/client/api
username  = admin
password  = password
domain    = /
apikey    =
secretkey =

[prod]
url       = URL
username  = admin
password  = password
domain    = /
apikey    = APIKEY
secretkey = SECRET

; a comment
[quoted]
url = "http://q.example.com/client/api"
apikey = ` + "`k#1;2`" + `
secretkey = 's'
`

func TestCloudMonkeyProfile(t *testing.T) {
	t.Parallel()
	srv := cloudstacktest.NewServer(cloudstacktest.WithVersion("4.23.0.0"))
	t.Cleanup(srv.Close)
	home := t.TempDir()
	cmk := filepath.Join(home, ".cmk")
	require.NoError(t, os.Mkdir(cmk, 0o700))
	content := strings.NewReplacer("URL", srv.APIURL(), "APIKEY", srv.AdminAPIKey(), "SECRET", srv.AdminSecretKey().Reveal()).Replace(cmkConfig)
	write(t, cmk, "config", content, 0o644) // as CloudMonkey writes it, inside its 0700 directory
	cfgPath := write(t, t.TempDir(), "config.yaml", `profiles:
  cs:
    vendor: cloudstack
    cloudmonkey: ~/.cmk/config
  cs-local:
    vendor: cloudstack
    cloudmonkey: {file: ~/.cmk/config, profile: localcloud}
  cs-quoted:
    vendor: cloudstack
    cloudmonkey: {file: ~/.cmk/config, profile: quoted}
  cs-none:
    vendor: cloudstack
    cloudmonkey: {file: ~/.cmk/config, profile: staging}
`, 0o644)
	cfg, err := profiles.Load(cfgPath, true, envOf)
	require.NoError(t, err)
	getHome := func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}
	envFor := func(name string) func(string) string {
		p, err := cfg.Get(name)
		require.NoError(t, err)
		assert.Equal(t, []string{"cloudmonkey"}, p.SourceKinds())
		get, err := p.Getenv(getHome)
		require.NoError(t, err, name)
		return get
	}

	// The current profile ([core] profile = prod) signs with its keys,
	// and works against the fake.
	get := envFor("cs")
	assert.Equal(t, srv.AdminAPIKey(), get("CLOUDSTACK_API_KEY"))
	assert.Empty(t, get("CLOUDSTACK_USERNAME"), "keys win over the login, as in CloudMonkey")
	km, err := vendors.FromEnv("cloudstack", get, "")
	require.NoError(t, err)
	_, err = cloudkeys.Collect(km.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
	require.NoError(t, err)

	get = envFor("cs-local") // no keys: the login
	assert.Equal(t, "admin", get("CLOUDSTACK_USERNAME"))
	assert.Equal(t, "password", get("CLOUDSTACK_PASSWORD"))
	assert.Equal(t, "/", get("CLOUDSTACK_DOMAIN"))
	assert.Empty(t, get("CLOUDSTACK_API_KEY"))

	get = envFor("cs-quoted")
	assert.Equal(t, "http://q.example.com/client/api", get("CLOUDSTACK_API_URL"))
	assert.Equal(t, "k#1;2", get("CLOUDSTACK_API_KEY"), "no inline comments; backquotes kept as go-ini does")
	assert.Equal(t, "s", get("CLOUDSTACK_SECRET_KEY"))

	p, err := cfg.Get("cs-none")
	require.NoError(t, err)
	_, err = p.Getenv(getHome)
	assert.ErrorContains(t, err, "no profile [staging] (profiles: localcloud, prod, quoted)")

	// Readable by others, in a directory they can enter: refused.
	require.NoError(t, os.Chmod(cmk, 0o755))
	p, err = cfg.Get("cs")
	require.NoError(t, err)
	_, err = p.Getenv(getHome)
	assert.ErrorContains(t, err, "others can read it")
	require.NoError(t, os.Chmod(filepath.Join(cmk, "config"), 0o600))
	_, err = p.Getenv(getHome)
	assert.NoError(t, err)
}
