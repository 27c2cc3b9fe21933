package transport

import (
	"bytes"
	"errors"
	"slices"
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
		if !validHeaderName(name) {
			return &notSentError{stage: "header", err: errors.New("invalid header name " + strconv.Quote(name))}
		}
		for _, v := range vs {
			if !validHeaderValue(v) {
				return &notSentError{stage: "header", err: errors.New("the value of header " + name + " contains a control character")}
			}
		}
	}
	return nil
}

// validHeaderName reports a non-empty name of printable ASCII without
// separators. Byte by byte: every byte of a multi-byte character is >= 0x80.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !nameByte[name[i]] {
			return false
		}
	}
	return true
}

// nameByte marks the bytes a header name may hold.
var nameByte = func() (t [256]bool) {
	for b := '!'; b < 0x7f; b++ {
		t[b] = !strings.ContainsRune("\"(),/:;<=>?@[\\]{}", b)
	}
	return t
}()

// validHeaderValue reports a value without control characters (tab
// allowed). Byte by byte: a multi-byte character has no byte below 0x80.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; (b < ' ' && b != '\t') || b == 0x7f {
			return false
		}
	}
	return true
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
// error message: HTML tags dropped, white space folded, the value of every
// field named like a credential replaced with "[REDACTED]" (see
// RedactCredentials; in markup, the text of such an element), at most 200
// bytes. Use it for error answers only: a success answer is never quoted.
func Excerpt(body []byte) string {
	s := string(body)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	if strings.Contains(s, "<") {
		s = stripTags(s)
	}
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }), " ")
	s = RedactCredentials(s)
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
		name := s[i+1 : i+j]
		i += j + 1
		b.WriteByte(' ')
		if n := strings.IndexAny(name, " \t\r\n/"); n >= 0 {
			name = name[:n]
		}
		if name != "" && isCredentialName(name) {
			// <SecretKey>value</SecretKey>: the element's text goes.
			end := strings.IndexByte(s[i:], '<')
			if end < 0 {
				end = len(s) - i
			}
			if strings.TrimSpace(s[i:i+end]) != "" {
				b.WriteString(redacted + " ")
			}
			i += end
		}
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

// redacted replaces a credential value in an excerpt.
const redacted = "[REDACTED]"

// credentialWords are the parts of a field name that make its value a
// credential, matched case-insensitively with '_', '-' and '.' left out
// (so api_key, Api-Key and APIKEY all hold "apikey").
var credentialWords = []string{
	"secret", "password", "passwd", "token", "apikey", "accesskey", "signature",
	"sessionkey", "sessionid", "credential", "private", "authorization",
}

// maxNameLen bounds how far back a field name is looked for.
const maxNameLen = 128

// isCredentialName reports whether a field name names a credential.
func isCredentialName(name string) bool {
	if len(name) > maxNameLen {
		return false
	}
	var buf [maxNameLen]byte
	n := 0
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_' || c == '-' || c == '.':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	norm := string(buf[:n])
	for _, w := range credentialWords {
		if strings.Contains(norm, w) {
			return true
		}
	}
	return false
}

