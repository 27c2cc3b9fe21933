// Package fakeserver holds the mechanics every <vendor>test fake composes:
// starting on 127.0.0.1:0 or in memory, in plain HTTP/1.1 or over TLS,
// fault injection (fail the next n requests with a status and the vendor's
// error body, delays, drops, commit-then-drop, HTTP/2 stream resets and
// GOAWAY, stalls and bodies cut mid-way), a settable clock, and a bounded
// request log.
//
// A vendor fake embeds *Server, so these methods are the same on all five.
// The public face of this package is cloudkeystest: the types users build
// and read (Fault, ResetCode, Request, Clock, TLSMode) are declared there
// and aliased here, *Server implements cloudkeystest.Fake, and every
// vendor fake carries generated methods (fake_gen.go, written by genfake
// from the Fake interface) so that its documentation shows them.
//
// # Modes
//
// Options.TLS picks plain HTTP/1.1 (the default), TLSHTTP2 (TLS, HTTP/2 by
// ALPN with HTTP/1.1 also offered) or TLSHTTP1 (TLS, HTTP/1.1 only). The
// certificate is self-signed and generated at start; TLSConfig and
// CertPool give clients what they need to trust it, and ClientOptions the
// SDK options (cloudkeys.WithTLSConfig). HTTP/2 is served by the package's
// own server (h2conn.go, h2stream.go), built on golang.org/x/net/http2's
// Framer and HPACK, because net/http's server cannot be made to reset a
// stream with a chosen code or to send GOAWAY on demand. Clients that do
// not negotiate "h2" are served HTTP/1.1 by net/http on the same listener.
//
// Options.InMemory serves without a socket, for testing/synctest: plain, a
// pipe-based transport (Transport) runs each request's handler in a
// goroutine and streams its answer; with a TLS mode, real TLS (and HTTP/2)
// runs over net.Pipe connections and Transport is an *http.Transport that
// dials them. Both block durably inside a bubble, so stalls and delays let
// fake time advance.
//
// # Faults
//
// See Fault. Faults that act on HTTP/2 streams (Reset, GoAway) degrade to
// dropping the connection over HTTP/1.1 and in memory. What Go's HTTP/2
// client reports for each (the exact error texts) is shown by
// TestStreamFaultsInEveryMode.
//
// # Request log
//
// Requests returns the newest Options.MaxLoggedRequests requests (default
// 4096) with at most Options.MaxLoggedBodyBytes of bodies (default 64 MiB,
// the oldest dropped first). A request that failed authentication keeps no
// body: vendor handlers call Unauthenticated, and any 401 or 403 answer
// counts as such.
package fakeserver
