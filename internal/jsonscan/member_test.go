package jsonscan

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestMember: Member finds the named members in any order, skips the
// others, and fails on a name twice or a name in another case, where
// encoding/json would decode over a field or into it all the same.
func TestMember(t *testing.T) {
	names := []string{"id", "name"}
	for _, tt := range []struct {
		in   string
		got  []int
		fail bool
	}{
		{`{"id":"a","x":[1,{"id":2}],"name":"b"}`, []int{0, 1}, false},
		{`{"name":null,"id":"a"}`, []int{1, 0}, false},
		{`{}`, nil, false},
		{`{"x":1}`, nil, false},
		{`{"id":"a","id":"b"}`, []int{0}, true},
		{`{"ID":"a"}`, nil, true},
		{`{"Name":"a"}`, nil, true},
		{`{"i\u0064":"a"}`, []int{0}, false}, // an escaped name is the name
		{`{"id" "a"}`, nil, true},
	} {
		s := New([]byte(tt.in))
		var seen uint64
		var got []int
		if !s.Object() {
			t.Fatalf("%s: not an object", tt.in)
		}
		for i := s.Member(names, &seen); i >= 0; i = s.Member(names, &seen) {
			got = append(got, i)
			var v any
			raw := s.skipRaw()
			_ = json.Unmarshal(raw, &v)
		}
		assert.Equal(t, tt.got, got, tt.in)
		assert.Equal(t, tt.fail, s.Failed(), tt.in)
		if !tt.fail {
			assert.True(t, s.End(), tt.in)
		}
	}
}

// skipRaw skips a value and returns its text (tests only).
func (s *Scanner) skipRaw() []byte {
	s.ws()
	start := s.i
	s.Skip()
	return s.b[start:s.i]
}

func TestStringInto(t *testing.T) {
	v := "kept"
	s := New([]byte(`[null,"new"]`))
	s.Array()
	s.More()
	s.StringInto(&v)
	assert.Equal(t, "kept", v)
	s.More()
	s.StringInto(&v)
	assert.Equal(t, "new", v)
}
