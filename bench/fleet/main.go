// Command fleet measures "cloudkeys audit" and "cloudkeys rotate" (by
// policy) at scale against the vendors' fakes, and writes the figures for
// bench/report (BENCHMARKS.md, section "Fleet").
//
//	go run ./bench/fleet -out bench/results/fleet.txt   # bench/fleet.sh runs it
//
// The fakes run in this process, seeded through their test APIs;
// cloudkeys itself runs as a child process (built here), so that its peak
// memory (VmHWM, sampled from /proc every 2 ms) and wall time are its own.
//
//   - audit: 10,000 keys on each vendor's fake — CloudStack 4.23 (one user),
//     ZStack, e24cloud (created through the API), Onezone, and Huawei as its
//     API allows: NES lists at most 1,100 credentials per project, so ten
//     projects (ten fakes, ten profiles) of 1,000 — 50,000 keys in 14
//     profiles, once at a tenth of that scale, so that the two peaks show
//     whether memory grows with the keys;
//   - rotation: 1,000 keys (200 per vendor) at --concurrency 16, every one
//     stored by a --store command and journaled.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

func main() {
	out := flag.String("out", "bench/results/fleet.txt", "file to write the figures to")
	perVendor := flag.Int("keys", 10000, "keys per vendor for the audit")
	rotateKeys := flag.Int("rotate", 200, "keys per vendor for the rotation")
	concurrency := flag.Int("concurrency", 16, "rotate --concurrency")
	flag.Parse()
	if err := run(*out, *perVendor, *rotateKeys, *concurrency); err != nil {
		fmt.Fprintln(os.Stderr, "fleet:", err)
		os.Exit(1)
	}
}

// profile is one profile of the configuration file.
type profile struct {
	name, vendor, endpoint string
	creds                  map[string]string
	owners                 []string
}

// estate is a set of seeded fakes and their profiles.
type estate struct {
	profiles []profile
	keys     int
	closers  []func()
}

func (e *estate) close() {
	for _, c := range e.closers {
		c()
	}
}

// seedEstate starts one fake per vendor (ten for Huawei) holding n keys
// each (Huawei: n/10 per project).
func seedEstate(n int) (*estate, error) {
	e := &estate{}
	ctx := context.Background()

	cs, err := cloudstacktest.Listen(cloudstacktest.WithVersion("4.23.0.0"), cloudstacktest.WithMaxLoggedRequests(1))
	if err != nil {
		return nil, err
	}
	e.closers = append(e.closers, cs.Close)
	u := cs.AddUser(cloudstacktest.UserSpec{Username: "bench"})
	cs.SeedKeyPairs(u.ID, n)
	e.profiles = append(e.profiles, profile{name: "cs", vendor: "cloudstack", endpoint: cs.APIURL(),
		creds: map[string]string{"api_key": cs.AdminAPIKey(), "secret_key": cs.AdminSecretKey().Reveal()}, owners: []string{u.ID}})
	e.keys += n

	zs, err := zstacktest.Listen(zstacktest.WithMaxLoggedRequests(1))
	if err != nil {
		return nil, err
	}
	e.closers = append(e.closers, zs.Close)
	for range n {
		zs.SeedAccessKey(zstacktest.AdminAccountUUID)
	}
	e.profiles = append(e.profiles, profile{name: "zs", vendor: "zstack", endpoint: zs.URL(),
		creds: map[string]string{"account": zstacktest.AdminAccountName, "password": zstacktest.AdminPassword, "timezone": zs.Location().String()}})
	e.keys += n

	ez, err := e24test.Listen(e24test.WithMaxLoggedRequests(1))
	if err != nil {
		return nil, err
	}
	e.closers = append(e.closers, ez.Close)
	ekm := ez.Client()
	for range n - 1 {
		if _, err := ekm.CreateKey(ctx, cloudkeys.CreateKeyRequest{}); err != nil {
			return nil, err
		}
	}
	key, secret := ez.AdminKey()
	e.profiles = append(e.profiles, profile{name: "e24", vendor: "e24", endpoint: ez.URL(),
		creds: map[string]string{"api_key": key, "api_secret": secret.Reveal()}})
	e.keys += n

	oz, err := onezonetest.Listen(onezonetest.WithMaxLoggedRequests(1))
	if err != nil {
		return nil, err
	}
	e.closers = append(e.closers, oz.Close)
	var token string
	for i := range n {
		_, tok := oz.IssueAccessToken(oz.AdminID(), fmt.Sprintf("k%d", i))
		if i == 0 {
			token = tok
		}
	}
	e.profiles = append(e.profiles, profile{name: "oz", vendor: "onezone", endpoint: oz.URL(), creds: map[string]string{"api_key": token}})
	e.keys += n

	projects := 10
	if n < 1000 {
		projects = 1
	}
	for i := range projects {
		hw, err := huaweibcstest.Listen(huaweibcstest.WithMaxLoggedRequests(1))
		if err != nil {
			return nil, err
		}
		e.closers = append(e.closers, hw.Close)
		hw.SeedCredentials(n / projects)
		e.profiles = append(e.profiles, profile{name: fmt.Sprintf("hw-%d", i), vendor: "huaweibcs", endpoint: hw.URL(),
			creds: map[string]string{"project_id": huaweibcstest.ProjectID, "ak": huaweibcstest.AccessKey, "sk": huaweibcstest.SecretKey}})
		e.keys += n / projects
	}
	return e, nil
}

