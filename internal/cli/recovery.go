package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// saveRecovery keeps a new secret that could be delivered neither to its
// destination nor made moot by deleting its key (an in-place rotation has
// already killed the old secret; the vendor cannot delete keys; the delete
// failed). It is written to a file of its own, mode 0600, in the recovery
// directory ($XDG_STATE_HOME/cloudkeys/recovery, else
// ~/.local/state/cloudkeys/recovery), created 0700; the caller prints the
// path on stderr. The secret is written as is, without a newline.
func saveRecovery(getenv func(string) string, vendor, keyID, secret string) (string, error) {
	dir, err := recoveryDir(getenv)
	if err != nil {
		return "", err
	}
	id := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, keyID)
	if id == "" || id == "." || id == ".." {
		id = "unknown-key"
	}
	if len(id) > 64 {
		id = id[:64]
	}
	name := fmt.Sprintf("%s-%s-%s-%s.secret", vendor, id, time.Now().UTC().Format("20060102T150405Z"), randomSuffix())
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return "", err
	}
	if _, err := f.WriteString(secret); err != nil {
		_ = f.Close()
		_ = os.Remove(path)
		return "", err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		_ = os.Remove(path)
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return path, nil
}

// recoveryDir returns the recovery directory, created 0700 if needed, and
// refuses one that is a link or that others can read.
func recoveryDir(getenv func(string) string) (string, error) {
	base, err := stateDirFor(getenv, "the recovery directory")
	if err != nil {
		return "", err
	}
	dir := filepath.Join(base, "recovery")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	st, err := os.Lstat(dir)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		return "", fmt.Errorf("%s is not a directory", dir)
	}
	if st.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return "", fmt.Errorf("%s is open to others: %w", dir, err)
		}
	}
	return dir, nil
}
