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

// ReadUserKeysOnePass reads a whole getUserKeys answer as GetUserKeys'
// call reads a 200 first (readAnswer with readGetUserKeys); ok is false
// where that gives up.
func ReadUserKeysOnePass(body []byte) (uk *UserKeys, ok bool) {
	uk = new(UserKeys)
	if !readAnswer(body, readGetUserKeys(uk)) {
		return nil, false
	}
	return uk, true
}

// ReadUserKeysReference reads it the way GetUserKeys read every answer
// before the one-pass reader (referenceAnswer: check, unwrap,
// json.Unmarshal into getUserKeysWire); ok is false where that refuses it.
func ReadUserKeysReference(body []byte) (uk *UserKeys, ok bool) {
	var w getUserKeysWire
	if !referenceAnswer(body, &w) {
		return nil, false
	}
	return w.userKeys(), true
}

// GetUserKeysOldWay is GetUserKeys as it was before the one-pass reader
// (do without call.fast, then unwrap's inside decoded by encoding/json),
// for the test that pins what the reader saves.
func (c *Client) GetUserKeysOldWay(ctx context.Context, userID string) (*UserKeys, error) {
	r, err := c.do(ctx, call{command: "getUserKeys", params: url.Values{"id": {userID}}, class: transport.Read})
	if err != nil {
		return nil, err
	}
	var w getUserKeysWire
	if err := c.decode(r, &w); err != nil {
		return nil, err
	}
	return w.userKeys(), nil
}
