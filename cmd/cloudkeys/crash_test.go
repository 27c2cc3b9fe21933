package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
	"github.com/cloudkeys/cloudkeys/fleet"
	"github.com/cloudkeys/cloudkeys/vendors"
)

var (
	sharedBin     string
	sharedBinErr  error
	sharedBinOnce sync.Once
)

// binary builds the command once for the tests that share it.
func binary(t *testing.T) string {
	t.Helper()
	sharedBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cloudkeys-bin-")
		if err != nil {
			sharedBinErr = err
			return
		}
		sharedBin = filepath.Join(dir, "cloudkeys")
		out, err := exec.Command("go", "build", "-o", sharedBin, ".").CombinedOutput()
		if err != nil {
			sharedBinErr = fmt.Errorf("go build: %v: %s", err, out)
		}
	})
	require.NoError(t, sharedBinErr)
	return sharedBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedBin != "" {
		_ = os.RemoveAll(filepath.Dir(sharedBin))
	}
	os.Exit(code)
}

// fakeProcess runs "cloudkeys fake VENDOR --env-file" as a process of its
// own (it outlives the runs the tests kill) and returns its variables.
func fakeProcess(t *testing.T, bin, vendor string, extra ...string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	envFile := filepath.Join(dir, vendor+".env")
	logf, err := os.Create(filepath.Join(dir, "fake.log"))
	require.NoError(t, err)
	defer logf.Close()
	cmd := exec.Command(bin, append([]string{"fake", vendor, "--env-file", envFile}, extra...)...)
	cmd.Stdout, cmd.Stderr = logf, logf
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, err := os.ReadFile(envFile)
		if err == nil {
			env := map[string]string{}
			for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
				kv := strings.SplitN(strings.TrimPrefix(line, "export "), "=", 2)
				env[kv[0]] = strings.Trim(kv[1], "'")
			}
			return env
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logf.Name())
			require.FailNow(t, "the fake did not start", "%s", log)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// crashCase is one vendor's fake, how the profile logs in, and the keys
// the test seeds.
type crashCase struct {
	name, vendor string
	fakeArgs     []string
	inPlace      bool
	// profile returns the profile's credentials from the fake's variables
	profile func(env map[string]string) map[string]string
	// seed creates keys with the test's admin client and returns them
	// (secrets included)
	seed func(t *testing.T, km cloudkeys.KeyManager) []*cloudkeys.Key
	// works checks a key's secret authenticates ("" when the vendor's keys
	// are not API credentials: Huawei NES node keys)
	works func(env map[string]string, s storedKey) map[string]string
}

func inline(env map[string]string, names ...string) map[string]string {
	out := map[string]string{}
	for _, n := range names {
		out[n] = env[n]
	}
	return out
}

func createN(n int, req func(i int) cloudkeys.CreateKeyRequest) func(*testing.T, cloudkeys.KeyManager) []*cloudkeys.Key {
	return func(t *testing.T, km cloudkeys.KeyManager) []*cloudkeys.Key {
		var out []*cloudkeys.Key
		for i := range n {
			k, err := km.CreateKey(context.Background(), req(i))
			require.NoError(t, err)
			out = append(out, k)
		}
		return out
	}
}

// adminEnv is how the test itself connects to the fake: as the profile
// does where that is a login (CloudStack: the seeded API key is one of the
// keys rotated), else with the fake's seeded identity.
func adminEnv(cc crashCase, fakeEnv map[string]string) func(string) string {
	if cc.vendor == "cloudstack" {
		m := map[string]string{"CLOUDSTACK_API_URL": fakeEnv["CLOUDSTACK_API_URL"], "CLOUDSTACK_USERNAME": cloudstacktest.AdminUsername,
			"CLOUDSTACK_PASSWORD": cloudstacktest.AdminPassword}
		return func(k string) string { return m[k] }
	}
	return func(k string) string { return fakeEnv[k] }
}

