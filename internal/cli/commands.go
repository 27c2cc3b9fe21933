package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/cloudkeys/cloudkeys"
)

func runKeyCommand(ctx context.Context, io IO, f flags, v *Vendor, cmd string, args []string) error {
	want := map[string]int{"capabilities": 0, "list": 0, "get": 1, "create": 0, "rotate": 1, "delete": 1, "enable": 1, "disable": 1}
	n, ok := want[cmd]
	if !ok {
		return usagef(fmt.Sprintf("unknown command %q (capabilities, list, get, create, rotate, delete, enable, disable)", cmd))
	}
	if len(args) != n {
		if n == 1 {
			return usagef(cmd + " takes exactly one key ID")
		}
		return usagef(cmd + " takes no arguments")
	}
	if n == 1 && strings.TrimSpace(args[0]) == "" {
		return usagef("the key ID must not be empty")
	}
	givesSecret := cmd == "create" || cmd == "rotate"
	if !givesSecret && (f.showSecret || f.secretFile != "") {
		return usagef("--show-secret and --secret-file go with create and rotate only")
	}
	if f.store != "" && cmd != "rotate" {
		return usagef("--store goes with rotate only")
	}
	if givesSecret && !f.showSecret && f.secretFile == "" && f.store == "" {
		return usagef(cmd + " shows the new secret only once: give --show-secret, --secret-file PATH or (rotate) --store COMMAND")
	}
	var req cloudkeys.CreateKeyRequest
	if cmd == "create" {
		req = cloudkeys.CreateKeyRequest{Owner: f.owner, Name: f.name, Description: f.description}
		if f.expires != "" {
			t, err := parseExpiry(f.expires, time.Now())
			if err != nil {
				return err
			}
			req.ExpiresAt = t
		}
	}
	// Check the secret file before anything is created, so a secret is
	// never created only to be lost.
	if f.secretFile != "" {
		if err := checkSecretFile(f.secretFile, f.force); err != nil {
			return err
		}
	}

	km, err := v.Connect(ctx, io.Getenv, f.endpoint, clientOptions(io, f))
	if err != nil {
		return err
	}
	out := newKeyWriter(io.Stdout, f.output, f.showSecret)
	switch cmd {
	case "capabilities":
		c, err := km.Capabilities(ctx)
		if err != nil {
			return err
		}
		return writeCaps(io.Stdout, f.output, km.Vendor(), c)
	case "list":
		return list(ctx, io, km, f, out)
	case "get":
		k, err := km.GetKey(ctx, args[0])
		if err != nil {
			return err
		}
		return out.one(k)
	case "delete":
		if err := km.DeleteKey(ctx, args[0]); err != nil {
			return err
		}
		return done(io, f, "deleted "+args[0])
	case "enable", "disable":
		if err := km.SetKeyEnabled(ctx, args[0], cmd == "enable"); err != nil {
			return err
		}
		return done(io, f, cmd+"d "+args[0])
	case "create":
		k, err := km.CreateKey(ctx, req)
		if err != nil {
			return err
		}
		if err := saveSecret(f, k); err != nil {
			return fmt.Errorf("key %s was created, but %w", k.ID, err)
		}
		return out.one(k)
	default: // rotate
		nk, err := cloudkeys.Rotate(ctx, km, args[0], func(ctx context.Context, k *cloudkeys.Key) error {
			if f.store != "" {
				if err := runStore(ctx, io, f.store, k); err != nil {
					return err
				}
			}
			return saveSecret(f, k)
		})
		if err != nil {
			if nk != nil {
				// The new key exists (an in-place rotation, or the old
				// key could not be deleted): show it so it is not lost.
				_ = out.one(nk)
			}
			return err
		}
		return out.one(nk)
	}
}

// done reports a command without a key to print.
func done(io IO, f flags, msg string) error {
	switch f.output {
	case outJSON:
		return json.NewEncoder(io.Stdout).Encode(map[string]bool{"ok": true})
	case outEnv:
		return nil
	}
	_, err := fmt.Fprintln(io.Stdout, msg)
	return err
}

func list(ctx context.Context, io IO, km cloudkeys.KeyManager, f flags, out *keyWriter) error {
	n := 0
	for k, err := range km.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: f.owner}) {
		if err != nil {
			if io.StderrTTY && n >= 100 {
				fmt.Fprintln(io.Stderr)
			}
			return err
		}
		if err := out.add(k); err != nil {
			return err
		}
		n++
		if io.StderrTTY && n%100 == 0 {
			fmt.Fprintf(io.Stderr, "\rlisted %d keys", n)
		}
	}
	if io.StderrTTY && n >= 100 {
		fmt.Fprintf(io.Stderr, "\rlisted %d keys\n", n)
	}
	return out.end()
}

func parseExpiry(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(d), nil
	}
	return time.Time{}, cloudkeys.InvalidInput("", "--expires", "want an RFC 3339 time or a positive duration such as 720h")
}

// checkSecretFile refuses an existing file unless force is set.
func checkSecretFile(path string, force bool) error {
	st, err := os.Lstat(path)
	switch {
	case err == nil && !force:
		return cloudkeys.InvalidInput("", "--secret-file", path+" exists; use --force to overwrite it")
	case err == nil && !st.Mode().IsRegular():
		return cloudkeys.InvalidInput("", "--secret-file", path+" is not a regular file")
	case err != nil && !os.IsNotExist(err):
		return cloudkeys.InvalidInput("", "--secret-file", err.Error())
	}
	return nil
}

// saveSecret writes the key's secret to --secret-file, created 0600.
func saveSecret(f flags, k *cloudkeys.Key) error {
	if f.secretFile == "" {
		return nil
	}
	if k.Secret.IsZero() {
		return fmt.Errorf("the server returned no secret to write to %s", f.secretFile)
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if f.force {
		flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	fh, err := os.OpenFile(f.secretFile, flag, 0o600)
	if err != nil {
		return fmt.Errorf("cannot write the secret file: %w", err)
	}
	if err := fh.Chmod(0o600); err != nil {
		_ = fh.Close()
		return fmt.Errorf("cannot restrict the secret file: %w", err)
	}
	if _, err := fh.WriteString(k.Secret.Reveal() + "\n"); err != nil {
		_ = fh.Close()
		return fmt.Errorf("cannot write the secret file: %w", err)
	}
	return fh.Close()
}

// runStore hands the new key, secret included, to COMMAND on stdin.
func runStore(ctx context.Context, io IO, command string, k *cloudkeys.Key) error {
	b, err := json.Marshal(toJSON(k, true))
	if err != nil {
		return err
	}
	c := exec.CommandContext(ctx, "/bin/sh", "-c", command)
	c.Stdin = bytes.NewReader(append(b, '\n'))
	c.Stdout = io.Stderr // keep stdout for our own output
	c.Stderr = io.Stderr
	if err := c.Run(); err != nil {
		return fmt.Errorf("--store command failed (%v); the old key is kept", err)
	}
	return nil
}
