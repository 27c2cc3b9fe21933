package transport

import (
	"errors"
	"strings"
)

// h2StreamError has the shape of net/http's (and x/net/http2's) HTTP/2
// StreamError; net/http's As method fills any struct of this shape, so the
// code of a reset stream can be read without importing x/net.
type h2StreamError struct {
	StreamID uint32
	Code     uint32
	Cause    error
}

func (e h2StreamError) Error() string { return "http2 stream error" }

// h2RefusedStream is the HTTP/2 error code REFUSED_STREAM (RFC 9113 §7).
const h2RefusedStream = 0x7

// refusedUnprocessed reports whether err shows that the server refused the
// request before processing any of it, so that a Write may be sent again
// (RFC 9113 §8.7): the stream was reset with REFUSED_STREAM, or a GOAWAY
// named a last stream below it. Go's HTTP/2 transport reports these as
// typed errors when it could replay the request itself, and, once a Write
// has no GetBody (setBody), as "cannot retry err [<cause>] after
// Request.Body was written" with the cause only as text; both forms are
// recognised. A reset with any other code, or a GOAWAY that covers the
// stream ("server sent GOAWAY and closed the connection"), may follow
// processing and is not matched.
func refusedUnprocessed(err error) bool {
	if err == nil {
		return false
	}
	var se h2StreamError
	if errors.As(err, &se) && se.Code == h2RefusedStream {
		return true
	}
	msg := err.Error()
	for _, s := range unprocessedTexts {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// unprocessedTexts are the texts of net/http's HTTP/2 errors for a request
// the server did not process: a stream reset with REFUSED_STREAM, a stream
// above the last stream id of a graceful GOAWAY, and the first stream of a
// connection the server shut down with an error GOAWAY before it.
var unprocessedTexts = []string{
	"; REFUSED_STREAM",
	"http2: Transport received Server's graceful shutdown GOAWAY",
	"http2: Transport received GOAWAY from server ErrCode:",
}
