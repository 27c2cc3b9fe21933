package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
	"github.com/cloudkeys/cloudkeys/fleet"
	"github.com/cloudkeys/cloudkeys/internal/memkm"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

// in2030 is the fleet commands' clock in these tests: memkm stamps its
// keys 2026-01-01, so they are then four years old.
func in2030() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }

// memStore registers an in-memory KeyManager under name, for profiles
// "credentials: {id: name}".
func memStore(t *testing.T, name string, caps cloudkeys.Capabilities) *memkm.KM {
	t.Helper()
	km := memkm.New(caps)
	memMu.Lock()
	mems[name] = km
	memMu.Unlock()
	t.Cleanup(func() {
		memMu.Lock()
		delete(mems, name)
		memMu.Unlock()
	})
	return km
}

// writeConfig writes a private configuration file.
func writeConfig(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// fleetRun runs the command with env as its whole environment and the
// clock at 2030.
func fleetRun(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, IO{
		Stdout: &out, Stderr: &errb,
		Getenv:  func(k string) string { return env[k] },
		Environ: func() []string { return []string{"PATH=" + os.Getenv("PATH")} },
		now:     in2030,
	})
	return result{code, out.String(), errb.String()}
}

// memFleet is a configuration of three in-memory accounts: a and b with
// keys, broken whose credential no longer works.
func memFleet(t *testing.T) (cfg string, a, b *memkm.KM) {
	t.Helper()
	caps := cloudkeys.Capabilities{MultipleKeys: true, Delete: true, Enable: true}
	a = memStore(t, t.Name()+"/a", caps)
	a.Add("alice", "ci", "deploy")
	a.Add("alice", "old", "")
	b = memStore(t, t.Name()+"/b", caps)
	b.Add("bob", "", "")
	broken := memStore(t, t.Name()+"/broken", caps)
	broken.Add("x", "", "")
	broken.AuthenticateAs("gone")
	cfg = writeConfig(t, fmt.Sprintf(`profiles:
  a:
    vendor: mem
    credentials: {id: %q}
    owners: [alice]
  b:
    vendor: mem
    credentials: {MEM_ID: %q}
  broken:
    vendor: mem
    credentials: {id: %q}
`, t.Name()+"/a", t.Name()+"/b", t.Name()+"/broken"))
	return cfg, a, b
}

func TestProfilesCommand(t *testing.T) {
	t.Parallel()
	cfg, _, _ := memFleet(t)
	r := fleetRun(t, map[string]string{"CLOUDKEYS_CONFIG": cfg}, "profiles")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "NAME    VENDOR  ENDPOINT  CREDENTIALS  OWNERS\na       mem     -         inline       alice\n")
	r = fleetRun(t, nil, "profiles", "--config", cfg, "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	var rows []profileJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rows))
	require.Len(t, rows, 3)
	assert.Equal(t, profileJSON{Name: "b", Vendor: "mem", Sources: []string{"inline"}, Owners: []string{}}, rows[1])

	// Secrets are never listed; an inline secret in an open file is refused.
	e24cfg := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(e24cfg, []byte("profiles:\n  e:\n    vendor: e24\n    credentials:\n      api_key: AK\n      api_secret: topsecret\n"), 0o644))
	r = fleetRun(t, nil, "profiles", "--config", e24cfg)
	assert.Equal(t, ExitInvalid, r.code)
	assert.Contains(t, r.stderr, "api_secret is inline, but the file is open to group or others (mode 0644): chmod 600 "+e24cfg)
	assert.NotContains(t, r.stderr, "topsecret")
	require.NoError(t, os.Chmod(e24cfg, 0o600))
	r = fleetRun(t, nil, "profiles", "--config", e24cfg, "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.NotContains(t, r.stdout, "topsecret")

	r = fleetRun(t, map[string]string{"HOME": t.TempDir()}, "profiles")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "(no profiles: no configuration file)")
	r = fleetRun(t, nil, "profiles", "--config", filepath.Join(t.TempDir(), "missing.yaml"))
	assert.Equal(t, ExitInvalid, r.code)
	r = fleetRun(t, nil, "profiles", "-o", "env")
	assert.Equal(t, ExitInvalid, r.code)
	assert.Contains(t, r.stderr, `unknown --output "env" (table, json)`)
}