var crashCases = []crashCase{
	{name: "cloudstack", vendor: "cloudstack",
		profile: func(env map[string]string) map[string]string {
			return map[string]string{"CLOUDSTACK_API_URL": env["CLOUDSTACK_API_URL"], "username": cloudstacktest.AdminUsername, "password": cloudstacktest.AdminPassword}
		},
		seed: createN(2, func(i int) cloudkeys.CreateKeyRequest {
			return cloudkeys.CreateKeyRequest{Name: fmt.Sprintf("ci-%d", i)}
		}),
		works: func(env map[string]string, s storedKey) map[string]string {
			return map[string]string{"CLOUDSTACK_API_URL": env["CLOUDSTACK_API_URL"], "CLOUDSTACK_API_KEY": s.AccessKey, "CLOUDSTACK_SECRET_KEY": s.Secret}
		}},
	{name: "cloudstack-4.22", vendor: "cloudstack", fakeArgs: []string{"--server-version", "4.22.0.0"}, inPlace: true,
		profile: func(env map[string]string) map[string]string {
			return map[string]string{"CLOUDSTACK_API_URL": env["CLOUDSTACK_API_URL"], "username": cloudstacktest.AdminUsername, "password": cloudstacktest.AdminPassword}
		},
		seed: func(*testing.T, cloudkeys.KeyManager) []*cloudkeys.Key { return nil }, // the admin's one pair
		works: func(env map[string]string, s storedKey) map[string]string {
			return map[string]string{"CLOUDSTACK_API_URL": env["CLOUDSTACK_API_URL"], "CLOUDSTACK_API_KEY": s.AccessKey, "CLOUDSTACK_SECRET_KEY": s.Secret}
		}},
	{name: "zstack", vendor: "zstack",
		profile: func(env map[string]string) map[string]string {
			return inline(env, "ZSTACK_ENDPOINT", "ZSTACK_ACCOUNT", "ZSTACK_PASSWORD", "ZSTACK_TIMEZONE")
		},
		seed: createN(2, func(int) cloudkeys.CreateKeyRequest { return cloudkeys.CreateKeyRequest{Description: "ci"} }),
		works: func(env map[string]string, s storedKey) map[string]string {
			return map[string]string{"ZSTACK_ENDPOINT": env["ZSTACK_ENDPOINT"], "ZSTACK_TIMEZONE": env["ZSTACK_TIMEZONE"],
				"ZSTACK_ACCESS_KEY_ID": s.AccessKey, "ZSTACK_ACCESS_KEY_SECRET": s.Secret}
		}},
	{name: "e24", vendor: "e24",
		profile: func(env map[string]string) map[string]string {
			return inline(env, "E24_ENDPOINT", "E24_API_KEY", "E24_API_SECRET")
		},
		seed: createN(2, func(int) cloudkeys.CreateKeyRequest { return cloudkeys.CreateKeyRequest{} }),
		works: func(env map[string]string, s storedKey) map[string]string {
			return map[string]string{"E24_ENDPOINT": env["E24_ENDPOINT"], "E24_API_KEY": s.ID, "E24_API_SECRET": s.Secret}
		}},
	{name: "huaweibcs", vendor: "huaweibcs",
		profile: func(env map[string]string) map[string]string {
			return inline(env, "HUAWEICLOUD_BCS_ENDPOINT", "HUAWEICLOUD_SDK_PROJECT_ID", "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK")
		},
		seed: createN(2, func(i int) cloudkeys.CreateKeyRequest {
			return cloudkeys.CreateKeyRequest{Description: fmt.Sprintf("node-%d", i)}
		}),
		works: nil},
	{name: "onezone", vendor: "onezone",
		profile: func(env map[string]string) map[string]string { return inline(env, "ONEZONE_HOST", "ONEZONE_API_KEY") },
		seed: createN(2, func(i int) cloudkeys.CreateKeyRequest {
			return cloudkeys.CreateKeyRequest{Name: fmt.Sprintf("ci-%d", i)}
		}),
		works: func(env map[string]string, s storedKey) map[string]string {
			return map[string]string{"ONEZONE_HOST": env["ONEZONE_HOST"], "ONEZONE_API_KEY": s.Secret}
		}},
}

// storedKey is a line of the store: what --store got (and the seeded
// keys' secrets, written there first).
type storedKey struct {
	ID        string `json:"id"`
	AccessKey string `json:"access_key"`
	Secret    string `json:"secret"`
	Profile   string `json:"profile"`
}

func readStore(t *testing.T, path string) map[string]storedKey {
	t.Helper()
	out := map[string]storedKey{}
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var s storedKey
		require.NoError(t, json.Unmarshal(sc.Bytes(), &s), sc.Text())
		out[s.ID] = s
	}
	return out
}

