package cloudstackwire

import (
	"strings"
	"testing"
)

// lowerASCII is []byte(strings.ToLower(s)), for ASCII and other strings.
func TestLowerASCII(t *testing.T) {
	for _, s := range []string{"", "abc", "ABC", "command=getUser&apiKey=QtX_DX%2BjE", "ÜNÏ", "a\x80B", "İI", "Z@[`{"} {
		if got, want := string(lowerASCII(s)), strings.ToLower(s); got != want {
			t.Errorf("lowerASCII(%q) = %q, want %q", s, got, want)
		}
	}
}
