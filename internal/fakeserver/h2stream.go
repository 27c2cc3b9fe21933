package fakeserver

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/net/http2"
)

// h2Stream is one request/response exchange on an h2Conn.
type h2Stream struct {
	id     uint32
	ctx    context.Context
	cancel context.CancelFunc
	body   *h2Body

	// Guarded by the connection's mu.
	sendWindow int64 // the client's window for our DATA on this stream
	reset      bool  // reset by either side, or the connection is done: no more writes
	rstSent    bool
}

// h2Body is a stream's request body: the read loop appends DATA, the
// handler reads it. Consumed bytes are returned to the client with
// WINDOW_UPDATE, so at most the stream window is ever buffered.
type h2Body struct {
	c  *h2Conn
	st *h2Stream

	mu      sync.Mutex
	cond    *sync.Cond
	chunks  [][]byte
	err     error // io.EOF after END_STREAM; another error when ended early
	closed  bool  // the handler closed it: data is dropped
	unacked int   // consumed, not yet returned with WINDOW_UPDATE
}

// write appends data (the read loop's frame buffer: copied).
func (b *h2Body) write(data []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil || b.closed {
		return
	}
	b.chunks = append(b.chunks, append([]byte(nil), data...))
	b.cond.Broadcast()
}

// finish ends the body with err (io.EOF: complete), unless already ended.
func (b *h2Body) finish(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err == nil {
		b.err = err
	}
	b.cond.Broadcast()
}

// ended reports whether the client finished sending (END_STREAM) or the
// body was ended otherwise.
func (b *h2Body) ended() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err != nil
}

// Read reads the request body, waiting for DATA.
func (b *h2Body) Read(p []byte) (int, error) {
	b.mu.Lock()
	for len(b.chunks) == 0 && b.err == nil && !b.closed {
		b.cond.Wait()
	}
	if b.closed {
		b.mu.Unlock()
		return 0, http.ErrBodyReadAfterClose
	}
	if len(b.chunks) == 0 {
		err := b.err
		b.mu.Unlock()
		return 0, err
	}
	n := copy(p, b.chunks[0])
	if n == len(b.chunks[0]) {
		b.chunks[0] = nil
		b.chunks = b.chunks[1:]
	} else {
		b.chunks[0] = b.chunks[0][n:]
	}
	b.mu.Unlock()
	b.consumed(n)
	return n, nil
}

// consumed returns n bytes of the stream window to the client, in steps of
// a quarter of the window, while the client is still sending.
func (b *h2Body) consumed(n int) {
	b.mu.Lock()
	b.unacked += n
	send := 0
	if b.unacked >= h2StreamWindow/4 && b.err == nil {
		send, b.unacked = b.unacked, 0
	}
	b.mu.Unlock()
	if send > 0 {
		b.c.enqueue(h2Out{kind: outWindowUpdate, stream: b.st.id, val: uint32(send)})
	}
}

// Close drops the rest of the body.
func (b *h2Body) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	b.chunks = nil
	b.cond.Broadcast()
	return nil
}

// h2Writer is the ResponseWriter (and http.Flusher) of a stream. Headers
// go out at the first Flush, when the buffered body exceeds h2WriteBuffer,
// or when the handler returns (then with Content-Length when the handler
// set none). It is used by the handler's goroutine only.
type h2Writer struct {
	c      *h2Conn
	st     *h2Stream
	req    *http.Request
	header http.Header
	status int
	sent   bool   // HEADERS queued
	buf    []byte // body not yet sent
	done   bool   // END_STREAM, RST_STREAM or GOAWAY sent: nothing more
}

func (w *h2Writer) Header() http.Header { return w.header }

func (w *h2Writer) WriteHeader(code int) {
	if w.sent || w.status != 0 || code < 200 {
		return
	}
	w.status = code
}

func (w *h2Writer) Write(p []byte) (int, error) {
	if w.done {
		return 0, errH2StreamClosed
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if !bodyAllowed(w.req.Method, w.status) {
		if w.req.Method == http.MethodHead {
			return len(p), nil
		}
		return 0, http.ErrBodyNotAllowed
	}
	w.buf = append(w.buf, p...)
	if len(w.buf) >= h2WriteBuffer {
		if err := w.flush(false); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush sends the headers and the body written so far (http.Flusher).
func (w *h2Writer) Flush() { _ = w.FlushError() }

// FlushError is Flush returning the error (for http.ResponseController).
func (w *h2Writer) FlushError() error {
	if w.done {
		return errH2StreamClosed
	}
	return w.flush(false)
}

func (w *h2Writer) flush(end bool) error {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if !w.c.streamLive(w.st) { // reset by the client, or cut off by GOAWAY
		w.buf = nil
		return errH2StreamClosed
	}
	if !w.sent {
		w.sent = true
		h := w.header.Clone()
		allowed := bodyAllowed(w.req.Method, w.status)
		if _, ok := h["Content-Type"]; !ok && allowed && len(w.buf) > 0 {
			h.Set("Content-Type", http.DetectContentType(w.buf))
		}
		if end && allowed && h.Get("Content-Length") == "" {
			h.Set("Content-Length", strconv.Itoa(len(w.buf)))
		}
		if _, ok := h["Date"]; !ok {
			h.Set("Date", time.Now().UTC().Format(http.TimeFormat))
		}
		w.c.sendHeaders(w.st, w.status, h, end && len(w.buf) == 0)
		if end && len(w.buf) == 0 {
			return nil
		}
	}
	p := w.buf
	w.buf = nil
	return w.c.sendData(w.st, p, end)
}

// finish ends the response after the handler returned.
func (w *h2Writer) finish() {
	if w.done {
		return
	}
	w.done = true
	_ = w.flush(true)
}

// resetStream implements streamFaulter.
func (w *h2Writer) resetStream(code ResetCode) {
	w.done = true
	w.c.resetStream(w.st, http2.ErrCode(code))
}

// goAway implements streamFaulter.
func (w *h2Writer) goAway(processed bool) {
	w.done = true
	last := w.st.id
	if !processed {
		last = 0
		if w.st.id > 2 {
			last = w.st.id - 2
		}
	}
	w.c.goAway(last, http2.ErrCodeNo)
}

// closeConnection implements streamFaulter: what was written is flushed,
// then the connection is closed (TLS close_notify, then close).
func (w *h2Writer) closeConnection() {
	if !w.done && len(w.buf) > 0 {
		_ = w.flush(false)
	}
	w.done = true
	w.c.enqueue(h2Out{kind: outCloseWrite})
}
