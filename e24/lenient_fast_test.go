package e24

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The plain-string fast path decodes what encoding/json decodes.
func TestFlexStringMatchesEncodingJSON(t *testing.T) {
	for _, lit := range []string{
		`""`, `"93CE4461-794D-4B1C-A87A-804A8B99F897"`, `"with space"`, `"ünï ✓"`,
		`"esc\"aped"`, `"back\\slash"`, `"\u0041"`, `"tab\t"`, "\"bad\xffutf8\"", "\"ctl\x01\"",
	} {
		var want string
		werr := json.Unmarshal([]byte(lit), &want)
		var got flexString
		gerr := got.UnmarshalJSON([]byte(lit))
		if werr != nil {
			assert.Error(t, gerr, lit)
			continue
		}
		require.NoError(t, gerr, lit)
		assert.Equal(t, want, string(got), lit)
	}
}

// An id sent as a plain string costs the string only.
func TestFlexStringAllocations(t *testing.T) {
	b := []byte(`"93CE4461-794D-4B1C-A87A-804A8B99F897"`)
	var f flexString
	allocs := testing.AllocsPerRun(100, func() { require.NoError(t, f.UnmarshalJSON(b)) })
	assert.LessOrEqual(t, allocs, 1.0)
}