// TestProfileOnVendorCommands: --profile works on every vendor command,
// before or after the vendor, and the vendor must be the profile's; the
// environment still works without a file.
func TestProfileOnVendorCommands(t *testing.T) {
	t.Parallel()
	srv := e24test.NewServer()
	t.Cleanup(srv.Close)
	key, secret := srv.AdminKey()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "e24.secret"), []byte(secret.Reveal()+"\n"), 0o600))
	cfg := filepath.Join(dir, "config.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("profiles:\n  lab-e24:\n    vendor: e24\n    endpoint: "+srv.URL()+
		"\n    credentials:\n      api_key: "+key+"\n      api_secret: {file: e24.secret}\n  zs:\n    vendor: zstack\n"), 0o644))
	env := map[string]string{"CLOUDKEYS_CONFIG": cfg}
	for _, args := range [][]string{
		{"e24", "list", "--profile", "lab-e24", "-o", "json"},
		{"--profile", "lab-e24", "e24", "list", "-o", "json"},
		{"e24", "list", "--profile=lab-e24", "--config", cfg, "-o", "json"},
	} {
		r := fleetRun(t, env, args...)
		require.Equal(t, 0, r.code, "%v: %s", args, r.stderr)
		assert.Contains(t, r.stdout, `"id":"`+key+`"`)
	}
	r := fleetRun(t, env, "e24", "create", "--profile", "lab-e24", "--show-secret", "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)

	r = fleetRun(t, env, "zstack", "list", "--profile", "lab-e24")
	assert.Equal(t, ExitInvalid, r.code)
	assert.Contains(t, r.stderr, "profile lab-e24 is a e24 profile, not zstack")
	r = fleetRun(t, env, "e24", "list", "--profile", "nope")
	assert.Equal(t, ExitInvalid, r.code)
	assert.Contains(t, r.stderr, `no profile "nope" in `+cfg+` (profiles: lab-e24, zs)`)
	r = fleetRun(t, env, "e24", "list", "--profile", "a,b")
	assert.Equal(t, ExitInvalid, r.code)

	// No file, the vendor's variables: as before.
	r = fleetRun(t, map[string]string{"E24_ENDPOINT": srv.URL(), "E24_API_KEY": key, "E24_API_SECRET": secret.Reveal(), "HOME": dir},
		"e24", "list", "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, key)
}

func TestAuditCommand(t *testing.T) {
	t.Parallel()
	cfg, a, _ := memFleet(t)
	env := map[string]string{"CLOUDKEYS_CONFIG": cfg}
	a.Add("carol", "", "") // not an owner profile a covers

	r := fleetRun(t, env, "audit", "--profile", "a,b", "--older-than", "90d")
	assert.Equal(t, ExitViolations, r.code, r.stderr)
	assert.Contains(t, r.stdout, "PROFILE  VENDOR  OWNER  ID  NAME  CREATED               LAST USED  EXPIRES  ENABLED  VERDICT   REASONS\n")
	assert.Contains(t, r.stdout, "a        mem     alice  k1  ci    2026-01-01T00:00:00Z  unknown    never    true     violates  created 1461d ago (max 90d)\n")
	assert.NotContains(t, r.stdout, "carol")
	assert.Equal(t, 4, strings.Count(r.stdout, "\n"), r.stdout)
	assert.Contains(t, r.stderr, "audited 3 keys in 2 profile(s): 0 ok, 3 violate, 0 unknown\ncloudkeys: 3 key(s) violate the policy\n")

	r = fleetRun(t, env, "audit", "--profile", "a", "--unused-for", "30d", "-o", "json")
	assert.Equal(t, 0, r.code, "unknown last use is no violation: %s", r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 2, "JSON lines: one object per key")
	var f findingJSON
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &f))
	assert.Equal(t, "unknown", f.Verdict)
	assert.Equal(t, []string{"last_used_at"}, f.Unknown)
	assert.Nil(t, f.LastUsedAt)
	assert.Equal(t, []string{"last use unknown: mem does not report it for this key"}, f.Reasons)

	r = fleetRun(t, env, "audit", "--profile", "b", "-o", "csv", "--expiring-within", "14d")
	require.Equal(t, 0, r.code, r.stderr)
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, [][]string{findingColumns, {"b", "mem", "bob", "k1", "", "2026-01-01T00:00:00Z", "unknown", "never", "true", "ok", ""}}, rows)

	// A profile that fails: reported, the others audited, its exit code.
	r = fleetRun(t, env, "audit", "--all-profiles", "--older-than", "90d", "-o", "json")
	assert.Equal(t, ExitUnauthorized, r.code, r.stderr)
	assert.Equal(t, 3, strings.Count(r.stdout, "\n"), r.stdout)
	assert.Contains(t, r.stderr, `"profile":"broken"`)

	// No profile given: the vendors configured by the environment.
	km := newMem(t, allCaps)
	km.Add("dave", "", "")
	r = fleetRun(t, map[string]string{"MEM_ID": t.Name()}, "audit", "-o", "csv")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "env:mem,mem,dave,k1,")

	for _, args := range [][]string{
		{"audit", "--older-than", "ninety"},
		{"audit", "--profile", "a", "--all-profiles"},
		{"audit", "--profile", "a", "--shard", "4/3"},
		{"audit", "extra"},
		{"audit", "-o", "env"},
	} {
		r := fleetRun(t, env, args...)
		assert.Equal(t, ExitInvalid, r.code, "%v: %s", args, r.stderr)
	}
	r = fleetRun(t, map[string]string{"HOME": t.TempDir()}, "audit")
	assert.Equal(t, ExitInvalid, r.code)
	assert.Contains(t, r.stderr, "no profile: give --profile NAME[,NAME...] or --all-profiles")
}

