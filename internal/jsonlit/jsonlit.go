// Package jsonlit reads JSON string literals that need no decoding, without
// the allocations of a nested json.Unmarshal (decoders that run once per key
// of a list page use it).
package jsonlit

import "unicode/utf8"

// PlainString returns the text of a JSON string literal that needs no
// decoding: no escapes, no control characters, valid UTF-8. For such a
// literal it is exactly what json.Unmarshal returns; ok is false for
// anything else, which the caller then decodes the usual way.
func PlainString(b []byte) (s string, ok bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	in := b[1 : len(b)-1]
	for _, c := range in {
		if c == '\\' || c == '"' || c < 0x20 {
			return "", false
		}
	}
	if !utf8.Valid(in) {
		return "", false
	}
	return string(in), true
}