func keyIDs(t *testing.T, km cloudkeys.KeyManager) []string {
	t.Helper()
	keys, err := cloudkeys.Collect(km.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
	require.NoError(t, err)
	var ids []string
	for _, k := range keys {
		ids = append(ids, k.ID)
	}
	slices.Sort(ids)
	return ids
}

// run runs the binary and returns its exit code (-1: killed by a signal).
func run(t *testing.T, bin string, env []string, args ...string) (int, string, string) {
	t.Helper()
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

// TestCrashAndReconcile kills "cloudkeys rotate" (SIGKILL, a real process)
// at every step of a rotation — before and after each journal record, and
// inside the --store command — on every vendor's fake (each a process of
// its own that outlives the killed run), runs "cloudkeys reconcile", and
// checks that the account holds exactly one key per rotated key, that the
// key works (its secret authenticates, where keys are API credentials),
// that the store holds its secret, and that the journal has nothing left
// unfinished. The crash points use the test-only CLOUDKEYS_TEST_CRASH hook
// (before/after a record of a step), and, for the moment between the store
// taking the secret and the journal saying so, a --store command that
// kills its parent.
func TestCrashAndReconcile(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	replace := []string{"after:creating", "before:created", "after:created", "store-kills-parent", "after:stored", "after:deleted"}
	inPlace := []string{"after:rotating", "before:rotated", "after:rotated", "store-kills-parent", "after:stored"}
	for _, cc := range crashCases {
		points := replace
		if cc.inPlace {
			points = inPlace
		}
		for _, point := range points {
			t.Run(cc.name+"/"+point, func(t *testing.T) {
				t.Parallel()
				crashAndReconcile(t, bin, cc, point)
			})
		}
	}
}

func crashAndReconcile(t *testing.T, bin string, cc crashCase, point string) {
	fakeEnv := fakeProcess(t, bin, cc.vendor, cc.fakeArgs...)
	admin, err := vendors.FromEnv(cc.vendor, adminEnv(cc, fakeEnv), "")
	require.NoError(t, err)
	seeded := cc.seed(t, admin)
	before := keyIDs(t, admin)
	require.NotEmpty(t, before)

	dir := t.TempDir()
	store := filepath.Join(dir, "store.jsonl")
	// The store starts with the secrets the test knows: the keys it
	// created and the fake's seeded identity's key, where it is one.
	var seedLines []string
	for _, k := range seeded {
		b, _ := json.Marshal(storedKey{ID: k.ID, AccessKey: k.AccessKey, Secret: k.Secret.Reveal()})
		seedLines = append(seedLines, string(b))
	}
	keys, err := cloudkeys.Collect(admin.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
	require.NoError(t, err)
	for _, pair := range [][2]string{{"CLOUDSTACK_API_KEY", "CLOUDSTACK_SECRET_KEY"}, {"E24_API_KEY", "E24_API_SECRET"}} {
		for _, k := range keys {
			if ak := fakeEnv[pair[0]]; ak != "" && (k.AccessKey == ak || k.ID == ak) {
				b, _ := json.Marshal(storedKey{ID: k.ID, AccessKey: ak, Secret: fakeEnv[pair[1]]})
				seedLines = append(seedLines, string(b))
			}
		}
	}
	require.NoError(t, os.WriteFile(store, []byte(strings.Join(seedLines, "\n")+"\n"), 0o600))

	var cfg strings.Builder
	fmt.Fprintf(&cfg, "profiles:\n  crash:\n    vendor: %s\n    credentials:\n", cc.vendor)
	for k, v := range cc.profile(fakeEnv) {
		fmt.Fprintf(&cfg, "      %s: %q\n", k, v)
	}
	cfgPath := filepath.Join(dir, "config.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte(cfg.String()), 0o600))
	journal := filepath.Join(dir, "journal.jsonl")
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "XDG_STATE_HOME=" + filepath.Join(dir, "state"), "CLOUDKEYS_CONFIG=" + cfgPath}

	storeCmd := "cat >> " + store
	runEnv := env
	if point == "store-kills-parent" {
		storeCmd += "; kill -9 $PPID"
	} else {
		runEnv = append(append([]string{}, env...), "CLOUDKEYS_TEST_CRASH="+point)
	}
	code, out, errs := run(t, bin, runEnv, "rotate", "--profile", "crash", "--older-than", "1ns", "--include-unknown",
		"--store", storeCmd, "--journal", journal, "--concurrency", "1")
	require.Equal(t, -1, code, "killed: %s\n%s", out, errs)

	mid := keyIDs(t, admin)
	code, out, errs = run(t, bin, env, "reconcile", "--journal", journal, "--store", "cat >> "+store)
	require.Equal(t, 0, code, "reconcile: %s\n%s", out, errs)
	t.Logf("keys %v -> killed -> %v; reconcile:\n%s", before, mid, out)

	after := keyIDs(t, admin)
	require.Len(t, after, len(before), "exactly one key per key: %v -> %v", before, after)
	gone, added := difference(before, after), difference(after, before)
	require.LessOrEqual(t, len(added), 1, "one rotation was under way")
	require.Len(t, gone, len(added), "a key replaced is a key gone: %v -> %v", before, after)

	stored := readStore(t, store)
	for _, id := range added {
		s, ok := stored[id]
		require.True(t, ok, "the store holds the new key %s", id)
		require.NotEmpty(t, s.Secret)
		assert.Equal(t, "crash", s.Profile)
		if cc.works != nil {
			km, err := vendors.FromEnv(cc.vendor, func(k string) string { return cc.works(fakeEnv, s)[k] }, "")
			require.NoError(t, err)
			_, err = cloudkeys.Collect(km.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
			assert.NoError(t, err, "the new key %s works", id)
		}
	}
	if len(added) == 0 && cc.works != nil {
		for _, s := range stored {
			if slices.Contains(after, s.ID) {
				km, err := vendors.FromEnv(cc.vendor, func(k string) string { return cc.works(fakeEnv, s)[k] }, "")
				require.NoError(t, err)
				_, err = cloudkeys.Collect(km.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
				assert.NoError(t, err, "the kept key %s still works", s.ID)
			}
		}
	}

	b, err := os.ReadFile(journal)
	require.NoError(t, err)
	recs, err := fleet.ReadJournal(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Empty(t, fleet.Unfinished(recs), "nothing left unfinished")
	for _, s := range stored {
		assert.NotContains(t, string(b), s.Secret, "no secret in the journal")
	}
	code, out, _ = run(t, bin, env, "reconcile", "--journal", journal)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "nothing to reconcile")
}

func difference(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
