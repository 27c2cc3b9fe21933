package vectors

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cloudkeys/cloudkeys/vendors"
)

// unsigned names the vendors whose requests carry no signature, and why.
var unsigned = map[string]string{
	"onezone": "a token (X-Auth-Token) or basic auth: nothing is signed",
}

// TestEverySigningVendorHasVectors fails when a vendor package with a
// signer (<vendor>/sign.go) has no known-answer vectors here
// (testdata/<vendor>.json, listed in names, with a Load function its
// sign_test.go calls), or a vendor without one is not in unsigned.
func TestEverySigningVendorHasVectors(t *testing.T) {
	root := filepath.Join("..", "..")
	for _, name := range vendors.Names() {
		_, err := os.Stat(filepath.Join(root, name, "sign.go"))
		signs := err == nil
		_, why := unsigned[name]
		if !signs {
			assert.True(t, why, "%s has no sign.go: add it to unsigned in internal/vectors/registry_test.go with the reason", name)
			continue
		}
		assert.False(t, why, "%s signs (sign.go) but is listed in unsigned", name)
		file := name + ".json"
		assert.True(t, slices.Contains(names, file), "internal/vectors: names lacks %s", file)
		_, err = embedded.ReadFile("testdata/" + file)
		assert.NoError(t, err, "internal/vectors/testdata/%s (a copy of shared/vectors/%s)", file, file)
		src, err := os.ReadFile(filepath.Join(root, name, "sign_test.go"))
		if assert.NoError(t, err, "%s/sign_test.go: the signer's known-answer tests", name) {
			assert.True(t, strings.Contains(string(src), "vectors.Load"), "%s/sign_test.go does not load the vectors (vectors.Load…)", name)
		}
	}
	for name := range unsigned {
		_, ok := vendors.Lookup(name)
		assert.True(t, ok, "unsigned lists %s, which is not a vendor", name)
	}
}
