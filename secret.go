package cloudkeys

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/cloudkeys/cloudkeys/internal/jsonlit"
)

// redacted is what every printed, logged or marshalled secret shows.
const redacted = "[REDACTED]"

// Secret holds a secret value: an API secret, a token, a password, a private
// key. Every way of printing, logging or marshalling it (String, GoString,
// Format with any verb, slog.LogValuer, MarshalJSON, MarshalText) yields
// "[REDACTED]"; [Secret.Reveal] is the only way out.
//
// The value sits behind a func, so nothing that prints by reflection reaches
// it: fmt's error paths (which print unexported fields without calling
// methods) and test-diff printers that follow pointers (testify's spew) show
// only a func address. Two Secrets compare with Equal, not == or
// reflect.DeepEqual. The zero Secret holds nothing.
type Secret struct{ v func() string }

// NewSecret wraps s. NewSecret("") is the zero Secret.
func NewSecret(s string) Secret {
	if s == "" {
		return Secret{}
	}
	return Secret{v: func() string { return s }}
}

// Reveal returns the secret value. It is the only way to read it.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return s.v()
}

// IsZero reports whether s holds no value.
func (s Secret) IsZero() bool { return s.v == nil }

// Equal reports whether s and o hold the same value, in constant time.
func (s Secret) Equal(o Secret) bool {
	return subtle.ConstantTimeCompare([]byte(s.Reveal()), []byte(o.Reveal())) == 1
}

// String returns "[REDACTED]".
func (s Secret) String() string { return redacted }

// GoString returns "[REDACTED]", for %#v.
func (s Secret) GoString() string { return redacted }

// Format writes "[REDACTED]" for every verb and flag.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue makes log/slog log "[REDACTED]".
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON returns the JSON string "[REDACTED]". To send a secret on the
// wire, marshal Reveal() explicitly.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText returns "[REDACTED]".
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// UnmarshalJSON reads a JSON string (or null) into s, so that vendor answers
// can be decoded straight into Secret fields.
func (s *Secret) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = Secret{}
		return nil
	}
	if v, ok := jsonlit.PlainString(b); ok {
		*s = NewSecret(v)
		return nil
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("cloudkeys: secret: want a JSON string: %w", err)
	}
	*s = NewSecret(v)
	return nil
}
