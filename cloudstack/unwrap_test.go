package cloudstack

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// unwrapByDecoding is the former unwrap: the whole answer decoded into a
// map. The differential tests hold the hand-written one to it.
func unwrapByDecoding(body []byte) (string, json.RawMessage, error) {
	var outer map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&outer); err != nil {
		return "", nil, err
	}
	if len(outer) != 1 {
		return "", nil, fmt.Errorf("got %d members", len(outer))
	}
	for k, v := range outer {
		return k, v, nil
	}
	return "", nil, errors.New("unreachable")
}

// members counts the top-level members of a JSON object, duplicates
// included, and reports whether anything follows the object.
func members(body []byte) (n int, trailing bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return -1, false
	}
	for dec.More() {
		if _, err := dec.Token(); err != nil {
			return -1, false
		}
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return -1, false
		}
		n++
	}
	if _, err := dec.Token(); err != nil {
		return -1, false
	}
	_, err := dec.Token() // io.EOF, or there is something after the object
	return n, !errors.Is(err, io.EOF)
}

func TestUnwrap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body, name, inner string
		ok                bool
	}{
		{`{"listusersresponse":{"count":1,"user":[{"id":"u"}]}}`, "listusersresponse", `{"count":1,"user":[{"id":"u"}]}`, true},
		{" \r\n\t{ \"a\" :\n [1, 2] \t}\n", "a", `[1, 2]`, true},
		{`{"a\"b\u00e9":"x"}`, "a\"bé", `"x"`, true},
		{`{"a":{}}`, "a", `{}`, true},
		{`{}`, "", "", false},
		{`{"a":1,"b":2}`, "", "", false},
		{`{"a":1,"a":2}`, "", "", false},
		{`{"a":1} x`, "", "", false},
		{`{"a":1}{"b":2}`, "", "", false},
		{`{"a":}`, "", "", false},
		{`{"a"}`, "", "", false},
		{`{"a:1}`, "", "", false},
		{"\v{\"a\":1}", "", "", false},
		{`[{"a":1}]`, "", "", false},
		{`{"a":{"b":1}`, "", "", false},
		{`<html>502</html>`, "", "", false},
		{``, "", "", false},
	}
	for _, tt := range tests {
		name, inner, err := unwrap([]byte(tt.body))
		if !tt.ok {
			assert.Error(t, err, "%q", tt.body)
			continue
		}
		require.NoError(t, err, "%q", tt.body)
		assert.Equal(t, tt.name, name)
		assert.Equal(t, tt.inner, string(inner))
	}
}

// FuzzUnwrap holds the hand-written unwrap to the decoding one: whatever it
// accepts, the decoder accepts with the same name and value; whatever it
// refuses that the decoder accepted has a second member or trailing data
// (the decoder ignored both).
func FuzzUnwrap(f *testing.F) {
	for _, s := range answerSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"a":1,"a":2}`))
	f.Add([]byte(`{"a":1} x`))
	f.Add([]byte("{\"\xff\":1}"))
	f.Fuzz(func(t *testing.T, body []byte) {
		name, inner, err := unwrap(body)
		oldName, oldInner, oldErr := unwrapByDecoding(body)
		switch {
		case err == nil && oldErr != nil:
			t.Fatalf("accepted what the decoder refused (%v): %q", oldErr, body)
		case err == nil:
			if name != oldName || !bytes.Equal(inner, oldInner) {
				t.Fatalf("name %q/%q, value %q/%q", name, oldName, inner, oldInner)
			}
		case oldErr == nil:
			if n, trailing := members(body); n == 1 && !trailing {
				t.Fatalf("refused (%v) a one-member answer the decoder read: %q", err, body)
			}
		}
	})
}
