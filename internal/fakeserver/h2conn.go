package fakeserver

// The fake's own HTTP/2 server (RFC 9113), for the TLSHTTP2 mode. net/http
// serves HTTP/2 too, but it cannot be made to reset a stream with a chosen
// code or to send GOAWAY on demand, and the standard library exports no
// HTTP/2 framer; this server is built on golang.org/x/net/http2's Framer
// and its HPACK package. It does what a client needs to talk to it, no
// more: the preface, SETTINGS (and their ACKs), PING ACKs, flow control
// both ways, CONTINUATION, concurrent streams (a goroutine per request),
// streamed request and response bodies, RST_STREAM from the client
// cancelling its request, and GOAWAY. No server push, no priorities, no
// trailers.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// The fake's HTTP/2 settings.
const (
	// h2StreamWindow is the receive window of every stream
	// (SETTINGS_INITIAL_WINDOW_SIZE); consumed request body is returned
	// with WINDOW_UPDATE once a quarter of it is used.
	h2StreamWindow = 4 << 20
	// h2ConnWindow is the connection's receive window; received DATA is
	// returned at once (each stream's buffer is bounded by its window).
	h2ConnWindow = 1 << 30
	// h2MaxReadFrame is SETTINGS_MAX_FRAME_SIZE.
	h2MaxReadFrame = 1 << 20
	// h2MaxHeaderList is SETTINGS_MAX_HEADER_LIST_SIZE.
	h2MaxHeaderList = 1 << 20
	// h2MaxStreams is SETTINGS_MAX_CONCURRENT_STREAMS.
	h2MaxStreams = 250
	// h2WriteBuffer is how much response body a handler writes before it
	// is sent (without Flush).
	h2WriteBuffer = 16 << 10
	// h2GoAwayGrace bounds how long a connection stays open after the
	// fake sent close_notify, waiting for the client to close it.
	h2GoAwayGrace = time.Second
)

var (
	errH2StreamClosed = errors.New("fakeserver: http2 stream closed")
	errH2ConnClosed   = errors.New("fakeserver: http2 connection closed")
	errH2ClientReset  = errors.New("fakeserver: http2 stream reset by the client")
)

// h2Conn is one HTTP/2 connection. The read loop (serve) owns reading; a
// writer goroutine owns writing, draining a queue of frames, so that the
// read loop never blocks on a write (over net.Pipe, which has no buffer,
// both ends writing at once would deadlock otherwise).
type h2Conn struct {
	ns       *netServer
	raw      net.Conn
	conn     *tls.Conn
	tlsState tls.ConnectionState
	fr       *http2.Framer

	ctx    context.Context // ends when the connection is done
	cancel context.CancelFunc

	// The write queue, drained by writeLoop.
	qmu     sync.Mutex
	qcond   *sync.Cond
	queue   []h2Out
	qclosed bool // nothing more is written (closed, or close_notify sent)
	qexit   bool // the read loop is done: writeLoop returns
	grace   *time.Timer

	// Stream and flow-control state.
	mu           sync.Mutex
	cond         *sync.Cond // flow-control waiters
	streams      map[uint32]*h2Stream
	maxStreamID  uint32
	sendWindow   int64 // the client's connection window for our DATA
	peerInitWin  int64 // the client's SETTINGS_INITIAL_WINDOW_SIZE
	peerMaxFrame int   // the client's SETTINGS_MAX_FRAME_SIZE
	dead         bool
	goingAway    bool
	goAwayLast   uint32

	// The read loop's unacknowledged received DATA on the connection.
	recvUnacked int64
}

// h2OutKind is the kind of a queued frame.
type h2OutKind int

const (
	outSettings h2OutKind = iota
	outSettingsAck
	outPingAck
	outWindowUpdate
	outHeaders
	outData
	outRST
	outGoAway
	outTableSize  // apply the client's SETTINGS_HEADER_TABLE_SIZE to the encoder
	outCloseWrite // flush, send TLS close_notify, stop writing
)

// h2Out is a frame to write.
type h2Out struct {
	kind     h2OutKind
	stream   uint32
	end      bool
	data     []byte
	fields   []hpack.HeaderField
	code     http2.ErrCode
	val      uint32
	ping     [8]byte
	settings []http2.Setting
}

