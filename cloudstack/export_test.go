package cloudstack

import (
	"context"
	"encoding/json"
	"net/url"

	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// DoRead sends any read command with the given parameters (names as given),
// for tests that sign unusual names and values.
func (c *Client) DoRead(ctx context.Context, command string, params url.Values) (json.RawMessage, error) {
	return c.do(ctx, call{command: command, params: params, class: transport.Read})
}
