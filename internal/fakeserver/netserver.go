package fakeserver

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// netServer serves a Server on a listener (TCP, or in-memory pipes): it
// accepts connections, does the TLS handshake in a TLS mode, and hands each
// connection to the fake's HTTP/2 server when the client negotiated "h2",
// or else to a net/http server speaking HTTP/1.1.
type netServer struct {
	s       *Server
	ln      net.Listener
	tlsConf *tls.Config // nil for plain HTTP

	h1   *http.Server
	h1ln *chanListener

	mu     sync.Mutex
	closed bool
	conns  map[net.Conn]struct{} // raw connections, closed by close
	group  group                 // accept loop, connections, handlers

	pipeRT *http.Transport // guarded by mu
}

func startNetServer(s *Server, ln net.Listener) *netServer {
	ns := &netServer{s: s, ln: ln, conns: map[net.Conn]struct{}{}}
	if s.tls != nil {
		protos := []string{"h2", "http/1.1"}
		if s.opts.TLS == TLSHTTP1 {
			protos = []string{"http/1.1"}
		}
		ns.tlsConf = &tls.Config{
			Certificates: []tls.Certificate{s.tls.tls},
			NextProtos:   protos,
			MinVersion:   tls.VersionTLS12,
		}
	}
	ns.h1ln = &chanListener{ch: make(chan net.Conn), done: make(chan struct{}), addr: ln.Addr()}
	ns.h1 = &http.Server{
		Handler:      http.HandlerFunc(ns.serveH1),
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){}, // h2 never reaches it
		ConnState: func(c net.Conn, st http.ConnState) {
			if st == http.StateClosed || st == http.StateHijacked {
				ns.untrack(c)
			}
		},
	}
	ns.group.start(func() { _ = ns.h1.Serve(ns.h1ln) })
	ns.group.start(ns.acceptLoop)
	return ns
}

// serveH1 runs the fake's handler for a request net/http read, counting it
// so that close can wait for it.
func (ns *netServer) serveH1(w http.ResponseWriter, r *http.Request) {
	if !ns.group.enter() {
		panic(http.ErrAbortHandler)
	}
	defer ns.group.leave()
	ns.s.ServeHTTP(w, r)
}

func (ns *netServer) acceptLoop() {
	for {
		c, err := ns.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && !ns.isClosed() {
				time.Sleep(5 * time.Millisecond)
				continue
			}
			return
		}
		ns.s.conns.Add(1)
		if !ns.track(c) {
			_ = c.Close()
			continue
		}
		if !ns.group.start(func() { ns.serveConn(c) }) {
			_ = c.Close()
		}
	}
}

func (ns *netServer) serveConn(c net.Conn) {
	if ns.tlsConf == nil {
		ns.handToH1(c, c)
		return
	}
	tc := tls.Server(c, ns.tlsConf)
	if err := tc.HandshakeContext(context.Background()); err != nil {
		_ = c.Close()
		ns.untrack(c)
		return
	}
	if tc.ConnectionState().NegotiatedProtocol == "h2" {
		newH2Conn(ns, c, tc).serve()
		_ = c.Close()
		ns.untrack(c)
		return
	}
	ns.handToH1(c, tc)
}

// handToH1 gives conn (raw, or the TLS connection over raw) to the
// HTTP/1.1 server.
func (ns *netServer) handToH1(raw, conn net.Conn) {
	if conn != raw {
		ns.mu.Lock()
		delete(ns.conns, raw)
		if !ns.closed {
			ns.conns[conn] = struct{}{}
		}
		ns.mu.Unlock()
	}
	select {
	case ns.h1ln.ch <- conn:
	case <-ns.h1ln.done:
		_ = raw.Close()
		ns.untrack(conn)
	}
}

func (ns *netServer) track(c net.Conn) bool {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	if ns.closed {
		return false
	}
	ns.conns[c] = struct{}{}
	return true
}

func (ns *netServer) untrack(c net.Conn) {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	delete(ns.conns, c)
}

func (ns *netServer) isClosed() bool {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	return ns.closed
}

// close stops accepting, closes every connection (ending the contexts of
// the requests in flight) and waits for the connections and handlers.
func (ns *netServer) close() {
	ns.mu.Lock()
	ns.closed = true
	conns := make([]net.Conn, 0, len(ns.conns))
	for c := range ns.conns {
		conns = append(conns, c)
	}
	rt := ns.pipeRT
	ns.mu.Unlock()
	ns.group.stop()
	_ = ns.ln.Close()
	_ = ns.h1ln.Close()
	// Raw connections first: no TLS close_notify, which could block on a
	// peer that does not read.
	for _, c := range conns {
		if tc, ok := c.(*tls.Conn); ok {
			c = tc.NetConn()
		}
		_ = c.Close()
	}
	_ = ns.h1.Close()
	if rt != nil {
		rt.CloseIdleConnections()
	}
	ns.group.wait()
}

// group counts goroutines and handlers so that close can wait for them.
// It is a mutex and a condition variable rather than a sync.WaitGroup,
// which must not be used from inside and outside a testing/synctest bubble.
type group struct {
	mu      sync.Mutex
	cond    *sync.Cond
	n       int
	stopped bool
}

// enter counts one more running task, unless the group was stopped.
func (g *group) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return false
	}
	g.n++
	return true
}

func (g *group) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n--
	if g.n == 0 && g.cond != nil {
		g.cond.Broadcast()
	}
}

// start runs f in a goroutine counted by the group.
func (g *group) start(f func()) bool {
	if !g.enter() {
		return false
	}
	go func() {
		defer g.leave()
		f()
	}()
	return true
}

func (g *group) stop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.stopped = true
}

func (g *group) wait() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cond == nil {
		g.cond = sync.NewCond(&g.mu)
	}
	for g.n > 0 {
		g.cond.Wait()
	}
}

// chanListener is a listener whose connections come from a channel: how
// the accept loop hands HTTP/1.1 connections to net/http's server.
type chanListener struct {
	ch   chan net.Conn
	done chan struct{}
	once sync.Once
	addr net.Addr
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return l.addr }

// pipeListener is the listener of the in-memory TLS mode: dial makes a
// net.Pipe and hands its server end to Accept.
type pipeListener struct {
	ch   chan net.Conn
	done chan struct{}
	once sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{ch: make(chan net.Conn), done: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

// dial connects to the listener, or fails like a closed port.
func (l *pipeListener) dial(ctx context.Context) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.ch <- server:
		return client, nil
	case <-l.done:
	case <-ctx.Done():
		_ = client.Close()
		_ = server.Close()
		return nil, ctx.Err()
	}
	_ = client.Close()
	_ = server.Close()
	return nil, dialRefused()
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return inMemoryHost + ":443" }

// pipeTransport is the in-memory TLS mode's client transport: one per
// server, trusting the fake, dialing pipes.
func (ns *netServer) pipeTransport() *http.Transport {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	if ns.pipeRT == nil {
		pl := ns.ln.(*pipeListener)
		ns.pipeRT = &http.Transport{
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				if ns.s.closed.Load() {
					return nil, dialRefused()
				}
				return pl.dial(ctx)
			},
			TLSClientConfig:     ns.s.TLSConfig(),
			ForceAttemptHTTP2:   true,
			MaxIdleConnsPerHost: 64,
		}
	}
	return ns.pipeRT
}
