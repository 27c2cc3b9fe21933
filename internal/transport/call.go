package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/cloudkeys/cloudkeys"
)

// Call is one call of the kind every vendor makes: a request body encoded
// from In, the answer decoded into Out and checked with Need. Vendor logic
// that is not common (CloudStack's response envelope, ZStack's
// asynchronous jobs) sits on top of it: such a call leaves Out nil and
// reads the *Response itself, or decodes a later answer with Decode.
type Call struct {
	// Operation, Class, Method, URL, Path, Query, RawQuery, Header, Sign,
	// NoSign and Secrets are those of the Request (see Request).
	Operation string
	Class     Class
	Method    string
	URL       *url.URL
	Path      string
	Query     url.Values
	RawQuery  string
	Header    http.Header
	Sign      Signer
	NoSign    bool
	Secrets   []string

	// In is the request body. nil sends none; a []byte is sent as it is
	// (the vendor's own encoding: a form, JSON written its own way; Header
	// names its Content-Type); anything else is encoded with encoding/json
	// and sent as application/json, unless Header names another
	// Content-Type.
	In any
	// Out, when not nil, receives the JSON answer. An answer of nothing
	// but white space leaves Out as it is — except for a GET: a read
	// answered with nothing is not an empty result (a proxy's empty 200
	// would list no keys at all), so it cannot be read.
	Out any
	// Need, when set, checks the decoded answer (Out, and the response's
	// headers) for what the call cannot do without — a new key's id and
	// secret, a session — and returns an error (a *BadAnswer, which must
	// not quote the answer) when it lacks it.
	Need func(resp *Response) error
	// Session marks a call whose answer is a session (a login), not a key:
	// an answer that cannot be read is reported as a read's — no outcome
	// doubt, nothing kept — whatever the Class.
	Session bool
	// Check, when set, is the Check of this call instead of the client's
	// (Config.Check): a vendor that reads a success answer in the same pass
	// as it looks for an error in it, and defers to its own Check for
	// anything else.
	Check func(req *Request, resp *Response) error
}

// Call sends k (see Do) and decodes a success answer into k.Out (see
// Decode). It returns the *Response whenever one came, with the error of
// an answer that could not be read too.
func (c *Client) Call(ctx context.Context, k Call) (*Response, error) {
	var req Request
	if err := c.request(&k, &req); err != nil {
		return nil, err
	}
	resp, err := c.Do(ctx, &req)
	if err != nil {
		return resp, err
	}
	return resp, c.decode(&k, &req, resp)
}

// Decode decodes resp, a success answer to k, into k.Out and checks it
// with k.Need: what Call does after Do, for an answer read otherwise (an
// asynchronous job's result, polled by the vendor). An answer that cannot
// be read is the error of Unreadable.
func (c *Client) Decode(k *Call, resp *Response) error {
	return c.decode(k, &Request{Operation: k.Operation, Class: k.Class, Method: k.Method, Secrets: k.Secrets}, resp)
}

// Unreadable is the error for resp, a success answer to k that cannot be
// read (cause says why; see Undecodable), reported as an answer to k's
// Operation and Class — a read's for a Session call: never quoted; for a
// Write it matches cloudkeys.ErrOutcomeUnknown and keeps the body. Vendors
// use it for answers they read by their own rules (an envelope, a file).
func (c *Client) Unreadable(k *Call, resp *Response, cause error) error {
	return c.Undecodable(reported(k, &Request{Operation: k.Operation, Class: k.Class, Secrets: k.Secrets}), resp, cause)
}

// reported is req as an unreadable answer to k is reported: a read for a
// Session call.
func reported(k *Call, req *Request) *Request {
	if !k.Session || req.Class == Read {
		return req
	}
	r := *req
	r.Class = Read
	return &r
}

func (c *Client) decode(k *Call, req *Request, resp *Response) error {
	req = reported(k, req)
	if k.Out != nil {
		if len(bytes.TrimSpace(resp.Body)) > 0 {
			if err := json.Unmarshal(resp.Body, k.Out); err != nil {
				return c.Undecodable(req, resp, err)
			}
		} else if req.Method == "" || req.Method == http.MethodGet {
			return c.Undecodable(req, resp, &BadAnswer{Problem: "empty answer"})
		}
	}
	if k.Need != nil {
		if err := k.Need(resp); err != nil {
			return c.Undecodable(req, resp, err)
		}
	}
	return nil
}

// request builds the Request of k into req, encoding its body.
func (c *Client) request(k *Call, req *Request) error {
	*req = Request{
		Operation: k.Operation, Class: k.Class, Method: k.Method, URL: k.URL, Path: k.Path,
		Query: k.Query, RawQuery: k.RawQuery, Header: k.Header, Sign: k.Sign, NoSign: k.NoSign, Secrets: k.Secrets,
		Check: k.Check,
	}
	switch in := k.In.(type) {
	case nil:
	case []byte:
		req.Body = in
	default:
		b, err := json.Marshal(in)
		if err != nil {
			return cloudkeys.InvalidInput(c.cfg.Vendor, k.Operation, "cannot encode the request: "+c.Scrub(err.Error(), k.Secrets...))
		}
		req.Body = b
		if req.Header.Get("Content-Type") == "" {
			req.Header = req.Header.Clone()
			if req.Header == nil {
				req.Header = http.Header{}
			}
			req.Header.Set("Content-Type", "application/json")
		}
	}
	return nil
}
