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
// become spaces, runs of white space fold to one, and the result is cut at
// 1 KiB on a rune boundary (with "…").
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
		if space {
			if b.Len()+1 > maxServerText {
				break
			}
			b.WriteByte(' ')
			space = false
		}
		if b.Len()+utf8.RuneLen(r) > maxServerText {
			b.WriteString("…")
			return b.String()
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
