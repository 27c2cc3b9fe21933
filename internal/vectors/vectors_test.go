package vectors

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFindsEveryVendorFile(t *testing.T) {
	for _, name := range []string{"cloudstack.json", "zstack.json", "e24.json", "huaweibcs.json"} {
		b := Read(t, name)
		assert.NotEmpty(t, b, name)
	}
}

func TestOverrideAndMissing(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "x.json"), []byte(`{}`), 0o644))
	t.Setenv("CLOUDKEYS_VECTORS_DIR", dir)
	assert.Equal(t, `{}`, string(Read(t, "x.json")))
	p, tried := find("missing.json")
	assert.Empty(t, p)
	assert.Equal(t, []string{filepath.Join(dir, "missing.json")}, tried)
}