func (e *estate) writeConfig(path string) error {
	var b strings.Builder
	b.WriteString("profiles:\n")
	for _, p := range e.profiles {
		fmt.Fprintf(&b, "  %s:\n    vendor: %s\n    endpoint: %q\n    credentials:\n", p.name, p.vendor, p.endpoint)
		for k, v := range p.creds {
			fmt.Fprintf(&b, "      %s: %q\n", k, v)
		}
		if len(p.owners) > 0 {
			fmt.Fprintf(&b, "    owners: [%s]\n", strings.Join(p.owners, ", "))
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

// measured is one run of the cloudkeys binary.
type measured struct {
	seconds  float64
	maxRSS   float64 // MiB
	stdout   []byte
	stderr   []byte
	exitCode int
}

func measure(bin string, env []string, args ...string) (measured, error) {
	c := exec.Command(bin, args...)
	c.Env = env
	var o, e bytes.Buffer
	c.Stdout, c.Stderr = &o, &e
	start := time.Now()
	if err := c.Start(); err != nil {
		return measured{}, err
	}
	// The child's peak resident set: VmHWM of /proc/<pid>/status, sampled
	// until it exits (after exec it counts the new program only; getrusage's
	// ru_maxrss of a child started with vfork counts this process's memory
	// too, fakes and all).
	peak := make(chan float64, 1)
	stop := make(chan struct{})
	go func() {
		var max float64
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			if v := vmHWM(c.Process.Pid); v > max {
				max = v
			}
			select {
			case <-stop:
				peak <- max
				return
			case <-t.C:
			}
		}
	}()
	err := c.Wait()
	close(stop)
	m := measured{seconds: time.Since(start).Seconds(), stdout: o.Bytes(), stderr: e.Bytes(), maxRSS: <-peak}
	if ee, ok := err.(*exec.ExitError); ok {
		m.exitCode = ee.ExitCode()
	} else if err != nil {
		return m, err
	}
	return m, nil
}

// vmHWM reads a live process's peak resident set size, in MiB (0 when it
// cannot be read, e.g. the process has ended).
func vmHWM(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kib float64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%f kB", &kib); err == nil {
				return kib / 1024
			}
		}
	}
	return 0
}