// TestAuditShards: the shards of a run split the profiles, each once.
func TestAuditShards(t *testing.T) {
	t.Parallel()
	var cfg strings.Builder
	cfg.WriteString("profiles:\n")
	for i := range 12 {
		name := fmt.Sprintf("%s/p%d", t.Name(), i)
		memStore(t, name, cloudkeys.Capabilities{}).Add("o", "", "")
		fmt.Fprintf(&cfg, "  p%d:\n    vendor: mem\n    credentials: {id: %q}\n", i, name)
	}
	env := map[string]string{"CLOUDKEYS_CONFIG": writeConfig(t, cfg.String())}
	seen := map[string]int{}
	for i := 1; i <= 3; i++ {
		r := fleetRun(t, env, "audit", "--all-profiles", "--shard", fmt.Sprintf("%d/3", i), "-o", "csv")
		require.Equal(t, 0, r.code, r.stderr)
		rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
		require.NoError(t, err)
		assert.Less(t, len(rows)-1, 12, "a shard is a part")
		for _, row := range rows[1:] {
			seen[row[0]]++
		}
	}
	assert.Len(t, seen, 12)
	for p, n := range seen {
		assert.Equal(t, 1, n, p)
	}
}

// storeLines reads what 'cat >> FILE' stores got.
func storeLines(t *testing.T, path string) []storedKeyJSON {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []storedKeyJSON
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var s storedKeyJSON
		require.NoError(t, json.Unmarshal(sc.Bytes(), &s))
		out = append(out, s)
	}
	return out
}

func TestRotateByPolicyCommand(t *testing.T) {
	t.Parallel()
	cfg, a, b := memFleet(t)
	dir := t.TempDir()
	env := map[string]string{"CLOUDKEYS_CONFIG": cfg, "XDG_STATE_HOME": dir}
	store := filepath.Join(dir, "store.jsonl")

	r := fleetRun(t, env, "rotate", "--profile", "a,b", "--older-than", "90d", "--dry-run")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "a        mem     alice  k1   planned  replace  -    created 1461d ago (max 90d)\n")
	assert.Contains(t, r.stdout, "planned 3, skipped 0 (dry run: nothing was changed)\n")
	for _, km := range []*memkm.KM{a, b} {
		for _, c := range km.Calls() {
			assert.True(t, strings.HasPrefix(c, "get "), "a dry run only reads: %s", c)
		}
	}
	assert.NoFileExists(t, filepath.Join(dir, "cloudkeys", "journal.jsonl"), "no journal for a dry run")

	r = fleetRun(t, env, "rotate", "--profile", "a,b", "--older-than", "90d", "--store", "cat >> "+store, "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 4)
	assert.Contains(t, lines[3], `"summary":{"failed":0,"planned":0,"rotated":3,"skipped":0}`)
	stored := storeLines(t, store)
	require.Len(t, stored, 3)
	for _, s := range stored {
		require.NotNil(t, s.Secret)
		assert.Contains(t, []string{"a", "b"}, s.Profile)
		assert.Equal(t, "mem", s.Vendor)
		assert.NotEmpty(t, s.Replaces)
		assert.False(t, s.InPlace)
	}
	assert.Equal(t, 2, a.Len(), "alice's two, rotated")
	assert.Equal(t, 1, b.Len())
	_, err := a.GetKey(context.Background(), "k1")
	assert.Error(t, err, "the old key is gone")
	j, err := fleet.OpenJournal(filepath.Join(dir, "cloudkeys", "journal.jsonl"))
	require.NoError(t, err)
	recs, err := j.Records()
	require.NoError(t, err)
	require.NoError(t, j.Close())
	assert.Len(t, fleet.Rotations(recs), 3)
	assert.Empty(t, fleet.Unfinished(recs))
	raw, _ := json.Marshal(recs)
	for _, s := range stored {
		assert.NotContains(t, string(raw), *s.Secret, "no secret in the journal")
	}

	// A store that fails: the new key deleted again, the old kept.
	r = fleetRun(t, env, "rotate", "--profile", "b", "--older-than", "1ns", "--store", "exit 3")
	assert.Equal(t, ExitOther, r.code)
	assert.Contains(t, r.stdout, "failed")
	assert.Contains(t, r.stderr, "1 rotation(s) failed")
	assert.Equal(t, 1, b.Len())

	for _, args := range [][]string{
		{"rotate", "--profile", "a", "--older-than", "90d"},             // no store
		{"rotate", "--profile", "a", "--store", "true"},                 // no policy
		{"rotate", "k1", "--profile", "a", "--older-than", "90d"},       // no ID
		{"rotate", "--profile", "a", "--older-than", "1d", "-o", "csv"}, // no csv
	} {
		r := fleetRun(t, env, args...)
		assert.Equal(t, ExitInvalid, r.code, "%v: %s", args, r.stderr)
	}
}

