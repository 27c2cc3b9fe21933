package cloudstack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cloudkeys/cloudkeys/internal/vectors"

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

// loadVectors reads shared/vectors/cloudstack.json (see internal/vectors);
// a missing file fails the test.
func loadVectors(t testing.TB) vectorFile {
	t.Helper()
	var v vectorFile
	require.NoError(t, json.Unmarshal(vectors.Read(t, "cloudstack.json"), &v))
	require.NotEmpty(t, v.Cases)
	for _, c := range v.Cases {
		for k, val := range c.Params {
			c.Params[k] = strings.ReplaceAll(val, "$apiKey", v.APIKey)
		}
	}
	return v
}
