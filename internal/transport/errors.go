package transport

import (
	"bytes"
	"errors"
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

// notSentError marks a failure before anything was sent (the signer
// refused, or a header value cannot be sent): nothing to retry, no doubt
// about the outcome.
type notSentError struct {
	stage string // "signing", "header"
	err   error
}

func (e *notSentError) Error() string { return e.stage + ": " + e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

// Is makes an unsendable header value (user input such as a token with a
// line break) match cloudkeys.ErrInvalidRequest.
func (e *notSentError) Is(target error) bool {
	return e.stage == "header" && target == cloudkeys.ErrInvalidRequest
}

// checkHeaders refuses header names and values net/http would refuse (or
// that would split the request): control characters other than tab. It
// names the header, never its value.
func checkHeaders(h map[string][]string) error {
	for name, vs := range h {
		if name == "" || strings.ContainsFunc(name, func(r rune) bool { return r <= ' ' || r >= 0x7f || strings.ContainsRune("\"(),/:;<=>?@[\\]{}", r) }) {
			return &notSentError{stage: "header", err: errors.New("invalid header name " + strconv.Quote(name))}
		}
		for _, v := range vs {
			if strings.ContainsFunc(v, func(r rune) bool { return (r < ' ' && r != '\t') || r == 0x7f }) {
				return &notSentError{stage: "header", err: errors.New("the value of header " + name + " contains a control character")}
			}
		}
	}
	return nil
}

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

// MayHoldKey reports whether a JSON body could hold an object key equal to
// key as encoding/json matches it (ASCII case-insensitively): it holds key
// in any ASCII case, or a \u escape, which could spell it. A false answer
// lets a vendor settle a success answer without decoding it for an error
// envelope. key must be ASCII letters other than k and s (the only letters
// with non-ASCII case folds, which encoding/json also matches).
func MayHoldKey(body []byte, key string) bool {
	if bytes.Contains(body, []byte(`\u`)) {
		return true
	}
	first := key[0] | 0x20
	for i := 0; i+len(key) <= len(body); i++ {
		if body[i]|0x20 == first && bytes.EqualFold(body[i:i+len(key)], []byte(key)) {
			return true
		}
	}
	return false
}
