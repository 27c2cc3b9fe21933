package e24test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/internal/vectors"
)

// Vectors is shared/vectors/e24.json (see internal/vectors), the seeds of
// the fake's signature fuzzers. Exported for this package's external tests
// only (it is declared in a _test file).
type Vectors struct {
	APIKey string `json:"apiKey"`
	Secret string `json:"secret"`
	Host   string `json:"host"`
	XDate  string `json:"xDate"`
	Cases  []struct {
		Method        string `json:"method"`
		PathAndQuery  string `json:"pathAndQuery"`
		Body          string `json:"body"`
		Authorization string `json:"authorization"`
	} `json:"cases"`
}

// LoadVectors reads the e24 vectors; a missing file fails the test.
func LoadVectors(t testing.TB) Vectors {
	t.Helper()
	var v Vectors
	require.NoError(t, json.Unmarshal(vectors.Read(t, "e24.json"), &v))
	require.NotEmpty(t, v.Cases)
	return v
}

// The fake's signature computes every vector: the fuzzers' seeds are real.
func TestSignatureVectors(t *testing.T) {
	t.Parallel()
	v := LoadVectors(t)
	for _, c := range v.Cases {
		require.Equal(t, c.Authorization, Signature(v.APIKey, v.Secret, c.Method, v.Host, v.XDate, c.PathAndQuery, []byte(c.Body)), c.Method+" "+c.PathAndQuery)
	}
}