// TestVendorRotateByPolicy: "cloudkeys <vendor> rotate --older-than"
// without an ID, on the vendor's environment: a ZStack fake.
func TestVendorRotateByPolicy(t *testing.T) {
	t.Parallel()
	srv := zstacktest.NewServer()
	t.Cleanup(srv.Close)
	srv.SeedAccessKey(zstacktest.AdminAccountUUID)
	srv.SeedAccessKey(zstacktest.AdminAccountUUID)
	dir := t.TempDir()
	env := map[string]string{"ZSTACK_ENDPOINT": srv.URL(), "ZSTACK_ACCOUNT": zstacktest.AdminAccountName, "ZSTACK_PASSWORD": zstacktest.AdminPassword,
		"ZSTACK_TIMEZONE": srv.Location().String(), "XDG_STATE_HOME": dir, "HOME": dir}
	store := filepath.Join(dir, "store.jsonl")
	r := fleetRun(t, env, "zstack", "rotate", "--older-than", "1ns", "--store", "cat >> "+store, "--concurrency", "2", "--owner-concurrency", "2")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "rotated 2, skipped 0, failed 0 (journal "+filepath.Join(dir, "cloudkeys", "journal.jsonl")+")\n")
	stored := storeLines(t, store)
	require.Len(t, stored, 2)
	assert.Equal(t, "env:zstack", stored[0].Profile)
	keys := srv.AccessKeys()
	require.Len(t, keys, 2)
	for _, k := range keys {
		assert.Contains(t, []string{stored[0].ID, stored[1].ID}, k.UUID)
	}
	r = fleetRun(t, env, "zstack", "rotate", "--older-than", "1ns", "--store", "true", "--show-secret")
	assert.Equal(t, ExitInvalid, r.code)
	r = fleetRun(t, env, "zstack", "rotate", "x", "--older-than", "1ns", "--store", "true")
	assert.Equal(t, ExitInvalid, r.code)
}

