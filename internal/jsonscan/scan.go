// Package jsonscan is a pull scanner over one JSON text in memory, for the
// vendors' hot answer shapes (a list page, a key): it validates the answer
// and reads the few fields a cloudkeys.Key needs in one pass, with no
// allocation but the strings it returns.
//
// It is a fast path, never the only path. A Scanner accepts a subset of
// what encoding/json accepts (the same grammar, a lower nesting limit) and
// a decoder built on it gives up, with Fail, on anything whose meaning it
// would have to guess: a field name that encoding/json would match only
// case-insensitively, a field twice in one object, a value of another kind
// than the field's. Whoever uses it must then decode the same bytes with
// encoding/json, which gives the result or the error it always gave: the
// scanner decides nothing encoding/json would decide otherwise, and
// differential fuzz tests in each vendor package hold the two to that.
package jsonscan

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// maxDepth bounds nesting (encoding/json's limit is 10000; deeper answers
// go to it).
const maxDepth = 256

// Scanner reads one JSON text. Its methods do nothing once it has failed.
type Scanner struct {
	b     []byte
	text  string // b as a string (ShareText), or ""
	i     int
	depth int
	first bool // just inside '{' or '[': no ',' before the next member
	bad   bool
}

// New returns a Scanner over b.
func New(b []byte) Scanner { return Scanner{b: b} }

// ShareText makes String return substrings of text, which must be the
// scanner's input byte for byte (text := string(b), one copy the caller
// makes): a string with no escapes then costs no allocation of its own.
// Every string so read keeps all of text alive while it lives, so share
// only a text whose strings are kept together (a page read into one slice)
// or clone what outlives it (strings.Clone), and never share an answer
// that holds a secret the caller does not keep (the kept strings would keep
// the secret's bytes in memory). A text of another length is refused
// (ignored).
func (s *Scanner) ShareText(text string) {
	if len(text) == len(s.b) {
		s.text = text
	}
}

// Failed reports whether the scanner met anything it does not accept, or a
// decoder gave up (Fail).
func (s *Scanner) Failed() bool { return s.bad }

// Fail gives up: the caller decodes with encoding/json instead.
func (s *Scanner) Fail() { s.bad = true }

// End reports success: nothing failed and only white space is left.
func (s *Scanner) End() bool {
	if s.bad {
		return false
	}
	s.ws()
	return s.i == len(s.b) && s.depth == 0
}

func (s *Scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// Peek returns the first byte of the next value ('{', '[', '"', 't', 'f',
// 'n', '-' or a digit), or 0 at the end or after a failure.
func (s *Scanner) Peek() byte {
	if s.bad {
		return 0
	}
	s.ws()
	if s.i >= len(s.b) {
		return 0
	}
	return s.b[s.i]
}

// Null consumes a null if one comes next.
func (s *Scanner) Null() bool {
	if s.Peek() != 'n' {
		return false
	}
	if !bytes.HasPrefix(s.b[s.i:], []byte("null")) {
		s.bad = true
		return false
	}
	s.i += 4
	return true
}

// Bool reads true or false.
func (s *Scanner) Bool() bool {
	switch s.Peek() {
	case 't':
		if bytes.HasPrefix(s.b[s.i:], []byte("true")) {
			s.i += 4
			return true
		}
	case 'f':
		if bytes.HasPrefix(s.b[s.i:], []byte("false")) {
			s.i += 5
			return false
		}
	}
	s.bad = true
	return false
}

// Object consumes the '{' of an object; false (and failed) if none comes.
func (s *Scanner) Object() bool {
	if s.Peek() != '{' {
		s.bad = true
		return false
	}
	return s.open()
}

// Array consumes the '[' of an array; false (and failed) if none comes.
func (s *Scanner) Array() bool {
	if s.Peek() != '[' {
		s.bad = true
		return false
	}
	return s.open()
}

func (s *Scanner) open() bool {
	s.i++
	s.depth++
	if s.depth > maxDepth {
		s.bad = true
		return false
	}
	s.first = true
	return true
}

// Key reads the name of the next member of the object being read, and the
// ':' after it. It returns false at the object's '}' (consumed) or on a
// failure. The name is the raw text between the quotes when it has no
// escapes (valid only until the next call), else the decoded name.
func (s *Scanner) Key() ([]byte, bool) {
	if s.bad {
		return nil, false
	}
	s.ws()
	if s.i >= len(s.b) {
		s.bad = true
		return nil, false
	}
	if s.b[s.i] == '}' {
		s.i++
		s.depth--
		s.first = false
		return nil, false
	}
	if !s.first {
		if s.b[s.i] != ',' {
			s.bad = true
			return nil, false
		}
		s.i++
		s.ws()
	}
	s.first = false
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		s.bad = true
		return nil, false
	}
	raw, plain := s.str()
	if s.bad {
		return nil, false
	}
	var key []byte
	if plain {
		key = raw[1 : len(raw)-1]
	} else {
		var k string
		if json.Unmarshal(raw, &k) != nil {
			s.bad = true
			return nil, false
		}
		key = []byte(k)
	}
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != ':' {
		s.bad = true
		return nil, false
	}
	s.i++
	return key, true
}