func newH2Conn(ns *netServer, raw net.Conn, tc *tls.Conn) *h2Conn {
	c := &h2Conn{
		ns: ns, raw: raw, conn: tc, tlsState: tc.ConnectionState(),
		streams: map[uint32]*h2Stream{}, sendWindow: 65535, peerInitWin: 65535, peerMaxFrame: 16384,
	}
	c.qcond = sync.NewCond(&c.qmu)
	c.cond = sync.NewCond(&c.mu)
	c.ctx, c.cancel = context.WithCancel(context.Background())
	return c
}

// serve runs the connection until it is closed.
func (c *h2Conn) serve() {
	defer c.cleanup()
	br := bufio.NewReaderSize(c.conn, 64<<10)
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(br, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	bw := bufio.NewWriterSize(c.conn, 64<<10)
	c.fr = http2.NewFramer(bw, br)
	c.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	c.fr.MaxHeaderListSize = h2MaxHeaderList
	c.fr.SetMaxReadFrameSize(h2MaxReadFrame)
	if !c.ns.group.start(func() { c.writeLoop(bw) }) {
		return
	}
	c.enqueue(h2Out{kind: outSettings, settings: []http2.Setting{
		{ID: http2.SettingMaxConcurrentStreams, Val: h2MaxStreams},
		{ID: http2.SettingInitialWindowSize, Val: h2StreamWindow},
		{ID: http2.SettingMaxFrameSize, Val: h2MaxReadFrame},
		{ID: http2.SettingMaxHeaderListSize, Val: h2MaxHeaderList},
	}})
	c.enqueue(h2Out{kind: outWindowUpdate, val: h2ConnWindow - 65535})

	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			var se http2.StreamError
			if errors.As(err, &se) {
				c.streamError(se)
				continue
			}
			var ce http2.ConnectionError
			if errors.As(err, &ce) {
				c.enqueue(h2Out{kind: outGoAway, val: c.lastStreamID(), code: http2.ErrCode(ce)})
				c.enqueue(h2Out{kind: outCloseWrite})
			}
			return
		}
		if err := c.handleFrame(f); err != nil {
			c.enqueue(h2Out{kind: outGoAway, val: c.lastStreamID(), code: http2.ErrCodeProtocol})
			c.enqueue(h2Out{kind: outCloseWrite})
			return
		}
	}
}

func (c *h2Conn) lastStreamID() uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.maxStreamID
}

// handleFrame processes one frame; an error is a connection error.
func (c *h2Conn) handleFrame(f http2.Frame) error {
	switch f := f.(type) {
	case *http2.SettingsFrame:
		if f.IsAck() {
			return nil
		}
		err := f.ForeachSetting(func(s http2.Setting) error {
			switch s.ID {
			case http2.SettingInitialWindowSize:
				c.mu.Lock()
				delta := int64(s.Val) - c.peerInitWin
				c.peerInitWin = int64(s.Val)
				for _, st := range c.streams {
					st.sendWindow += delta
				}
				c.cond.Broadcast()
				c.mu.Unlock()
			case http2.SettingMaxFrameSize:
				c.mu.Lock()
				c.peerMaxFrame = int(s.Val)
				c.mu.Unlock()
			case http2.SettingHeaderTableSize:
				c.enqueue(h2Out{kind: outTableSize, val: s.Val})
			}
			return nil
		})
		if err != nil {
			return err
		}
		c.enqueue(h2Out{kind: outSettingsAck})
	case *http2.PingFrame:
		if !f.IsAck() {
			c.enqueue(h2Out{kind: outPingAck, ping: f.Data})
		}
	case *http2.WindowUpdateFrame:
		c.mu.Lock()
		if f.StreamID == 0 {
			c.sendWindow += int64(f.Increment)
		} else if st := c.streams[f.StreamID]; st != nil {
			st.sendWindow += int64(f.Increment)
		}
		c.cond.Broadcast()
		c.mu.Unlock()
	case *http2.MetaHeadersFrame:
		return c.handleHeaders(f)
	case *http2.DataFrame:
		c.handleData(f)
	case *http2.RSTStreamFrame:
		c.mu.Lock()
		st := c.streams[f.StreamID]
		c.mu.Unlock()
		if st != nil {
			c.abortStream(st, errH2ClientReset)
		}
	case *http2.PushPromiseFrame:
		return errors.New("push promise from a client")
	case *http2.GoAwayFrame, *http2.PriorityFrame:
		// Nothing to do: the client closes the connection when it is done.
	}
	return nil
}

