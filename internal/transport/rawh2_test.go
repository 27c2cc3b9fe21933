package transport

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// HTTP/2 frame types, flags and error codes the raw server uses (RFC 9113).
const (
	h2Data         = 0x0
	h2Headers      = 0x1
	h2RSTStream    = 0x3
	h2Settings     = 0x4
	h2Ping         = 0x6
	h2GoAway       = 0x7
	h2FlagEnd      = 0x1 // END_STREAM, or ACK on SETTINGS and PING
	h2FlagEndHdrs  = 0x4
	h2CodeProtocol = 0x1
	h2CodeInternal = 0x2
	h2CodeRefused  = 0x7
	h2CodeCancel   = 0x8
)

// h2Step scripts what the raw server does with one stream, in the order
// streams arrive. The zero step answers 200 with an empty body.
type h2Step struct {
	// reset, when set, resets the stream with this code after the whole
	// request was received (the server "processed" it).
	reset uint32
	// refuse resets the stream with REFUSED_STREAM as soon as its HEADERS
	// arrive: nothing was processed.
	refuse bool
	// goAway answers the stream's HEADERS with a GOAWAY whose last stream id
	// is below it (nothing processed) and closes the connection.
	goAway bool
}

// rawH2 is a minimal HTTP/2 server over TLS that speaks just enough of the
// protocol to receive requests and to reset streams with any code or send
// GOAWAY on cue, which net/http's server cannot be made to do. It counts
// the requests it received completely (processed) and the streams opened.
type rawH2 struct {
	t    *testing.T
	ln   net.Listener
	pool *x509.CertPool

	mu        sync.Mutex
	steps     []h2Step
	streams   int // HEADERS received
	processed int // requests received completely and then answered or reset
	conns     int
}

func newRawH2(t *testing.T, steps ...h2Step) *rawH2 {
	t.Helper()
	// Borrow httptest's certificate for 127.0.0.1.
	ts := httptest.NewUnstartedServer(http.NotFoundHandler())
	ts.StartTLS()
	cert := ts.TLS.Certificates[0]
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	ts.Close()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}})
	require.NoError(t, err)
	s := &rawH2{t: t, ln: ln, pool: pool, steps: steps}
	go s.accept()
	t.Cleanup(func() { _ = ln.Close() })
	return s
}

func (s *rawH2) url() string { return "https://" + s.ln.Addr().String() }

func (s *rawH2) tlsConfig() *tls.Config { return &tls.Config{RootCAs: s.pool} }

func (s *rawH2) counts() (streams, processed, conns int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.streams, s.processed, s.conns
}

func (s *rawH2) accept() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns++
		s.mu.Unlock()
		go s.serve(c)
	}
}

func (s *rawH2) next() h2Step {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.streams++
	if len(s.steps) == 0 {
		return h2Step{}
	}
	st := s.steps[0]
	s.steps = s.steps[1:]
	return st
}

func writeFrame(w io.Writer, typ, flags byte, stream uint32, payload []byte) error {
	var h [9]byte
	h[0], h[1], h[2] = byte(len(payload)>>16), byte(len(payload)>>8), byte(len(payload))
	h[3], h[4] = typ, flags
	binary.BigEndian.PutUint32(h[5:], stream&0x7fffffff)
	_, err := w.Write(append(h[:], payload...))
	return err
}

func (s *rawH2) serve(c net.Conn) {
	defer func() { _ = c.Close() }()
	preface := make([]byte, len(http2Preface))
	if _, err := io.ReadFull(c, preface); err != nil || string(preface) != http2Preface {
		return
	}
	if writeFrame(c, h2Settings, 0, 0, nil) != nil {
		return
	}
	pending := map[uint32]h2Step{} // streams whose request is still arriving
	finish := func(id uint32, st h2Step) error {
		s.mu.Lock()
		s.processed++
		s.mu.Unlock()
		if st.reset != 0 {
			return writeFrame(c, h2RSTStream, 0, id, binary.BigEndian.AppendUint32(nil, st.reset))
		}
		// :status 200 is entry 8 of HPACK's static table.
		return writeFrame(c, h2Headers, h2FlagEnd|h2FlagEndHdrs, id, []byte{0x88})
	}
	var hdr [9]byte
	for {
		if _, err := io.ReadFull(c, hdr[:]); err != nil {
			return
		}
		n := int(hdr[0])<<16 | int(hdr[1])<<8 | int(hdr[2])
		typ, flags := hdr[3], hdr[4]
		id := binary.BigEndian.Uint32(hdr[5:]) & 0x7fffffff
		payload := make([]byte, n)
		if _, err := io.ReadFull(c, payload); err != nil {
			return
		}
		var err error
		switch typ {
		case h2Settings:
			if flags&h2FlagEnd == 0 {
				err = writeFrame(c, h2Settings, h2FlagEnd, 0, nil)
			}
		case h2Ping:
			if flags&h2FlagEnd == 0 {
				err = writeFrame(c, h2Ping, h2FlagEnd, 0, payload)
			}
		case h2Headers:
			st := s.next()
			switch {
			case st.goAway:
				last := uint32(0)
				if id > 2 {
					last = id - 2
				}
				_ = writeFrame(c, h2GoAway, 0, 0, binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, last), 0))
				return
			case st.refuse:
				err = writeFrame(c, h2RSTStream, 0, id, binary.BigEndian.AppendUint32(nil, h2CodeRefused))
			case flags&h2FlagEnd != 0:
				err = finish(id, st)
			default:
				pending[id] = st
			}
		case h2Data:
			if st, ok := pending[id]; ok && flags&h2FlagEnd != 0 {
				delete(pending, id)
				err = finish(id, st)
			}
		}
		if err != nil {
			return
		}
	}
}

const http2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