// TestReconcileCommand: settles what a journal leaves unfinished,
// records it, and exits 5 for what needs a person.
func TestReconcileCommand(t *testing.T) {
	t.Parallel()
	cfg, a, b := memFleet(t)
	dir := t.TempDir()
	env := map[string]string{"CLOUDKEYS_CONFIG": cfg, "XDG_STATE_HOME": dir}
	journal := filepath.Join(dir, "j.jsonl")
	a.Add("alice", "ci", "deploy") // k3: a replacement of k1, created but never stored
	b.Add("bob", "", "")           // k2: the replacement of b's k1, stored
	recs := []fleet.Record{
		{Run: "R", Step: fleet.StepStart},
		{Run: "R", Rotation: "R-1", Step: fleet.StepCreating, Mode: fleet.ModeReplace, Profile: "a", Vendor: "mem", Owner: "alice", Old: "k1", Name: "ci"},
		{Run: "R", Rotation: "R-1", Step: fleet.StepCreated, Mode: fleet.ModeReplace, Profile: "a", Vendor: "mem", Owner: "alice", Old: "k1", New: "k3"},
		{Run: "R", Rotation: "R-2", Step: fleet.StepCreating, Mode: fleet.ModeReplace, Profile: "b", Vendor: "mem", Owner: "bob", Old: "k1"},
		{Run: "R", Rotation: "R-2", Step: fleet.StepCreated, Mode: fleet.ModeReplace, Profile: "b", Vendor: "mem", Owner: "bob", Old: "k1", New: "k2"},
		{Run: "R", Rotation: "R-2", Step: fleet.StepStored, Mode: fleet.ModeReplace, Profile: "b", Vendor: "mem", Owner: "bob", Old: "k1", New: "k2"},
	}
	var buf bytes.Buffer
	for _, rec := range recs {
		rec.V, rec.Time = 1, time.Now()
		line, _ := json.Marshal(rec)
		buf.Write(append(line, '\n'))
	}
	require.NoError(t, os.WriteFile(journal, buf.Bytes(), 0o600))

	r := fleetRun(t, env, "rotate", "--profile", "a", "--older-than", "1d", "--store", "true", "--journal", journal)
	assert.Equal(t, ExitOutcomeUnknown, r.code)
	assert.Contains(t, r.stderr, "holds 2 unfinished rotation(s)")

	r = fleetRun(t, env, "reconcile", "--journal", journal, "--dry-run")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "R-1       a        k1   k3   created  delete-new  dry run")
	assert.Equal(t, 3, a.Len())

	r = fleetRun(t, env, "reconcile", "--journal", journal, "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 2)
	var s settlementJSON
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &s))
	assert.Equal(t, settlementJSON{Rotation: "R-2", Profile: "b", Vendor: "mem", Owner: "bob", Old: "k1", New: "k2", Found: "stored",
		Action: "delete-old", Done: true, Deleted: []string{"k1"}, Candidates: []string{}, Reason: "the replacement was stored but the old key not deleted"}, s)
	_, err := a.GetKey(context.Background(), "k3")
	assert.Error(t, err, "the unstored replacement is gone")
	_, err = b.GetKey(context.Background(), "k1")
	assert.Error(t, err, "the old key of the stored one is gone")
	assert.Equal(t, 1, b.Len())

	r = fleetRun(t, env, "reconcile", "--journal", journal)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "nothing to reconcile in "+journal+"\n", r.stdout)

	// A lost create that cannot be told apart: left for a person.
	more := `{"v":1,"time":"` + time.Now().Add(-time.Minute).UTC().Format(time.RFC3339Nano) + `","run":"S","rotation":"S-1","step":"creating","mode":"replace","profile":"a","vendor":"mem","owner":"alice","old":"k2","name":"old"}` + "\n"
	f, err := os.OpenFile(journal, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(more)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	a.Now = time.Now
	a.Add("alice", "old", "")
	a.Add("alice", "old", "")
	r = fleetRun(t, env, "reconcile", "--journal", journal)
	assert.Equal(t, ExitOutcomeUnknown, r.code, r.stderr)
	assert.Contains(t, r.stdout, "unresolved")
	assert.Contains(t, r.stdout, "(candidates: k4, k5)")
}

// TestFleetHelp: the fleet commands document their flags and exit codes.
func TestFleetHelp(t *testing.T) {
	t.Parallel()
	for cmd, want := range map[string][]string{
		"audit":     {"--older-than", "--unused-for", "--expiring-within", "--all-profiles", "--shard", "JSON Lines", "csv", "90d", "Exit codes:", "7 some key violates"},
		"rotate":    {"--older-than", "--store", "--journal", "--dry-run", "--concurrency", "--rate", "--include-unknown", "Exit codes:", "reconcile", "own_credential"},
		"reconcile": {"--journal", "--store", "--dry-run", "creating", "created", "stored", "Exit codes:", "5 something is left"},
		"profiles":  {"config.yaml", "cloudmonkey", "chmod 600", "Exit codes:"},
	} {
		r := fleetRun(t, nil, "help", cmd)
		require.Equal(t, 0, r.code, r.stderr)
		for _, w := range want {
			assert.Contains(t, r.stdout, w, "help %s", cmd)
		}
	}
	r := fleetRun(t, nil, "help")
	assert.Contains(t, r.stdout, "7  audit: some key violates the policy")
	assert.Contains(t, r.stdout, "--profile")
	r = fleetRun(t, nil, "help", "e24", "rotate")
	assert.Contains(t, r.stdout, "--older-than")
}
