package e24

import (
	"context"

	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// RawCall sends an arbitrary signed request through the client's transport
// (for signing tests with queries and bodies the typed endpoints never send).
func (c *Client) RawCall(ctx context.Context, method, path, rawQuery string, body []byte) (int, error) {
	resp, err := c.tc.Do(ctx, &transport.Request{Operation: "raw", Class: transport.Read, Method: method, Path: path, RawQuery: rawQuery, Body: body})
	if resp != nil {
		return resp.StatusCode, err
	}
	return 0, err
}