func (c *h2Conn) handleHeaders(f *http2.MetaHeadersFrame) error {
	id := f.StreamID
	if id%2 == 0 {
		return errors.New("even stream id from a client")
	}
	c.mu.Lock()
	if st := c.streams[id]; st != nil { // trailers: not kept
		c.mu.Unlock()
		if f.StreamEnded() {
			st.body.finish(io.EOF)
		}
		return nil
	}
	if id <= c.maxStreamID { // a stream already closed
		c.mu.Unlock()
		return nil
	}
	c.maxStreamID = id
	if c.goingAway || c.dead { // refused by the GOAWAY already sent
		c.mu.Unlock()
		return nil
	}
	st := &h2Stream{id: id, sendWindow: c.peerInitWin}
	st.ctx, st.cancel = context.WithCancel(c.ctx)
	st.body = &h2Body{c: c, st: st}
	st.body.cond = sync.NewCond(&st.body.mu)
	c.streams[id] = st
	c.mu.Unlock()

	if f.StreamEnded() {
		st.body.finish(io.EOF)
	}
	req, err := c.newRequest(st, f)
	if err != nil {
		c.resetStream(st, http2.ErrCodeProtocol)
		c.streamDone(st)
		return nil
	}
	w := &h2Writer{c: c, st: st, req: req, header: http.Header{}}
	if !c.ns.group.start(func() { c.runHandler(st, w, req) }) {
		c.resetStream(st, http2.ErrCodeRefusedStream)
		c.streamDone(st)
	}
	return nil
}

// newRequest builds the *http.Request of a stream from its header block.
func (c *h2Conn) newRequest(st *h2Stream, f *http2.MetaHeadersFrame) (*http.Request, error) {
	method, path := f.PseudoValue("method"), f.PseudoValue("path")
	scheme, authority := f.PseudoValue("scheme"), f.PseudoValue("authority")
	if method == "" || path == "" || scheme == "" || method == http.MethodConnect {
		return nil, errors.New("missing pseudo-header")
	}
	u, err := url.ParseRequestURI(path)
	if err != nil {
		return nil, err
	}
	header := http.Header{}
	for _, hf := range f.RegularFields() {
		header.Add(hf.Name, hf.Value)
	}
	if cookies := header.Values("Cookie"); len(cookies) > 1 {
		header.Set("Cookie", strings.Join(cookies, "; "))
	}
	if authority == "" {
		authority = header.Get("Host")
	}
	header.Del("Host")
	var body io.ReadCloser = st.body
	cl := int64(-1)
	if f.StreamEnded() {
		body, cl = http.NoBody, 0
	} else if v := header.Get("Content-Length"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			cl = n
		}
	}
	ctx := context.WithValue(st.ctx, http.LocalAddrContextKey, c.raw.LocalAddr())
	r := &http.Request{
		Method: method, URL: u, Proto: "HTTP/2.0", ProtoMajor: 2, ProtoMinor: 0,
		Header: header, Body: body, ContentLength: cl, Host: authority,
		RemoteAddr: c.raw.RemoteAddr().String(), RequestURI: path, TLS: &c.tlsState,
	}
	return r.WithContext(ctx), nil
}

// runHandler serves one stream in its own goroutine.
func (c *h2Conn) runHandler(st *h2Stream, w *h2Writer, r *http.Request) {
	defer c.streamDone(st)
	defer func() {
		if v := recover(); v != nil {
			if v != http.ErrAbortHandler { //nolint:errorlint // sentinel panic value
				log.Printf("fakeserver: http2: panic serving %s %s: %v", r.Method, r.URL.Path, v)
			}
			// Like net/http's HTTP/2 server for a handler that aborts.
			if !w.done {
				w.done = true
				c.resetStream(st, http2.ErrCodeInternal)
			}
		}
	}()
	c.ns.s.ServeHTTP(w, r)
	w.finish()
}

func (c *h2Conn) handleData(f *http2.DataFrame) {
	n := int64(f.Header().Length)
	if n > 0 {
		c.recvUnacked += n
		if c.recvUnacked >= 1<<20 {
			c.enqueue(h2Out{kind: outWindowUpdate, val: uint32(c.recvUnacked)})
			c.recvUnacked = 0
		}
	}
	c.mu.Lock()
	st := c.streams[f.StreamID]
	c.mu.Unlock()
	if st == nil {
		return // closed or reset: dropped
	}
	data := f.Data()
	if pad := n - int64(len(data)); pad > 0 {
		st.body.consumed(int(pad))
	}
	if len(data) > 0 {
		st.body.write(data)
	}
	if f.StreamEnded() {
		st.body.finish(io.EOF)
	}
}

