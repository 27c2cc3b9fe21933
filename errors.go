package cloudkeys

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// Sentinel errors. Match them with errors.Is; every [*APIError] matches the
// one its status or vendor code maps to.
var (
	ErrNotFound       = errors.New("cloudkeys: not found")
	ErrUnauthorized   = errors.New("cloudkeys: unauthorized")
	ErrForbidden      = errors.New("cloudkeys: forbidden")
	ErrInvalidRequest = errors.New("cloudkeys: invalid request")
	ErrConflict       = errors.New("cloudkeys: conflict")
	ErrRateLimited    = errors.New("cloudkeys: rate limited")
	ErrServer         = errors.New("cloudkeys: server error")

	// ErrOutcomeUnknown means a write may or may not have happened: the
	// request may have reached the server and its answer was lost. The SDK
	// does not send it again; the caller must reconcile, e.g. by listing.
	ErrOutcomeUnknown = errors.New("cloudkeys: outcome unknown")

	// ErrUnsupported means the vendor or server version cannot do it.
	ErrUnsupported = errors.ErrUnsupported
)

// APIError is an error answer from a vendor's server. Every error a client
// returns for a server answer is, or wraps, an *APIError.
//
// Its text never contains a secret, a signature or a query string.
type APIError struct {
	Vendor     string // "cloudstack", "zstack", ...
	Operation  string // e.g. "registerUserKeys", "CreateAccessKey"
	StatusCode int    // HTTP status (0 where the vendor said "error" on a 200)
	Code       string // the vendor's code: CloudStack's cserrorcode ("4350"), "SYS.1007", "BCS.03400001", "badValueString"
	Message    string // the vendor's message, or a short excerpt of a non-JSON body
	RequestID  string // the vendor's request id, where it sends one

	// Attempts is how many times the request was sent (1 unless retried).
	Attempts int

	// Kind is the sentinel the vendor's code maps to (e.g. ErrUnsupported for
	// CloudStack's 432). When nil, the sentinel follows from StatusCode.
	Kind error
}

// Error returns "<vendor>: <operation>: <message> (HTTP <status>, code <code>, request <id>)".
func (e *APIError) Error() string {
	var b strings.Builder
	if e.Vendor != "" {
		b.WriteString(e.Vendor)
		b.WriteString(": ")
	}
	if e.Operation != "" {
		b.WriteString(e.Operation)
		b.WriteString(": ")
	}
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	if msg == "" {
		msg = "error"
	}
	b.WriteString(msg)
	var parts []string
	if e.StatusCode != 0 {
		parts = append(parts, "HTTP "+strconv.Itoa(e.StatusCode))
	}
	if e.Code != "" {
		parts = append(parts, "code "+e.Code)
	}
	if e.RequestID != "" {
		parts = append(parts, "request "+e.RequestID)
	}
	if e.Attempts > 1 {
		parts = append(parts, strconv.Itoa(e.Attempts)+" attempts")
	}
	if len(parts) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(parts, ", "))
		b.WriteString(")")
	}
	return b.String()
}

// Is reports whether target is the sentinel this error maps to: Kind when
// set, otherwise by status — 400→ErrInvalidRequest, 401→ErrUnauthorized,
// 403→ErrForbidden, 404→ErrNotFound, 409→ErrConflict, 429→ErrRateLimited,
// 5xx→ErrServer.
func (e *APIError) Is(target error) bool {
	if target == nil {
		return false
	}
	if e.Kind != nil {
		return target == e.Kind || errors.Is(e.Kind, target)
	}
	return target == statusSentinel(e.StatusCode)
}

// statusSentinel returns the sentinel error an HTTP status maps to, or nil.
func statusSentinel(status int) error {
	switch {
	case status == http.StatusBadRequest:
		return ErrInvalidRequest
	case status == http.StatusUnauthorized:
		return ErrUnauthorized
	case status == http.StatusForbidden:
		return ErrForbidden
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusConflict:
		return ErrConflict
	case status == http.StatusTooManyRequests:
		return ErrRateLimited
	case status >= 500 && status <= 599:
		return ErrServer
	}
	return nil
}

// InvalidInputError is returned for bad input caught before any request is
// sent. It names the field and matches [ErrInvalidRequest].
type InvalidInputError struct {
	Vendor  string // may be empty
	Field   string // the parameter or field at fault, e.g. "Owner"
	Problem string // what is wrong, e.g. "must be 32 characters"
}

// Error returns "<vendor>: invalid <field>: <problem>".
func (e *InvalidInputError) Error() string {
	p := "cloudkeys"
	if e.Vendor != "" {
		p = e.Vendor
	}
	return p + ": invalid " + e.Field + ": " + e.Problem
}

// Is matches [ErrInvalidRequest].
func (e *InvalidInputError) Is(target error) bool { return target == ErrInvalidRequest }

// InvalidInput returns an [*InvalidInputError] for field. The problem text must
// not contain the field's value when that value may be a secret.
func InvalidInput(vendor, field, problem string) error {
	return &InvalidInputError{Vendor: vendor, Field: field, Problem: problem}
}

// UnsupportedError is the error a vendor returns, before any request, for
// what it or its server version cannot do: a [KeyManager] method
// (RotateKey, SetKeyEnabled, DeleteKey) or a field of a request
// (ExpiresAt where [Capabilities].Expiry is false). It matches
// [ErrUnsupported]. Build it with [Unsupported].
type UnsupportedError struct {
	Vendor    string // "cloudstack", ...
	Operation string // e.g. "RotateKey", "CreateKey"
	Reason    string // why, and what to use instead where there is something
}

// Error returns "<vendor>: <operation>: not supported: <reason>".
func (e *UnsupportedError) Error() string {
	return e.Vendor + ": " + e.Operation + ": not supported: " + e.Reason
}

// Unwrap returns [ErrUnsupported].
func (e *UnsupportedError) Unwrap() error { return ErrUnsupported }

// Unsupported returns the refusal of operation op by vendor, for the reason
// why: an [*UnsupportedError], matching [ErrUnsupported], whose text is
// "<vendor>: <op>: not supported: <why>". Every vendor refuses this way,
// in these words, before sending anything.
func Unsupported(vendor, op, why string) error {
	return &UnsupportedError{Vendor: vendor, Operation: op, Reason: why}
}