// More reports whether the array being read has another element (and
// consumes the ',' before it); at the ']' it consumes it and returns false.
func (s *Scanner) More() bool {
	if s.bad {
		return false
	}
	s.ws()
	if s.i >= len(s.b) {
		s.bad = true
		return false
	}
	if s.b[s.i] == ']' {
		s.i++
		s.depth--
		s.first = false
		return false
	}
	if !s.first {
		if s.b[s.i] != ',' {
			s.bad = true
			return false
		}
		s.i++
	}
	s.first = false
	return true
}

// String reads a string value as encoding/json decodes it into a string.
func (s *Scanner) String() string {
	if s.Peek() != '"' {
		s.bad = true
		return ""
	}
	start := s.i
	raw, plain := s.str()
	if s.bad {
		return ""
	}
	if plain {
		if s.text != "" {
			return s.text[start+1 : start+len(raw)-1]
		}
		return string(raw[1 : len(raw)-1])
	}
	var v string
	if json.Unmarshal(raw, &v) != nil {
		s.bad = true
	}
	return v
}

// StringBytes is String without a copy where the literal needs no
// decoding: the result then aliases the input.
func (s *Scanner) StringBytes() []byte {
	if s.Peek() != '"' {
		s.bad = true
		return nil
	}
	raw, plain := s.str()
	if s.bad {
		return nil
	}
	if plain {
		return raw[1 : len(raw)-1]
	}
	var v string
	if json.Unmarshal(raw, &v) != nil {
		s.bad = true
	}
	return []byte(v)
}

// RawString reads a string value and returns the text between its quotes
// as written, and whether that text is exactly the decoded string (no
// escapes, valid UTF-8).
func (s *Scanner) RawString() (text []byte, plain bool) {
	if s.Peek() != '"' {
		s.bad = true
		return nil, false
	}
	raw, plain := s.str()
	if s.bad {
		return nil, false
	}
	return raw[1 : len(raw)-1], plain
}

// strClass marks the bytes that end the plain run of a string: '"', '\\',
// control characters and non-ASCII bytes (checked as UTF-8).
var strClass = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	for c := 0x80; c < 0x100; c++ {
		t[c] = true
	}
	return t
}()

// str consumes a string literal (s.b[s.i] is '"') and returns it with its
// quotes. plain means that its content is exactly the string
// encoding/json decodes: no escapes, valid UTF-8.
func (s *Scanner) str() (raw []byte, plain bool) {
	start := s.i
	i := s.i + 1
	plain = true
	b := s.b
	for {
		for i < len(b) && !strClass[b[i]] {
			i++
		}
		if i >= len(b) {
			s.bad = true
			return nil, false
		}
		switch c := b[i]; {
		case c == '"':
			s.i = i + 1
			return b[start:s.i], plain
		case c == '\\':
			plain = false
			if i+1 >= len(b) {
				s.bad = true
				return nil, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					s.bad = true
					return nil, false
				}
				i += 6
			default:
				s.bad = true
				return nil, false
			}
		case c < 0x20:
			s.bad = true
			return nil, false
		default: // non-ASCII: encoding/json accepts any byte, but replaces invalid UTF-8
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n == 1 {
				plain = false
			}
			i += n
		}
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Number reads a number literal, as written.
func (s *Scanner) Number() []byte {
	c := s.Peek()
	if c != '-' && (c < '0' || c > '9') {
		s.bad = true
		return nil
	}
	start := s.i
	b := s.b
	i := s.i
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		s.bad = true
		return nil
	}
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == d {
			s.bad = true
			return nil
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == d {
			s.bad = true
			return nil
		}
	}
	s.i = i
	return b[start:i]
}

// Int reads an integer as encoding/json decodes it into an int64: a number
// literal without fraction or exponent that fits.
func (s *Scanner) Int() int64 {
	lit := s.Number()
	if s.bad {
		return 0
	}
	n, ok := parseInt(lit)
	if !ok {
		s.bad = true
	}
	return n
}

func parseInt(lit []byte) (int64, bool) {
	neg := false
	if len(lit) > 0 && lit[0] == '-' {
		neg, lit = true, lit[1:]
	}
	if len(lit) == 0 || len(lit) > 18 { // 18 digits never overflow
		return 0, false
	}
	var n int64
	for _, c := range lit {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// Skip consumes one value of any kind, validating it.
func (s *Scanner) Skip() {
	switch s.Peek() {
	case '{':
		if !s.open() {
			return
		}
		for {
			if _, ok := s.Key(); !ok {
				return
			}
			s.Skip()
		}
	case '[':
		if !s.open() {
			return
		}
		for s.More() {
			s.Skip()
		}
	case '"':
		s.str()
	case 't', 'f':
		s.Bool()
	case 'n':
		s.Null()
	default:
		s.Number()
	}
}

// Folds reports whether encoding/json would match key, which is not name
// exactly, to a field called name all the same (it matches names
// case-insensitively, Unicode folding included: bytes.EqualFold). A decoder
// gives up on such a key.
func Folds(key []byte, name string) bool {
	return bytes.EqualFold(key, []byte(name))
}

// FoldsAny is Folds for several names.
func FoldsAny(key []byte, names ...string) bool {
	for _, n := range names {
		if bytes.EqualFold(key, []byte(n)) {
			return true
		}
	}
	return false
}
