package e24

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// BenchmarkSignAttempt measures the per-attempt signer on GetAccount's
// request (the signer is unexported; bench/ reports it with the others).
func BenchmarkSignAttempt(b *testing.B) {
	u, _ := url.Parse("https://eu-poland-1poznan.api.e24cloud.com/v2/account")
	now := time.Date(2026, 11, 23, 2, 30, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		o := &transport.Outgoing{Method: http.MethodGet, URL: u, Header: http.Header{}, Now: now, Attempt: 1}
		signOutgoing("1C0B1043-E09F-4752-8DAB-B075CCA21E2A", "Hk0rTnX3aQ4mGfV9uJ2cLzP8eW1sYbR6dK5oN7iM", o)
	}
}
