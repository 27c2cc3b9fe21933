package jsonscan

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var seeds = []string{
	`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1.5e+3`, `-12`, `"a"`, `"\u00e9\n\"x\\"`, "\"\xff\"",
	`{"a":[1,2,{"b":null}],"c":"d"}`, ` { "a" : [ ] } `, `{"a":1,}`, `[1,]`, `[1 2]`, `{"a" 1}`, `01`, `1.`, `1e`,
	`"\x"`, `"\u12"`, "\"\x01\"", `{"a":1}x`, `{"a":1}{}`, `[`, `{`, `"`, `nul`, `tru`, `-`, `--1`, `[[[[[]]]]]`,
	strings.Repeat("[", 300) + strings.Repeat("]", 300),
}

// FuzzSkip: whatever the scanner accepts as one JSON text, encoding/json
// accepts too; and it accepts every valid text within its nesting limit.
func FuzzSkip(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s := New(b)
		s.Skip()
		ok := s.End()
		valid := json.Valid(b)
		if ok && !valid {
			t.Fatalf("accepted what encoding/json refuses: %q", b)
		}
		if !ok && valid && depth(b) <= maxDepth {
			t.Fatalf("refused a valid text: %q", b)
		}
	})
}

// depth is the deepest nesting of b (brackets inside strings counted too:
// an upper bound is enough).
func depth(b []byte) int {
	d, m := 0, 0
	for _, c := range b {
		switch c {
		case '{', '[':
			d++
			m = max(m, d)
		case '}', ']':
			d--
		}
	}
	return m
}

// FuzzString: String returns what encoding/json decodes from a string
// literal, and fails where it fails.
func FuzzString(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s := New(b)
		got := s.String()
		ok := s.End()
		var want string
		err := json.Unmarshal(b, &want)
		if ok && (err != nil || got != want) {
			t.Fatalf("%q: got %q, encoding/json %q (%v)", b, got, want, err)
		}
		if !ok && err == nil && strings.HasPrefix(strings.TrimSpace(string(b)), `"`) {
			t.Fatalf("%q: refused a string encoding/json reads (%q)", b, want)
		}
		shared := New(b)
		shared.ShareText(string(b))
		if got2 := shared.String(); got2 != got || shared.End() != ok {
			t.Fatalf("%q: with the text shared got %q, without %q", b, got2, got)
		}
	})
}

// TestShareTextReadsStringsWithoutCopies: with the input shared as a
// string, a plain string is a piece of it (no allocation), an escaped one
// is decoded; a text of another length is ignored.
func TestShareTextReadsStringsWithoutCopies(t *testing.T) {
	read := func(b []byte, text string) []string {
		s := New(b)
		s.ShareText(text)
		var got []string
		require.True(t, s.Array())
		for s.More() {
			got = append(got, s.String())
		}
		require.True(t, s.End())
		return got
	}
	b := []byte(`["abc", "a\u00e9c"]`)
	text := string(b)
	got := read(b, text)
	assert.Equal(t, []string{"abc", "aéc"}, got)
	assert.Equal(t, unsafe.Add(unsafe.Pointer(unsafe.StringData(text)), 2), unsafe.Pointer(unsafe.StringData(got[0])), "a plain string shares the text")
	assert.Equal(t, []string{"abc", "aéc"}, read(b, text[1:]), "a text of another length is ignored")

	plain := []byte(`{"a":"xyz","b":"uvw"}`)
	ptext := string(plain)
	allocs := testing.AllocsPerRun(50, func() {
		s := New(plain)
		s.ShareText(ptext)
		s.Object()
		for _, more := s.Key(); more; _, more = s.Key() {
			_ = s.String()
		}
	})
	assert.Zero(t, allocs, "plain strings read from a shared text allocate nothing")
}

// FuzzInt: Int accepts only what encoding/json decodes into an int64, with
// the same value.
func FuzzInt(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Add([]byte("123456789012345678"))
	f.Add([]byte("9223372036854775807"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s := New(b)
		got := s.Int()
		ok := s.End()
		var want int64
		err := json.Unmarshal(b, &want)
		if ok && (err != nil || got != want) {
			t.Fatalf("%q: got %d, encoding/json %d (%v)", b, got, want, err)
		}
	})
}

func TestKeysAndValues(t *testing.T) {
	s := New([]byte(` {"a\u0062" : "x", "n": -1, "l": [true, false, null], "o": {}} `))
	if !s.Object() {
		t.Fatal("no object")
	}
	var keys []string
	for {
		k, ok := s.Key()
		if !ok {
			break
		}
		keys = append(keys, string(k))
		switch string(k) {
		case "ab":
			if v := s.String(); v != "x" {
				t.Errorf("ab = %q", v)
			}
		case "n":
			if v := s.Int(); v != -1 {
				t.Errorf("n = %d", v)
			}
		case "l":
			s.Array()
			n := 0
			for s.More() {
				s.Skip()
				n++
			}
			if n != 3 {
				t.Errorf("%d elements", n)
			}
		default:
			s.Skip()
		}
	}
	if !s.End() {
		t.Fatal("not at the end")
	}
	if strings.Join(keys, ",") != "ab,n,l,o" {
		t.Errorf("keys %q", keys)
	}
}

func TestFolds(t *testing.T) {
	for _, tt := range []struct {
		key, name string
		want      bool
	}{
		{"ID", "id", true}, {"Id", "id", true}, {"apiKey", "apikey", true}, {"\u212a", "k", true}, {"\u017f", "s", true},
		{"idx", "id", false}, {"user", "users", false},
	} {
		if got := Folds([]byte(tt.key), tt.name); got != tt.want {
			t.Errorf("Folds(%q, %q) = %v", tt.key, tt.name, got)
		}
	}
}

func TestStringAllocations(t *testing.T) {
	b := []byte(`{"a":"plain text","b":"é"}`)
	n := testing.AllocsPerRun(100, func() {
		s := New(b)
		s.Object()
		for {
			if _, ok := s.Key(); !ok {
				break
			}
			_ = s.StringBytes()
		}
		if !s.End() {
			t.Fatal("not at the end")
		}
	})
	if n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
	if !utf8.ValidString("é") {
		t.Fatal()
	}
}