// streamError answers a malformed stream (e.g. a bad header block).
func (c *h2Conn) streamError(se http2.StreamError) {
	c.mu.Lock()
	if se.StreamID > c.maxStreamID {
		c.maxStreamID = se.StreamID
	}
	st := c.streams[se.StreamID]
	c.mu.Unlock()
	if st != nil {
		c.abortStream(st, errH2StreamClosed)
		c.resetStream(st, se.Code)
		return
	}
	c.enqueue(h2Out{kind: outRST, stream: se.StreamID, code: se.Code})
}

// abortStream ends a stream's request (reset by the client, or cut off by
// GOAWAY): its context, its body, its writes. No RST_STREAM follows.
func (c *h2Conn) abortStream(st *h2Stream, err error) {
	c.mu.Lock()
	st.reset, st.rstSent = true, true
	c.cond.Broadcast()
	c.mu.Unlock()
	st.cancel()
	st.body.finish(err)
}

// resetStream sends RST_STREAM for st (once) and ends it.
func (c *h2Conn) resetStream(st *h2Stream, code http2.ErrCode) {
	c.mu.Lock()
	sent := st.rstSent
	st.rstSent, st.reset = true, true
	c.cond.Broadcast()
	c.mu.Unlock()
	if !sent {
		c.enqueue(h2Out{kind: outRST, stream: st.id, code: code})
	}
}

// streamDone forgets a stream whose handler returned. If the client is
// still sending its body, RST_STREAM NO_ERROR tells it to stop. After a
// GOAWAY, the last stream done closes the connection.
func (c *h2Conn) streamDone(st *h2Stream) {
	if !st.body.ended() {
		c.resetStream(st, http2.ErrCodeNo)
	}
	st.cancel()
	st.body.finish(errH2StreamClosed)
	c.mu.Lock()
	delete(c.streams, st.id)
	closeNow := c.goingAway && len(c.streams) == 0
	c.mu.Unlock()
	if closeNow {
		c.enqueue(h2Out{kind: outCloseWrite})
	}
}

// goAway sends GOAWAY with last as the last stream id that may have been
// processed: the streams above it are ended (their answers are lost), and
// the connection is closed once the streams at or below it are done.
func (c *h2Conn) goAway(last uint32, code http2.ErrCode) {
	c.mu.Lock()
	if c.goingAway {
		c.mu.Unlock()
		return
	}
	c.goingAway, c.goAwayLast = true, last
	var above []*h2Stream
	for id, st := range c.streams {
		if id > last {
			above = append(above, st)
		}
	}
	c.mu.Unlock()
	c.enqueue(h2Out{kind: outGoAway, val: last, code: code})
	for _, st := range above {
		c.abortStream(st, errH2ConnClosed)
	}
}

// enqueue queues a frame for the writer; after close_notify or close it is
// dropped.
func (c *h2Conn) enqueue(o h2Out) {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	if c.qclosed {
		return
	}
	c.queue = append(c.queue, o)
	if o.kind == outCloseWrite {
		c.qclosed = true
	}
	c.qcond.Signal()
}

// writeLoop writes the queued frames in order, flushing when the queue is
// empty.
func (c *h2Conn) writeLoop(bw *bufio.Writer) {
	var hbuf bytes.Buffer
	henc := hpack.NewEncoder(&hbuf)
	for {
		c.qmu.Lock()
		for len(c.queue) == 0 && !c.qexit {
			c.qcond.Wait()
		}
		batch := c.queue
		c.queue = nil
		exit := c.qexit
		c.qmu.Unlock()
		if len(batch) == 0 && exit {
			return
		}
		for _, o := range batch {
			if o.kind == outCloseWrite {
				// Flush, then TLS close_notify: the client reads what was
				// sent, then EOF, and closes; if it does not, a timer does.
				_ = bw.Flush()
				_ = c.conn.CloseWrite()
				c.qmu.Lock()
				if !c.qexit {
					c.grace = time.AfterFunc(h2GoAwayGrace, func() { _ = c.raw.Close() })
				}
				c.qmu.Unlock()
				return
			}
			if err := c.writeFrame(bw, &hbuf, henc, o); err != nil {
				c.stopWriting()
				_ = c.raw.Close()
				return
			}
		}
		if err := bw.Flush(); err != nil {
			c.stopWriting()
			_ = c.raw.Close()
			return
		}
	}
}

