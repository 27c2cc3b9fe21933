package cli

import (
	"context"
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // CloudStack's algorithm
	"encoding/base64"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startFakeCmd runs "cloudkeys fake <args>" with --env-file until the test
// ends and returns the fake's environment.
func startFakeCmd(t *testing.T, args ...string) map[string]string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fake.env")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		var out, errb strings.Builder
		done <- Run(ctx, append(append([]string{"fake"}, args...), "--env-file", path), IO{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	var b []byte
	for i := 0; i < 2000; i++ {
		var err error
		if b, err = os.ReadFile(path); err == nil {
			break
		}
		time.Sleep(time.Millisecond)
	}
	require.NotEmpty(t, b, "the env file appeared")
	env := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		require.True(t, ok, line)
		env[k] = strings.Trim(v, "'")
	}
	return env
}

// cloudstackGoGET is a request as apache/cloudstack-go v2.16.1 or
// cloudmonkey send it: signed, but without signatureversion and expires.
func cloudstackGoGET(t *testing.T, env map[string]string, command string) int {
	t.Helper()
	p := url.Values{"command": {command}, "apiKey": {env["CLOUDSTACK_API_KEY"]}, "response": {"json"}}
	names := make([]string, 0, len(p))
	for n := range p {
		names = append(names, n)
	}
	sort.Strings(names)
	var parts []string
	for _, n := range names {
		parts = append(parts, n+"="+strings.ReplaceAll(url.QueryEscape(p.Get(n)), "+", "%20"))
	}
	q := strings.Join(parts, "&")
	mac := hmac.New(sha1.New, []byte(env["CLOUDSTACK_SECRET_KEY"]))
	mac.Write([]byte(strings.ToLower(q)))
	resp, err := http.Get(env["CLOUDSTACK_API_URL"] + "?" + q + "&signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(mac.Sum(nil))))
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// TestFakeCloudStackEnforce: "cloudkeys fake cloudstack" is a stock server
// (a cloudstack-go request passes); with --enforce it is a hardened one
// (the same request is a 401), which the CLI itself still works against.
func TestFakeCloudStackEnforce(t *testing.T) {
	t.Parallel()
	stock := startFakeCmd(t, "cloudstack")
	require.Contains(t, stock, "CLOUDSTACK_API_URL")
	assert.Equal(t, http.StatusOK, cloudstackGoGET(t, stock, "listCapabilities"))

	hardened := startFakeCmd(t, "cloudstack", "--enforce")
	assert.Equal(t, http.StatusUnauthorized, cloudstackGoGET(t, hardened, "listCapabilities"))
	r := runEnv(hardened, "cloudstack", "list", "-o", "json")
	assert.Equal(t, 0, r.code, r.stderr)
}

func TestFakeEnforceIsCloudStackOnly(t *testing.T) {
	t.Parallel()
	var out, errb strings.Builder
	code := Run(context.Background(), []string{"fake", "e24", "--enforce"}, IO{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	assert.Equal(t, ExitInvalid, code)
	assert.Contains(t, errb.String(), "--enforce applies to the cloudstack fake only")
}
