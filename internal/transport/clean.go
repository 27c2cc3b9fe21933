package transport

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxServerText caps a server-supplied text (message, code, request id)
// kept in an error.
const maxServerText = 1024

// CleanText makes server-supplied text safe to print: invalid UTF-8 becomes
// '?', control and other non-printing characters (ESC, CR, bidi overrides)
// become spaces, runs of white space fold to one (none at either end), and
// the result is cut at 1 KiB on a rune boundary (with "…", so at most 1027
// bytes). It is idempotent.
func CleanText(s string) string {
	if isClean(s) {
		return s
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	var b strings.Builder
	b.Grow(min(len(s), maxServerText+4))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			space = b.Len() > 0
			continue
		}
		n := utf8.RuneLen(r)
		if space {
			n++
		}
		if b.Len()+n > maxServerText {
			b.WriteString("…")
			return b.String()
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isClean reports whether s needs no change: short, printable ASCII, no
// doubled or edge spaces.
func isClean(s string) bool {
	if len(s) > maxServerText {
		return false
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch < ' ' || ch >= 0x7f {
			return false
		}
		if ch == ' ' && (i == 0 || i == len(s)-1 || s[i-1] == ' ') {
			return false
		}
	}
	return true
}
