package cloudstack

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// BenchmarkSignAttempt measures the per-attempt signer of an API-key
// getUser request: copy the parameters, add apikey, signatureversion and a
// fresh expires, sign, encode the query (bench/ reports it with the others).
func BenchmarkSignAttempt(b *testing.B) {
	c := &Client{creds: APIKey("QdldObQhbD50g1fUFsbetSKvNVGVMh4ZCyAjROUIyl7E8TYFkMHzWEDDb6q3LTJ7KY-PXoGvgbLueIe9pYAnJQ", "Hk0rTnX3aQ4mGfV9uJ2cLzP8eW1sYbR6dK5oN7iM")}
	full := url.Values{"command": {"getUser"}, "response": {"json"},
		"userapikey": {"QtX_DXjE5_VGVIWZpIYD-bbE9qEpTvaYFUUgIFUYqJbVXALz5lbuchCW69Dn8dPL3VO2JdyT5mJZ1XVYWe9W3A"}}
	req := c.signedCall(call{command: "getUser", class: transport.Read}, full)
	u, _ := url.Parse("https://cs.example.com/client/api")
	now := time.Date(2026, 11, 23, 2, 30, 0, 0, time.UTC)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		o := &transport.Outgoing{Method: http.MethodGet, URL: u, Header: http.Header{}, Now: now, Attempt: 1}
		if err := req.Sign(ctx, o); err != nil {
			b.Fatal(err)
		}
	}
}
