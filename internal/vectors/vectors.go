// Package vectors provides the known-answer signing vectors
// (shared/vectors/*.json) to tests.
//
// The authoritative files live beside the repository: in a checkout at
// X/repo they are X/shared/vectors, found by walking up from the test's
// directory (CLOUDKEYS_VECTORS_DIR overrides the search). A copy is embedded
// here so that "go test ./..." also works in a lone clone; whenever the
// shared files are present, TestCopyMatchesShared fails if the copy differs.
package vectors

import (
	"embed"
	"os"
	"path/filepath"
	"testing"
)

//go:embed testdata/*.json
var embedded embed.FS

// Read returns the contents of the vectors file name (e.g. "zstack.json"):
// the shared file when it can be found, else the embedded copy. A name found
// in neither fails the test: signer tests never pass by skipping vectors.
func Read(t testing.TB, name string) []byte {
	t.Helper()
	if p, _ := findShared(name); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("signing vectors: %v", err)
		}
		return b
	}
	b, err := embedded.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatalf("signing vectors %s: neither beside the repository (shared/vectors) nor embedded", name)
	}
	return b
}

// findShared looks for shared/vectors/<name> above the working directory, or
// in CLOUDKEYS_VECTORS_DIR.
func findShared(name string) (string, []string) {
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
