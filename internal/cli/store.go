package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"

	"github.com/cloudkeys/cloudkeys"
)

// runStore hands the new key, secret included, to command on stdin. The
// command runs without the vendors' credential variables (and their _FILE
// forms) unless keepEnv: a vault client needs its own credentials, not the
// cloud admin's.
func runStore(ctx context.Context, st *state, command string, keepEnv bool, k *cloudkeys.Key) error {
	return runStoreJSON(ctx, st, command, keepEnv, toJSON(k, true))
}

// runStoreJSON hands v, as one line of JSON, to command on stdin (see
// runStore).
func runStoreJSON(ctx context.Context, st *state, command string, keepEnv bool, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c := exec.CommandContext(ctx, "/bin/sh", "-c", command)
	c.Stdin = bytes.NewReader(append(b, '\n'))
	c.Stdout = st.io.Stderr // keep stdout for our own output
	c.Stderr = st.io.Stderr
	c.Env = st.io.Environ()
	if !keepEnv {
		c.Env = withoutCredentials(c.Env)
	}
	if err := c.Run(); err != nil {
		return fmt.Errorf("--store command failed (%v)", err)
	}
	return nil
}

// withoutCredentials drops every vendor's credential variables from env.
func withoutCredentials(env []string) []string {
	drop := map[string]bool{}
	for _, v := range registry {
		for _, e := range v.Env {
			if e.Secret {
				drop[e.Name] = true
				drop[e.Name+"_FILE"] = true
			}
		}
	}
	out := env[:0:0]
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if !drop[name] {
			out = append(out, kv)
		}
	}
	return out
}
