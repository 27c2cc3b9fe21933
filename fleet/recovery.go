package fleet

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// writeRecovery saves the secret of an in-place rotation to a new file
// of its own (0600, never through an existing file or link) in dir
// (created 0700), synced, and returns its path.
func writeRecovery(dir, profile, keyID, secret string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	name := fmt.Sprintf("%s-%s-%s-%s.secret", safeName(profile), safeName(keyID), time.Now().UTC().Format("20060102T150405Z"), newRunID()[17:])
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	_, err = f.WriteString(secret)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return "", err
	}
	syncDir(dir)
	return path, nil
}

// readRecovery reads a secret writeRecovery saved.
func readRecovery(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if len(b) == 0 {
		return "", fmt.Errorf("%s is empty", path)
	}
	return string(b), nil
}

// safeName keeps letters, digits, '-', '_' and '.' of s (at most 64).
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, s)
	s = strings.Trim(s, ".")
	if s == "" {
		s = "x"
	}
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}