// mayHoldCredential is a quick test that s names no credential at all.
func mayHoldCredential(s string) bool {
	lower := strings.ToLower(s)
	for _, w := range [...]string{"secret", "passw", "token", "api", "access", "signature", "session", "credential", "private", "authoriz"} {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.'
}

// RedactCredentials replaces the value of every field whose name looks like
// a credential (it contains secret, password, passwd, token, apikey/api_key,
// access_key, signature, sessionkey, sessionid, credential, private or
// authorization, in any case) with "[REDACTED]", in the shapes an error body shows: JSON
// ("key": "value", "key": 123, "key": {...}), form or query (key=value) and
// headers or YAML (key: value; "Bearer <token>" counts as one value).
// Everything else is kept as it is.
func RedactCredentials(s string) string {
	if !mayHoldCredential(s) {
		return s
	}
	var b strings.Builder
	last := 0 // s[:last] is settled (copied or replaced)
	from := 0 // where a name may start: a value just replaced may be one
	for i := 0; i < len(s); i++ {
		if s[i] != ':' && s[i] != '=' {
			continue
		}
		name, ok := nameBefore(s, from, i)
		if !ok || !isCredentialName(name) {
			continue
		}
		v := i + 1
		for v < len(s) && s[v] == ' ' {
			v++
		}
		end, quote := valueEnd(s, v)
		b.WriteString(s[last:v])
		if quote != 0 {
			b.WriteByte(quote)
			b.WriteString(redacted)
			b.WriteByte(quote)
		} else {
			b.WriteString(redacted)
		}
		last, from = end, v
		i = end - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// nameBefore returns the field name that ends just before the separator at
// sep (spaces allowed in between): a quoted string or a bare word, not
// reaching back before from.
func nameBefore(s string, from, sep int) (string, bool) {
	j := sep - 1
	for j >= from && s[j] == ' ' {
		j--
	}
	if j < from {
		return "", false
	}
	if q := s[j]; q == '"' || q == '\'' {
		for k := j - 1; k >= from && j-k <= maxNameLen+1; k-- {
			if s[k] == q && (k == 0 || s[k-1] != '\\') {
				return s[k+1 : j], k+1 < j
			}
		}
		return "", false
	}
	k := j
	for k >= from && j-k < maxNameLen && isNameByte(s[k]) {
		k--
	}
	return s[k+1 : j+1], k < j
}

// authSchemes are words that start an Authorization-style value whose
// secret is the next word.
var authSchemes = []string{"bearer", "basic", "oauth", "digest", "token", "sdk-hmac-sha256"}

// valueEnd returns where the value starting at v ends, and its quote (0 for
// an unquoted value): a quoted string, a balanced {...} or [...] (to the end
// of s when unbalanced), or a run up to white space or punctuation that
// ends a field.
func valueEnd(s string, v int) (int, byte) {
	if v >= len(s) {
		return v, 0
	}
	switch c := s[v]; c {
	case '"', '\'':
		for k := v + 1; k < len(s); k++ {
			if s[k] == '\\' {
				k++
				continue
			}
			if s[k] == c {
				return k + 1, c
			}
		}
		return len(s), c
	case '{', '[':
		depth := 0
		var inStr byte
		for k := v; k < len(s); k++ {
			ch := s[k]
			switch {
			case inStr != 0 && ch == '\\':
				k++
			case inStr != 0:
				if ch == inStr {
					inStr = 0
				}
			case ch == '"' || ch == '\'':
				inStr = ch
			case ch == '{' || ch == '[':
				depth++
			case ch == '}' || ch == ']':
				depth--
				if depth == 0 {
					return k + 1, 0
				}
			}
		}
		return len(s), 0
	}
	end := wordEnd(s, v)
	if end < len(s) && s[end] == ' ' && slices.Contains(authSchemes, strings.ToLower(s[v:end])) {
		if next := wordEnd(s, end+1); next > end+1 {
			end = next
		}
	}
	// A word ending in a separator ("password:" in "secret: password: x")
	// is a name: its value goes too.
	for end > v && (s[end-1] == ':' || s[end-1] == '=') {
		n := end
		for n < len(s) && s[n] == ' ' {
			n++
		}
		if n < len(s) && strings.IndexByte("\"'{[", s[n]) >= 0 {
			end, _ = valueEnd(s, n) // quoted or bracketed: ends there
			break
		}
		next := wordEnd(s, n)
		if next == n {
			break
		}
		end = next
	}
	return end, 0
}

// wordEnd returns the end of an unquoted value starting at v.
func wordEnd(s string, v int) int {
	for k := v; k < len(s); k++ {
		switch s[k] {
		case ' ', '\t', '\r', '\n', '&', ',', ';', '}', ']', ')', '"', '\'', '<':
			return k
		}
	}
	return len(s)
}
