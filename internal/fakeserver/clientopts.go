package fakeserver

import (
	"net/http"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/config"
)

// ClientOptions returns what an SDK client needs to reach s, followed by
// opts (which come later and so override):
//
//   - in memory: cloudkeys.WithHTTPClient with Transport() (in the in-memory
//     TLS mode that transport trusts the fake already);
//   - in a TLS mode on a socket: cloudkeys.WithTLSConfig(TLSConfig()), so the
//     client's own pooled transport (HTTP/2 by ALPN) trusts the fake —
//     unless opts bring their own cloudkeys.WithHTTPClient, which the SDK
//     refuses to combine with WithTLSConfig: that client's transport must
//     then trust CertPool() itself;
//   - plain HTTP on a socket: nothing.
//
// Every <vendor>test Client method builds its options with it.
func (s *Server) ClientOptions(opts ...cloudkeys.Option) []cloudkeys.Option {
	var all []cloudkeys.Option
	switch {
	case s.InMemory():
		all = append(all, cloudkeys.WithHTTPClient(&http.Client{Transport: s.Transport()}))
	case s.tls != nil && !bringsHTTPClient(opts):
		all = append(all, cloudkeys.WithTLSConfig(s.TLSConfig()))
	}
	return append(all, opts...)
}

// bringsHTTPClient reports whether opts set cloudkeys.WithHTTPClient.
func bringsHTTPClient(opts []cloudkeys.Option) bool {
	var st config.Settings
	for _, o := range opts {
		if o != nil {
			config.ApplyOption(o, &st)
		}
	}
	return st.HTTPClient != nil
}
