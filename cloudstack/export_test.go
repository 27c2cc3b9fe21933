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
	r, err := c.do(ctx, call{command: command, params: params, class: transport.Read})
	if err != nil {
		return nil, err
	}
	return r.inner, nil
}

// RawState returns the client's credentials and current session in
// unexported fields, where fmt prints them without calling any method (as
// its error paths do), for tests that check no secret shows.
func (c *Client) RawState() any {
	type raw struct {
		creds Credentials
		sess  session
	}
	r := raw{creds: c.creds}
	if c.sessions != nil {
		if s, ok := c.sessions.Current(); ok {
			r.sess = *s
		}
	}
	return r
}
