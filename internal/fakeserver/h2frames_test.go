package fakeserver

import (
	"bytes"
	"crypto/tls"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// rawH2 is a hand-driven HTTP/2 client connection, to see the fake's
// frames as they are on the wire.
type rawH2 struct {
	t    *testing.T
	conn *tls.Conn
	fr   *http2.Framer
	enc  *hpack.Encoder
	hbuf bytes.Buffer
}

func dialRawH2(t *testing.T, s *Server) *rawH2 {
	t.Helper()
	cfg := s.TLSConfig()
	cfg.NextProtos = []string{"h2"}
	conn, err := tls.Dial("tcp", strings.TrimPrefix(s.URL(), "https://"), cfg)
	require.NoError(t, err)
	require.Equal(t, "h2", conn.ConnectionState().NegotiatedProtocol)
	_, err = io.WriteString(conn, http2.ClientPreface)
	require.NoError(t, err)
	c := &rawH2{t: t, conn: conn, fr: http2.NewFramer(conn, conn)}
	c.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	c.enc = hpack.NewEncoder(&c.hbuf)
	require.NoError(t, c.fr.WriteSettings())
	return c
}

// request sends a POST with body on stream id.
func (c *rawH2) request(id uint32, path, body string) {
	c.hbuf.Reset()
	for _, f := range []hpack.HeaderField{
		{Name: ":method", Value: "POST"}, {Name: ":scheme", Value: "https"},
		{Name: ":authority", Value: "127.0.0.1"}, {Name: ":path", Value: path},
	} {
		require.NoError(c.t, c.enc.WriteField(f))
	}
	require.NoError(c.t, c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: c.hbuf.Bytes(), EndHeaders: true}))
	require.NoError(c.t, c.fr.WriteData(id, true, []byte(body)))
}

// next returns the next frame other than SETTINGS, WINDOW_UPDATE (and
// acknowledges SETTINGS), or nil at EOF.
func (c *rawH2) next() http2.Frame {
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			return nil
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				require.NoError(c.t, c.fr.WriteSettingsAck())
			}
			continue
		case *http2.WindowUpdateFrame:
			continue
		}
		return f
	}
}

func TestH2FramesOnTheWire(t *testing.T) {
	t.Parallel()
	h := &counting{}
	s := New(h, Options{TLS: TLSHTTP2})
	defer s.Close()

	t.Run("PING is acknowledged", func(t *testing.T) {
		c := dialRawH2(t, s)
		defer c.conn.Close()
		data := [8]byte{1, 2, 3, 4, 5, 6, 7, 8}
		require.NoError(t, c.fr.WritePing(false, data))
		f, ok := c.next().(*http2.PingFrame)
		require.True(t, ok)
		assert.True(t, f.IsAck())
		assert.Equal(t, data, f.Data)
	})

	for _, tc := range []struct {
		name  string
		fault Fault
		code  http2.ErrCode
	}{
		{"REFUSED_STREAM", Fault{Reset: ResetRefusedStream}, http2.ErrCodeRefusedStream},
		{"PROTOCOL_ERROR", Fault{Reset: ResetProtocolError, Commit: true}, http2.ErrCodeProtocol},
		{"INTERNAL_ERROR", Fault{Reset: ResetInternalError, Commit: true}, http2.ErrCodeInternal},
		{"CANCEL", Fault{Reset: ResetCancel, Commit: true}, http2.ErrCodeCancel},
		{"drop", Fault{Drop: true}, http2.ErrCodeInternal},
	} {
		t.Run("RST_STREAM "+tc.name, func(t *testing.T) {
			c := dialRawH2(t, s)
			defer c.conn.Close()
			s.FailNextWith(1, tc.fault)
			c.request(1, "/keys", "{}")
			f, ok := c.next().(*http2.RSTStreamFrame)
			require.True(t, ok, "RST_STREAM and nothing before it")
			assert.Equal(t, uint32(1), f.StreamID)
			assert.Equal(t, tc.code, f.ErrCode)
			c.request(3, "/after", "{}") // the connection goes on
			hf, ok := c.next().(*http2.MetaHeadersFrame)
			require.True(t, ok)
			assert.Equal(t, "200", hf.PseudoValue("status"))
		})
	}

	for _, tc := range []struct {
		name     string
		commit   bool
		lastID   uint32
		handlers int32
	}{
		{"GOAWAY before serving", false, 3, 0}, // stream 5: last-stream-id 3
		{"GOAWAY after serving", true, 5, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dialRawH2(t, s)
			defer c.conn.Close()
			c.request(1, "/a", "")
			require.IsType(t, &http2.MetaHeadersFrame{}, c.next())
			require.IsType(t, &http2.DataFrame{}, c.next())
			c.request(3, "/b", "")
			require.IsType(t, &http2.MetaHeadersFrame{}, c.next())
			require.IsType(t, &http2.DataFrame{}, c.next())
			before := h.n.Load()
			s.FailNextWith(1, Fault{GoAway: true, Commit: tc.commit})
			c.request(5, "/keys", "{}")
			f, ok := c.next().(*http2.GoAwayFrame)
			require.True(t, ok, "GOAWAY and nothing before it")
			assert.Equal(t, tc.lastID, f.LastStreamID)
			assert.Equal(t, http2.ErrCodeNo, f.ErrCode)
			assert.Nil(t, c.next(), "then the connection ends")
			assert.Equal(t, tc.handlers, h.n.Load()-before)
		})
	}
}

func TestH2BigHeadersUseContinuation(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("v", 40<<10) // more than the 16 KiB frame Go's client accepts
	s := New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo", r.Header.Get("X-Big"))
		_, _ = io.WriteString(w, "ok")
	}), Options{TLS: TLSHTTP2})
	defer s.Close()
	c := tlsClient(s)
	defer closeIdle(c)
	req, _ := http.NewRequest(http.MethodGet, s.URL()+"/x", nil)
	req.Header.Set("X-Big", big)
	resp, body, err := do(c, req)
	require.NoError(t, err)
	assert.Equal(t, "HTTP/2.0", resp.Proto)
	assert.Equal(t, "ok", body)
	assert.Equal(t, big, resp.Header.Get("X-Echo"))
}
