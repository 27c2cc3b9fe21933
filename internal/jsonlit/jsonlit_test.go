package jsonlit

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPlainString(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`"abc"`, `""`, `"zażółć"`, `"a b/c"`} {
		got, ok := PlainString([]byte(in))
		require.True(t, ok, in)
		var want string
		require.NoError(t, json.Unmarshal([]byte(in), &want))
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{``, `"`, `abc`, `12`, `"a\"b"`, `"a\nb"`, "\"a\x01b\"", "\"\xff\"", `"a"b"`, `null`} {
		_, ok := PlainString([]byte(in))
		assert.False(t, ok, in)
	}
}

// FuzzPlainString: whenever PlainString accepts a literal, json.Unmarshal
// agrees on its value.
func FuzzPlainString(f *testing.F) {
	for _, s := range []string{`"abc"`, `""`, `"\u00e9"`, `"a\"b"`, "\"\xff\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := PlainString(b)
		if !ok {
			return
		}
		var want string
		if err := json.Unmarshal(b, &want); err != nil || want != got {
			t.Fatalf("PlainString(%q) = %q; json.Unmarshal = %q, %v", b, got, want, err)
		}
	})
}
