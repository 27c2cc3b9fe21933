package transport

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// TestHeaderCheckBytewiseMatchesRunewise: the byte-by-byte checks of header
// names and values refuse exactly what the former rune-by-rune checks
// refused, for every byte, every pair of bytes, and multi-byte and invalid
// UTF-8.
func TestHeaderCheckBytewiseMatchesRunewise(t *testing.T) {
	runeName := func(name string) bool {
		return name != "" && !strings.ContainsFunc(name, func(r rune) bool { return r <= ' ' || r >= 0x7f || strings.ContainsRune("\"(),/:;<=>?@[\\]{}", r) })
	}
	runeValue := func(v string) bool {
		return !strings.ContainsFunc(v, func(r rune) bool { return (r < ' ' && r != '\t') || r == 0x7f })
	}
	inputs := []string{"", "X-Ok", "Ünïcode", "\xff\xfe", "a\xc3", "€", "tab\there", "A\u2028B", "\u00a0"}
	for i := 0; i < 256; i++ {
		inputs = append(inputs, string([]byte{byte(i)}), "X"+string([]byte{byte(i)})+"Y")
		for j := 0; j < 256; j += 7 {
			inputs = append(inputs, string([]byte{byte(i), byte(j)}))
		}
	}
	for r := rune(0); r < 0x3000; r += 13 {
		inputs = append(inputs, "v"+string(r), string(utf8.AppendRune(nil, r)))
	}
	for _, in := range inputs {
		assert.Equal(t, runeName(in), validHeaderName(in), "name %q", in)
		assert.Equal(t, runeValue(in), validHeaderValue(in), "value %q", in)
	}
}

// TestAttemptHeaderIsItsOwn: what a signer does to an attempt's header
// (Set, Add, Del) never reaches the request's header or the next attempt's.
func TestAttemptHeaderIsItsOwn(t *testing.T) {
	c := benchClient(t, answerRT{body: `{}`})
	from := map[string][]string{"X-A": make([]string, 1, 4), "X-B": {"b"}}
	from["X-A"][0] = "a"
	h := c.header(from)
	h.Add("X-A", "added")
	h.Set("X-B", "set")
	h.Add("User-Agent", "more")
	h.Del("X-A")
	assert.Equal(t, []string{"a"}, from["X-A"])
	assert.Equal(t, "a", from["X-A"][:2][0])
	assert.Equal(t, "", from["X-A"][:2][1], "Add wrote into the request's value slice")
	assert.Equal(t, []string{"b"}, from["X-B"])
	assert.Equal(t, []string{c.userAgent}, c.header(nil)["User-Agent"])
}
