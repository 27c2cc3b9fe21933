package huaweibcs

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
)

// TestCredentialPathRefusesDotSegments: the credential id goes into the
// path through transport.PathSegment, so "", "." and ".." are refused even
// where the caller's format check would let them through.
func TestCredentialPathRefusesDotSegments(t *testing.T) {
	c, err := New("", "0123456789abcdef0123456789abcdef", Token("tok-0123456789"))
	require.NoError(t, err)
	tests := []struct {
		id   string
		want string // "" = refused
	}{
		{"", ""},
		{".", ""},
		{"..", ""},
		{"a/b", "/v1/0123456789abcdef0123456789abcdef/node-provider/credentials/a%2Fb"},
		{"0f0e0d0c-0b0a-0908-0706-050403020100", "/v1/0123456789abcdef0123456789abcdef/node-provider/credentials/0f0e0d0c-0b0a-0908-0706-050403020100"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			p, err := c.credentialPath("id", tt.id)
			if tt.want != "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, p)
				return
			}
			var ie *cloudkeys.InvalidInputError
			require.True(t, errors.As(err, &ie), "%T", err)
			assert.Equal(t, "id", ie.Field)
			assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
		})
	}
}