func run(out string, perVendor, rotateKeys, concurrency int) error {
	dir, err := os.MkdirTemp("", "cloudkeys-fleet-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "cloudkeys")
	if b, err := exec.Command("go", "build", "-o", bin, "./cmd/cloudkeys").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v: %s", err, b)
	}
	var lines []string
	add := func(format string, args ...any) {
		line := fmt.Sprintf(format, args...)
		fmt.Println(line)
		lines = append(lines, line)
	}
	add("fleet: go=%s cores=%d", runtime.Version(), runtime.NumCPU())

	// Audit at a tenth of the scale, then at full scale.
	for _, n := range []int{perVendor / 10, perVendor} {
		e, err := seedEstate(n)
		if err != nil {
			return err
		}
		cfg := filepath.Join(dir, "audit.yaml")
		if err := e.writeConfig(cfg); err != nil {
			return err
		}
		env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "CLOUDKEYS_CONFIG=" + cfg}
		m, err := measure(bin, env, "audit", "--all-profiles", "--older-than", "90d", "--unused-for", "30d", "-o", "json", "--concurrency", "4")
		if err != nil {
			return err
		}
		if m.exitCode != 0 {
			return fmt.Errorf("audit exited %d: %s", m.exitCode, m.stderr)
		}
		if got := bytes.Count(m.stdout, []byte("\n")); got != e.keys {
			return fmt.Errorf("audit listed %d keys, want %d: %s", got, e.keys, m.stderr)
		}
		add("audit keys=%d profiles=%d seconds=%.2f keys_per_second=%.0f max_rss_mib=%.1f output_mib=%.1f",
			e.keys, len(e.profiles), m.seconds, float64(e.keys)/m.seconds, m.maxRSS, float64(len(m.stdout))/(1<<20))
		e.close()
	}

	// Each vendor alone, at both scales: where memory goes.
	for _, n := range []int{perVendor / 10, perVendor} {
		e, err := seedEstate(n)
		if err != nil {
			return err
		}
		cfg := filepath.Join(dir, "audit.yaml")
		if err := e.writeConfig(cfg); err != nil {
			return err
		}
		env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "CLOUDKEYS_CONFIG=" + cfg}
		byVendor := map[string][]string{}
		var order []string
		for _, p := range e.profiles {
			if byVendor[p.vendor] == nil {
				order = append(order, p.vendor)
			}
			byVendor[p.vendor] = append(byVendor[p.vendor], p.name)
		}
		for _, v := range order {
			m, err := measure(bin, env, "audit", "--profile", strings.Join(byVendor[v], ","), "--older-than", "90d", "-o", "json")
			if err != nil {
				return err
			}
			if m.exitCode != 0 {
				return fmt.Errorf("audit %s exited %d: %s", v, m.exitCode, m.stderr)
			}
			add("audit-vendor vendor=%s keys=%d seconds=%.2f max_rss_mib=%.1f", v, bytes.Count(m.stdout, []byte("\n")), m.seconds, m.maxRSS)
		}
		e.close()
	}

	// Rotation: every key of a smaller estate, by policy.
	e, err := seedEstate(rotateKeys)
	if err != nil {
		return err
	}
	defer e.close()
	cfg := filepath.Join(dir, "rotate.yaml")
	if err := e.writeConfig(cfg); err != nil {
		return err
	}
	journal := filepath.Join(dir, "journal.jsonl")
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "XDG_STATE_HOME=" + filepath.Join(dir, "state"), "CLOUDKEYS_CONFIG=" + cfg}
	m, err := measure(bin, env, "rotate", "--all-profiles", "--older-than", "1ns", "--include-unknown", "--store", "cat > /dev/null",
		"--journal", journal, "--concurrency", fmt.Sprint(concurrency), "--owner-concurrency", fmt.Sprint(concurrency), "-o", "json")
	if err != nil {
		return err
	}
	var sum struct {
		Summary map[string]int `json:"summary"`
	}
	lastLine := m.stdout[bytes.LastIndexByte(bytes.TrimSpace(m.stdout), '\n')+1:]
	if err := json.Unmarshal(lastLine, &sum); err != nil || m.exitCode != 0 {
		return fmt.Errorf("rotate exited %d (%v): %s", m.exitCode, err, m.stderr)
	}
	st, err := os.Stat(journal)
	if err != nil {
		return err
	}
	add("rotate keys=%d profiles=%d concurrency=%d seconds=%.2f keys_per_second=%.1f max_rss_mib=%.1f rotated=%d failed=%d journal_kib=%.0f",
		e.keys, len(e.profiles), concurrency, m.seconds, float64(sum.Summary["rotated"])/m.seconds, m.maxRSS,
		sum.Summary["rotated"], sum.Summary["failed"], float64(st.Size())/1024)
	if sum.Summary["rotated"] != e.keys {
		return fmt.Errorf("rotated %d of %d keys: %s", sum.Summary["rotated"], e.keys, m.stderr)
	}
	return os.WriteFile(out, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}
