package e24

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/cloudkeys/cloudkeys/internal/jsonlit"
)

// flexString decodes a JSON string, number, bool or null into text: the
// vendor prints some ids quoted and others not ($group_id is "a string"
// printed unquoted).
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*f = ""
		return nil
	}
	if s, ok := jsonlit.PlainString(b); ok {
		*f = flexString(s) // the common case, without a nested decode
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		*f = flexString(n.String())
		return nil
	}
	if string(b) == "true" || string(b) == "false" {
		*f = flexString(b)
		return nil
	}
	return fmt.Errorf("e24: want a string or a number, got %s", kindOf(b))
}

// flexInt decodes a JSON number or a string holding an integer (SSH key ids
// are documented as int; decode leniently anyway).
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*f = 0
		return nil
	}
	var s flexString
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	if s == "" {
		*f = 0
		return nil
	}
	n, err := strconv.ParseInt(string(s), 10, 64)
	if err != nil {
		return fmt.Errorf("e24: want an integer id, got %s", kindOf(b))
	}
	*f = flexInt(n)
	return nil
}

// oneOrMany decodes a JSON array of T, a single T object, or null. The
// vendor answers PUT /v2/account/sshkey with "sshkeys" holding one object.
type oneOrMany[T any] []T

// UnmarshalJSON accepts one object or an array of them.
func (o *oneOrMany[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*o = nil
		return nil
	case b[0] == '[':
		var list []T
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		*o = list
		return nil
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*o = oneOrMany[T]{one}
	return nil
}

// kindOf names the JSON kind of b, never its value (it may be a secret).
func kindOf(b []byte) string {
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a bool"
	}
	return "a value of another kind"
}
