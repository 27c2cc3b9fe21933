// Package redact provides an embeddable type that makes a credentials struct
// print, log and marshal as "[REDACTED]", exactly like cloudkeys.Secret.
package redact

import (
	"fmt"
	"log/slog"
)

const text = "[REDACTED]"

// Redacted, embedded in a struct, gives it String, GoString, Format,
// LogValue, MarshalJSON and MarshalText methods that all yield "[REDACTED]",
// so that no field of the struct is ever printed, logged or marshalled.
type Redacted struct{}

// String returns "[REDACTED]".
func (Redacted) String() string { return text }

// GoString returns "[REDACTED]".
func (Redacted) GoString() string { return text }

// Format writes "[REDACTED]" for every verb.
func (Redacted) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(text)) }

// LogValue makes log/slog log "[REDACTED]".
func (Redacted) LogValue() slog.Value { return slog.StringValue(text) }

// MarshalJSON returns the JSON string "[REDACTED]".
func (Redacted) MarshalJSON() ([]byte, error) { return []byte(`"` + text + `"`), nil }

// MarshalText returns "[REDACTED]".
func (Redacted) MarshalText() ([]byte, error) { return []byte(text), nil }
