package vectors

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var names = []string{"cloudstack.json", "zstack.json", "e24.json", "huaweibcs.json"}

func TestEveryVendorFileIsAvailable(t *testing.T) {
	for _, name := range names {
		assert.NotEmpty(t, Read(t, name), name)
	}
}

// TestCopyMatchesShared keeps the embedded copy equal to shared/vectors.
func TestCopyMatchesShared(t *testing.T) {
	found := 0
	for _, name := range names {
		p, _ := findShared(name)
		if p == "" {
			continue
		}
		found++
		want, err := os.ReadFile(p)
		require.NoError(t, err)
		got, err := embedded.ReadFile("testdata/" + name)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(want, got), "internal/vectors/testdata/%s differs from %s: copy it again", name, p)
	}
	if found == 0 {
		t.Skip("shared/vectors is not beside this checkout; nothing to compare the embedded copy with")
	}
}

func TestOverride(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "x.json"), []byte(`{}`), 0o644))
	t.Setenv("CLOUDKEYS_VECTORS_DIR", dir)
	assert.Equal(t, `{}`, string(Read(t, "x.json")))
	p, tried := findShared("missing.json")
	assert.Empty(t, p)
	assert.Equal(t, []string{filepath.Join(dir, "missing.json")}, tried)
	// The embedded copy still answers when the override has no such file.
	assert.NotEmpty(t, Read(t, "e24.json"))
}
