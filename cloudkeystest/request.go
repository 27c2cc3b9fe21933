package cloudkeystest

import (
	"net/http"
	"time"
)

// Request is one request as a fake received it ([Fake.Requests]). It is
// kept in memory for tests to inspect and is never logged.
type Request struct {
	// Time is when the request arrived, by the fake's Clock.
	Time   time.Time
	Method string
	// Path is the request path, unescaped.
	Path string
	// RawPath is the request path as sent, escaped.
	RawPath string
	// RawQuery is the query as sent, without the "?".
	RawQuery string
	// Header holds the request headers, credentials included (the log is
	// for tests; print it with care).
	Header http.Header
	// Body is the request body as received, or nil when it was not kept:
	// the request failed authentication (see Unauthenticated), or the
	// log's byte budget (DefaultMaxLoggedBodyBytes) dropped it. BodySize
	// tells how long it was.
	Body     []byte
	BodySize int64
	// BodyDropped is true when Body was received but not kept.
	BodyDropped bool
	// Unauthenticated is true when the fake rejected the request's
	// credentials (a bad signature, an unknown or expired token or
	// session, a wrong password), whatever it answered, or answered it
	// 401 or 403.
	Unauthenticated bool
	// Proto is "HTTP/1.1" or "HTTP/2.0".
	Proto string
	// Status is the status the fake answered, 0 while the request is being
	// served or when no answer was sent (a drop, a reset, a stall).
	Status int
	// Fault is true when an injected Fault was applied to the request.
	Fault bool
}

// Bounds of a fake's request log ([Fake.Requests]).
const (
	// DefaultMaxLoggedRequests is how many requests the log keeps, the
	// newest, unless the fake was started with its WithMaxLoggedRequests
	// option.
	DefaultMaxLoggedRequests = 4096
	// DefaultMaxLoggedBodyBytes is the total size of the request bodies
	// the log keeps; past it, the bodies of the oldest entries are dropped
	// first (the entries stay, with BodyDropped set).
	DefaultMaxLoggedBodyBytes = 64 << 20
)
