package cloudstack

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

type vectorFile struct {
	APIKey    string `json:"apiKey"`
	SecretKey string `json:"secretKey"`
	Cases     []struct {
		Name      string            `json:"name"`
		Params    map[string]string `json:"params"`
		Signature string            `json:"signature"`
		Wire      string            `json:"wire"`
	} `json:"cases"`
}

// loadVectors finds shared/vectors/cloudstack.json beside the repository
// (a worktree, a CI clone with shared/ next to the repo root, or /work). It
// fails the test when the file is missing.
func loadVectors(t *testing.T) vectorFile {
	t.Helper()
	wd, err := os.Getwd()
	require.NoError(t, err)
	var tried []string
	for dir := wd; ; dir = filepath.Dir(dir) {
		for _, cand := range []string{filepath.Join(dir, "shared", "vectors", "cloudstack.json"), filepath.Join(dir, "..", "shared", "vectors", "cloudstack.json")} {
			tried = append(tried, cand)
			if b, err := os.ReadFile(cand); err == nil {
				var v vectorFile
				require.NoError(t, json.Unmarshal(b, &v))
				require.NotEmpty(t, v.Cases)
				for _, c := range v.Cases {
					for k, val := range c.Params {
						c.Params[k] = strings.ReplaceAll(val, "$apiKey", v.APIKey)
					}
				}
				return v
			}
		}
		if parent := filepath.Dir(dir); parent == dir {
			break
		}
	}
	if b, err := os.ReadFile("/work/shared/vectors/cloudstack.json"); err == nil {
		var v vectorFile
		require.NoError(t, json.Unmarshal(b, &v))
		for _, c := range v.Cases {
			for k, val := range c.Params {
				c.Params[k] = strings.ReplaceAll(val, "$apiKey", v.APIKey)
			}
		}
		return v
	}
	t.Fatalf("shared/vectors/cloudstack.json not found (tried %d places from %s)", len(tried), wd)
	return vectorFile{}
}
