package cloudkeys

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fast path decodes exactly what encoding/json decodes.
func TestSecretUnmarshalMatchesEncodingJSON(t *testing.T) {
	for _, lit := range []string{
		`""`, `"plain-secret_0123"`, `"with space"`, `"ünïcödé ✓"`,
		`"esc\"aped"`, `"back\\slash"`, `"\u0041\u00e9"`, `"tab\tnewline\n"`, `"\/"`,
		"\"bad\xffutf8\"", "\"ctl\x01\"", `"a"b"`, `123`, `{}`, `"unterminated`,
	} {
		var want string
		werr := json.Unmarshal([]byte(lit), &want)
		var got Secret
		gerr := got.UnmarshalJSON([]byte(lit))
		if werr != nil {
			assert.Error(t, gerr, lit)
			continue
		}
		require.NoError(t, gerr, lit)
		assert.Equal(t, want, got.Reveal(), lit)
	}
}

// A plain string literal costs the string and the Secret's func only.
func TestSecretUnmarshalAllocations(t *testing.T) {
	b := []byte(`"Hk0rTnX3aQ4mGfV9uJ2cLzP8eW1sYbR6dK5oN7iM"`)
	var s Secret
	allocs := testing.AllocsPerRun(100, func() { require.NoError(t, s.UnmarshalJSON(b)) })
	assert.LessOrEqual(t, allocs, 2.0)
}
