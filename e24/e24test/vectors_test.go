package e24test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/internal/vectors"
)

// The fake's signature computes every vector: the fuzzers' seeds are real.
func TestSignatureVectors(t *testing.T) {
	t.Parallel()
	v := vectors.LoadE24(t)
	for _, c := range v.Cases {
		require.Equal(t, c.Authorization, Signature(v.APIKey, v.Secret, c.Method, v.Host, v.XDate, c.PathAndQuery, []byte(c.Body)), c.Method+" "+c.PathAndQuery)
	}
}
