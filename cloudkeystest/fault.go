package cloudkeystest

import (
	"net/http"
	"strconv"
	"time"
)

// Fault is what a fake does to one request instead of, or after, serving
// it normally; queue one with [Fake.FailNextWith]. Every fault is taken
// from the queue, and the request logged with [Request.Fault] set, after
// the request (body included) was read completely.
//
// The fields combine as follows: Delay first; then one of Reset, GoAway,
// StallHeaders, CutBody, StallBody, Drop (checked in that order); else
// Status. Commit (implied by CutBody and StallBody) makes the real handler
// run before the fault.
//
// Over HTTP/1.1 (plain or TLS) and through the in-memory transport
// ([Fake.Transport]) there are no streams: Reset and GoAway degrade to
// closing the connection without an answer (after serving with Commit,
// before it without).
//
// A fake's FailNext(n, status) is FailNextWith(n, Fault{Status: status}),
// CommitThenDrop(n) is Fault{Commit: true, Drop: true} and DropNext(n) is
// Fault{Drop: true}.
type Fault struct {
	// Status, when non-zero, is the status answered. Body and Header go with
	// it; a nil Body gets the vendor's error body for that status.
	Status int
	Header http.Header
	Body   []byte

	// Commit runs the real handler first, so the operation happens, and then
	// answers with Status or applies the drop, reset, GOAWAY or stall.
	// Without Commit the request is not served at all.
	Commit bool
	// Drop closes the connection without answering. Over HTTP/2 it resets
	// the request's stream with INTERNAL_ERROR instead, as net/http's
	// HTTP/2 server does for a handler that aborts.
	Drop bool
	// Delay holds the answer back (ending early if the client goes away or
	// the server closes, in which case nothing is answered).
	Delay time.Duration

	// Reset ends the request's HTTP/2 stream with RST_STREAM carrying this
	// code and no answer. With Commit the handler runs first (the operation
	// happened, the answer is lost: use ResetProtocolError,
	// ResetInternalError or ResetCancel); without Commit it does not run
	// (ResetRefusedStream: RFC 9113 section 8.7 says the request was not
	// processed, and clients may retry it). Over HTTP/1.1 and in memory the
	// connection is closed instead.
	Reset ResetCode
	// GoAway sends GOAWAY and closes the connection, without answering.
	// With Commit the handler runs first and GOAWAY's last-stream-id is this
	// request's stream (processed, the answer is lost); without Commit the
	// handler does not run and last-stream-id is below this stream (not
	// processed: RFC 9113 section 6.8). After GOAWAY the fake sends TLS
	// close_notify and closes the connection when the client does (or after
	// a second). Streams above last-stream-id that are still running lose
	// their answers. Over HTTP/1.1 and in memory the connection is closed
	// instead.
	GoAway bool
	// StallHeaders accepts the request and never answers: the fake holds it
	// until the client goes away (its context ends) or the server closes,
	// and then drops it. With Commit the handler runs first.
	StallHeaders bool
	// CutBody serves the request for real (Commit is implied), sends the
	// status, the headers (with the full Content-Length) and the first
	// CutAfter bytes of the body, and then cuts: over HTTP/1.1 the TCP
	// connection is closed; over HTTP/2 the whole connection is closed
	// (TLS close_notify, then close), or, when Reset is also set, only the
	// stream is reset with that code; in memory the body's Read fails with
	// io.ErrUnexpectedEOF. "A connection closed mid-body."
	CutBody bool
	// CutAfter is how many bytes of the body CutBody sends before cutting.
	CutAfter int
	// StallBody serves the request for real (Commit is implied), sends the
	// status, the headers (with the full Content-Length) and the first
	// StallAfter bytes of the body, flushes, and then blocks until the
	// client goes away or the server closes; the rest is never sent (the
	// connection, or the HTTP/2 stream, is then dropped).
	StallBody bool
	// StallAfter is how many bytes of the body StallBody sends before
	// stalling.
	StallAfter int

	// Match limits the fault to matching requests; nil matches any.
	// Requests that do not match pass through and do not use the fault up.
	Match func(*http.Request) bool
}

// ResetCode is an HTTP/2 error code sent in RST_STREAM (RFC 9113 section 7).
type ResetCode uint32

// The codes a fake's Fault.Reset may send. The zero value means no reset.
const (
	// ResetProtocolError is PROTOCOL_ERROR. Go's HTTP/2 client retries a
	// request reset with it when it can replay the body (GetBody set, or no
	// body), even if the server processed it.
	ResetProtocolError ResetCode = 0x1
	// ResetInternalError is INTERNAL_ERROR.
	ResetInternalError ResetCode = 0x2
	// ResetRefusedStream is REFUSED_STREAM: the request was not processed.
	ResetRefusedStream ResetCode = 0x7
	// ResetCancel is CANCEL.
	ResetCancel ResetCode = 0x8
)

// String returns the code's name in RFC 9113, e.g. "REFUSED_STREAM".
func (c ResetCode) String() string {
	switch c {
	case 0:
		return "NO_ERROR"
	case ResetProtocolError:
		return "PROTOCOL_ERROR"
	case ResetInternalError:
		return "INTERNAL_ERROR"
	case ResetRefusedStream:
		return "REFUSED_STREAM"
	case ResetCancel:
		return "CANCEL"
	}
	return "ResetCode(" + strconv.FormatUint(uint64(c), 10) + ")"
}
