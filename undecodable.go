package cloudkeys

import (
	"net/http"
	"strconv"
	"strings"
)

// UndecodableAnswerError reports a success answer (HTTP 2xx) that could not
// be read: broken or truncated JSON, a PHP notice or a proxy banner around
// it, an unexpected shape. Its text never quotes the answer.
//
// For a write (Write is true) it matches [ErrOutcomeUnknown]: the server
// accepted the call, so the key, or its new secret, may exist; reconcile by
// listing before trying again. Answer then holds the raw body byte for byte,
// redacted like any [Secret], because it may hold the only copy of a new
// secret:
//
//	var ue *cloudkeys.UndecodableAnswerError
//	if errors.As(err, &ue) && !ue.Answer.IsZero() {
//		keepForRecovery(ue.Answer.Reveal()) // never print it
//	}
//
// It always matches [ErrServer] and wraps an [*APIError] (StatusCode, the
// problem as Message).
type UndecodableAnswerError struct {
	Vendor     string
	Operation  string
	StatusCode int
	// Write is true when the call was a write that the server may have
	// carried out.
	Write bool
	// Answer is the raw body of a write's answer ("" for reads).
	Answer Secret
	// Problem says what could not be read (e.g. "invalid JSON at offset
	// 14"); it never contains answer text.
	Problem string
	// Size is the length of the answer in bytes.
	Size int
}

// Error returns "<vendor>: <operation>: cannot read the answer (HTTP 200,
// <n> bytes): <problem>", and for a write the reminder that it may have been
// carried out.
func (e *UndecodableAnswerError) Error() string {
	var b strings.Builder
	b.WriteString(e.Vendor)
	b.WriteString(": ")
	if e.Operation != "" {
		b.WriteString(e.Operation)
		b.WriteString(": ")
	}
	b.WriteString("cannot read the answer (HTTP ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	b.WriteString(", ")
	b.WriteString(strconv.Itoa(e.Size))
	b.WriteString(" bytes)")
	if e.Problem != "" {
		b.WriteString(": ")
		b.WriteString(e.Problem)
	}
	if e.Write {
		b.WriteString("; outcome unknown, the write may have been carried out (not re-sent; reconcile by listing")
		if !e.Answer.IsZero() {
			b.WriteString("; the raw answer, which may hold the new secret, is in UndecodableAnswerError.Answer")
		}
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns an [*APIError] describing the answer and, for a write,
// [ErrOutcomeUnknown].
func (e *UndecodableAnswerError) Unwrap() []error {
	ae := &APIError{Vendor: e.Vendor, Operation: e.Operation, StatusCode: e.StatusCode,
		Message: "cannot read the answer: " + e.Problem, Kind: ErrServer}
	if e.StatusCode < 200 || e.StatusCode > 299 {
		ae.StatusCode = http.StatusOK
	}
	if e.Write {
		return []error{ae, ErrOutcomeUnknown}
	}
	return []error{ae}
}
