// Package vectors finds the known-answer signing vectors (shared/vectors/*.json)
// for tests. They live beside the repository, not in it: in a checkout at
// X/repo they are X/shared/vectors, so the search walks up from the test's
// directory. CLOUDKEYS_VECTORS_DIR overrides the search.
package vectors

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Read returns the contents of shared/vectors/<name>. A missing file fails
// the test: signer tests must never pass by skipping their vectors.
func Read(t testing.TB, name string) []byte {
	t.Helper()
	p, tried := find(name)
	if p == "" {
		t.Fatalf("signing vectors %s not found; tried %s (set CLOUDKEYS_VECTORS_DIR to their directory)", name, strings.Join(tried, ", "))
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("signing vectors: %v", err)
	}
	return b
}

func find(name string) (string, []string) {
	if dir := os.Getenv("CLOUDKEYS_VECTORS_DIR"); dir != "" {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		return "", []string{p}
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", nil
	}
	var tried []string
	for dir := wd; ; dir = filepath.Dir(dir) {
		p := filepath.Join(dir, "shared", "vectors", name)
		tried = append(tried, p)
		if _, err := os.Stat(p); err == nil {
			return p, tried
		}
		if filepath.Dir(dir) == dir {
			return "", tried
		}
	}
}
