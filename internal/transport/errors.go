package transport

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cloudkeys/cloudkeys"
)

// Error is a transport failure: no complete answer was received. Its text
// names the method, host and path, never the query string.
type Error struct {
	Vendor    string
	Operation string
	Method    string
	Host      string
	Path      string
	Attempts  int
	Err       error

	scrub func(string) string
}

// Error returns "<vendor>: <operation>: <METHOD> <host><path>: <cause>"; never a query string.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Vendor)
	b.WriteString(": ")
	if e.Operation != "" {
		b.WriteString(e.Operation)
		b.WriteString(": ")
	}
	b.WriteString(e.Method)
	b.WriteString(" ")
	b.WriteString(e.Host)
	if e.scrub != nil {
		b.WriteString(e.scrub(e.Path))
	} else {
		b.WriteString(e.Path)
	}
	b.WriteString(": ")
	msg := "transport error"
	if e.Err != nil {
		msg = e.Err.Error()
		if e.scrub != nil {
			msg = e.scrub(msg)
		}
	}
	b.WriteString(msg)
	if e.Attempts > 1 {
		b.WriteString(" (")
		b.WriteString(strconv.Itoa(e.Attempts))
		b.WriteString(" attempts)")
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// OutcomeUnknownError reports a write whose answer was lost after the
// request may have reached the server. It matches
// cloudkeys.ErrOutcomeUnknown and wraps the cause (a transport error, a
// context error or a gateway's *cloudkeys.APIError).
type OutcomeUnknownError struct {
	Vendor    string
	Operation string
	Err       error
}

// Error says the write may have happened and must be reconciled.
func (e *OutcomeUnknownError) Error() string {
	return e.Vendor + ": " + e.Operation + ": outcome unknown, the write may have been carried out (not re-sent; reconcile by listing): " + e.Err.Error()
}

// Unwrap returns both the sentinel and the cause.
func (e *OutcomeUnknownError) Unwrap() []error { return []error{cloudkeys.ErrOutcomeUnknown, e.Err} }

// signError marks a signer failure: nothing was sent, nothing to retry.
type signError struct{ err error }

func (e *signError) Error() string { return "signing failed: " + e.err.Error() }
func (e *signError) Unwrap() error { return e.err }

// RedirectError is returned when a server redirects to another origin or a
// non-GET request; the target receives nothing.
type RedirectError struct {
	Host   string // the target's host[:port]
	Reason string
}

// Error names the refused target host and why.
func (e *RedirectError) Error() string {
	return "refusing redirect to " + e.Host + ": " + e.Reason
}

// excerptLen is the longest excerpt of a body kept in an error.
const excerptLen = 200

// Excerpt returns a short, printable excerpt of a (non-JSON) body for an
// error message: HTML tags dropped, white space folded, at most 200 bytes.
func Excerpt(body []byte) string {
	s := string(body)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	if strings.Contains(s, "<") {
		s = stripTags(s)
	}
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }), " ")
	if len(s) > excerptLen {
		cut := excerptLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// stripTags drops <...> markup, and the contents of <script> and <style>.
func stripTags(s string) string {
	var b strings.Builder
	lower := strings.ToLower(s)
	for i := 0; i < len(s); {
		if s[i] != '<' {
			b.WriteByte(s[i])
			i++
			continue
		}
		for _, skip := range []string{"<script", "<style"} {
			if strings.HasPrefix(lower[i:], skip) {
				end := strings.Index(lower[i:], "</"+skip[1:])
				if end < 0 {
					return b.String()
				}
				i += end
				break
			}
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		i += j + 1
		b.WriteByte(' ')
	}
	return b.String()
}