func (c *h2Conn) stopWriting() {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	c.qclosed = true
	c.queue = nil
}

func (c *h2Conn) writeFrame(bw *bufio.Writer, hbuf *bytes.Buffer, henc *hpack.Encoder, o h2Out) error {
	switch o.kind {
	case outSettings:
		return c.fr.WriteSettings(o.settings...)
	case outSettingsAck:
		return c.fr.WriteSettingsAck()
	case outPingAck:
		return c.fr.WritePing(true, o.ping)
	case outWindowUpdate:
		return c.fr.WriteWindowUpdate(o.stream, o.val)
	case outData:
		return c.fr.WriteData(o.stream, o.end, o.data)
	case outRST:
		return c.fr.WriteRSTStream(o.stream, o.code)
	case outGoAway:
		return c.fr.WriteGoAway(o.val, o.code, nil)
	case outTableSize:
		henc.SetMaxDynamicTableSizeLimit(o.val)
		return nil
	case outHeaders:
		hbuf.Reset()
		for _, hf := range o.fields {
			if err := henc.WriteField(hf); err != nil {
				return err
			}
		}
		c.mu.Lock()
		max := c.peerMaxFrame
		c.mu.Unlock()
		block := hbuf.Bytes()
		first := true
		for first || len(block) > 0 {
			n := min(len(block), max)
			chunk, rest := block[:n], block[n:]
			var err error
			if first {
				err = c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: o.stream, BlockFragment: chunk,
					EndStream: o.end, EndHeaders: len(rest) == 0})
			} else {
				err = c.fr.WriteContinuation(o.stream, len(rest) == 0, chunk)
			}
			if err != nil {
				return err
			}
			first, block = false, rest
		}
		return nil
	}
	return nil
}

// cleanup runs when the read loop ends: every stream's request is ended,
// the writer stops, the connection is closed.
func (c *h2Conn) cleanup() {
	c.mu.Lock()
	c.dead = true
	streams := make([]*h2Stream, 0, len(c.streams))
	for _, st := range c.streams {
		streams = append(streams, st)
	}
	c.cond.Broadcast()
	c.mu.Unlock()
	c.cancel()
	for _, st := range streams {
		st.body.finish(errH2ConnClosed)
	}
	c.qmu.Lock()
	c.qexit, c.qclosed = true, true
	if c.grace != nil {
		c.grace.Stop()
	}
	c.qcond.Broadcast()
	c.qmu.Unlock()
	_ = c.raw.Close()
}

// streamLive reports whether st may still be written to.
func (c *h2Conn) streamLive(st *h2Stream) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.dead && !st.reset
}

// sendHeaders queues a HEADERS frame (split into CONTINUATION frames by the
// writer when needed).
func (c *h2Conn) sendHeaders(st *h2Stream, status int, h http.Header, end bool) {
	fields := []hpack.HeaderField{{Name: ":status", Value: strconv.Itoa(status)}}
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		lk := strings.ToLower(k)
		switch lk {
		case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te":
			continue // connection-specific: not in HTTP/2
		}
		for _, v := range h[k] {
			fields = append(fields, hpack.HeaderField{Name: lk, Value: v})
		}
	}
	c.enqueue(h2Out{kind: outHeaders, stream: st.id, end: end, fields: fields})
}

// sendData queues p as DATA frames on st, within the client's flow-control
// windows and maximum frame size, waiting for window as needed.
func (c *h2Conn) sendData(st *h2Stream, p []byte, end bool) error {
	if len(p) == 0 {
		if end {
			c.enqueue(h2Out{kind: outData, stream: st.id, end: true})
		}
		return nil
	}
	for len(p) > 0 {
		c.mu.Lock()
		for !c.dead && !st.reset && (st.sendWindow <= 0 || c.sendWindow <= 0) {
			c.cond.Wait()
		}
		if c.dead {
			c.mu.Unlock()
			return errH2ConnClosed
		}
		if st.reset {
			c.mu.Unlock()
			return errH2StreamClosed
		}
		n := int64(len(p))
		n = min(n, st.sendWindow, c.sendWindow, int64(c.peerMaxFrame))
		st.sendWindow -= n
		c.sendWindow -= n
		c.mu.Unlock()
		chunk := bytes.Clone(p[:n])
		p = p[n:]
		c.enqueue(h2Out{kind: outData, stream: st.id, end: end && len(p) == 0, data: chunk})
	}
	return nil
}
