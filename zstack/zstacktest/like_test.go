package zstacktest

import "testing"

func TestLike(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		s, pat string
		want   bool
	}{
		{"key-1", "key-%", true}, {"key-1", "%-1", true}, {"key-1", "k_y-_", true}, {"key-1", "key-", false},
		{"", "%", true}, {"", "", true}, {"a", "", false}, {"abc", "a%c%", true}, {"abc", "_", false},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "%a%a%a%a%a%a%a%a%a%c", false},
	} {
		if got := like(tc.s, tc.pat); got != tc.want {
			t.Errorf("like(%q, %q) = %v", tc.s, tc.pat, got)
		}
	}
}
