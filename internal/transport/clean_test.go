package transport

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCleanText(t *testing.T) {
	t.Parallel()
	mib := strings.Repeat("A", 1<<20)
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"clean ASCII kept as is", "Invalid parameter id", "Invalid parameter id"},
		{"ESC sequences", "bad\x1b[2K\x1b[1Gok", "bad [2K [1Gok"},
		{"CR rewriting the line", "denied\r\x1b[2Kall fine", "denied [2Kall fine"},
		{"bidi override", "file\u202Etxt.exe", "file txt.exe"},
		{"other format characters", "a\u200Bb\u2066c\uFEFFd", "a b c d"},
		{"invalid UTF-8 (a run is one ?)", "bad\xff\xfeend\xc3", "bad?end?"},
		{"white space folded, ends trimmed", "  a \t\n b  ", "a b"},
		{"NUL and DEL", "a\x00b\x7fc", "a b c"},
		{"non-ASCII printable kept", "Zugriff verweigert: Schlüssel ungültig", "Zugriff verweigert: Schlüssel ungültig"},
		{"1 MiB cut to 1 KiB", mib, strings.Repeat("A", maxServerText) + "…"},
		{"exactly 1 KiB kept", strings.Repeat("b", maxServerText), strings.Repeat("b", maxServerText)},
		// 1023 bytes, then a 2-byte rune that does not fit: cut before it.
		{"multi-byte rune at the cut", strings.Repeat("c", maxServerText-1) + "é" + "tail", strings.Repeat("c", maxServerText-1) + "…"},
		{"4-byte rune at the cut", strings.Repeat("d", maxServerText-2) + "😀", strings.Repeat("d", maxServerText-2) + "…"},
		{"space at the cut", strings.Repeat("e", maxServerText) + " f", strings.Repeat("e", maxServerText) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CleanText(tt.in)
			assert.Equal(t, tt.want, got)
			checkClean(t, got)
			assert.Equal(t, got, CleanText(got), "idempotent")
		})
	}
}

// checkClean asserts CleanText's promises about its output.
func checkClean(t *testing.T, s string) {
	t.Helper()
	require.True(t, utf8.ValidString(s), "valid UTF-8")
	require.LessOrEqual(t, len(s), maxServerText+len("…"), "at most 1 KiB and the ellipsis")
	for _, r := range s {
		require.False(t, unicode.IsControl(r), "control character %U", r)
		require.True(t, r == ' ' || unicode.IsPrint(r), "non-printing character %U", r)
	}
	require.NotContains(t, s, "  ")
	require.Equal(t, strings.TrimSpace(s), s)
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{
		"", "plain", "\x1b[2K\r", "a\u202Eb", "\xff\xfe", strings.Repeat("é", 600),
		strings.Repeat("x", maxServerText-1) + "😀", strings.Repeat("y ", 600), "\u0085\u2028\u2029",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := CleanText(s)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8: %q", got)
		}
		if len(got) > maxServerText+len("…") {
			t.Fatalf("too long: %d bytes", len(got))
		}
		for _, r := range got {
			if unicode.IsControl(r) || (r != ' ' && !unicode.IsPrint(r)) {
				t.Fatalf("non-printing %U in %q", r, got)
			}
		}
		if again := CleanText(got); again != got {
			t.Fatalf("not idempotent: %q -> %q", got, again)
		}
	})
}
