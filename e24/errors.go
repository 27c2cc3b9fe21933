package e24

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// envelope is the part of every answer the error check reads. The vendor
// documents only {"success": true, ...}; the error fields are guesses, so
// each is decoded leniently.
type envelope struct {
	Success json.RawMessage `json:"success"`
	Error   json.RawMessage `json:"error"`
	Message json.RawMessage `json:"message"`
	Errors  json.RawMessage `json:"errors"`
	Code    json.RawMessage `json:"code"`
}

// checkAnswer is the transport's Check: an answer is a success only when its
// status is 2xx AND its body is a JSON object with "success": true. A 2xx
// that is not a JSON object (a PHP notice or a proxy banner around the
// JSON), or an object with neither "success" nor an error field, cannot be
// read: a *transport.BadAnswer, never quoted (the transport makes it a
// *cloudkeys.UndecodableAnswerError, which for a write matches
// cloudkeys.ErrOutcomeUnknown and keeps the body). Anything else is an
// *cloudkeys.APIError carrying the status (0 for a 2xx that says success is
// not true), whatever error/message/code fields the body has, or an excerpt
// of a body that is not JSON (credential fields redacted).
func (c *Client) checkAnswer(_ *transport.Request, resp *transport.Response) error {
	ok2xx := resp.StatusCode >= 200 && resp.StatusCode <= 299
	var env envelope
	jerr := json.Unmarshal(resp.Body, &env)
	isJSON := jerr == nil && bytes.HasPrefix(bytes.TrimSpace(resp.Body), []byte("{"))
	if ok2xx && isJSON && isTrue(env.Success) {
		return nil
	}
	if !isJSON {
		if ok2xx {
			if jerr != nil {
				return transport.NewBadAnswer(jerr)
			}
			return &transport.BadAnswer{Problem: "not a JSON object"}
		}
		return c.tc.APIError("", resp.StatusCode, "", transport.Excerpt(resp.Body), nil)
	}
	code, msg := errorFields(env)
	if ok2xx && len(env.Success) == 0 && code == "" && msg == "" {
		return &transport.BadAnswer{Problem: `neither "success" nor an error in the answer`}
	}
	if !ok2xx {
		return c.tc.APIError("", resp.StatusCode, code, msg, nil)
	}
	// The vendor said "error" inside a 2xx: no status to map.
	if msg == "" {
		msg = "answer has no \"success\": true"
	}
	return c.tc.APIError("", 0, code, msg, nil)
}

// isTrue accepts true, "true", 1 and "1" as success.
func isTrue(raw json.RawMessage) bool {
	switch strings.ToLower(strings.Trim(string(bytes.TrimSpace(raw)), `"`)) {
	case "true", "1":
		return true
	}
	return false
}

// errorFields extracts a code and a message from the lenient error fields:
// "error" may be a string or an object {code, message}; "message", "errors"
// and "code" are read too.
func errorFields(env envelope) (code, msg string) {
	code = scalar(env.Code)
	var parts []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s != "" && !contains(parts, s) {
			parts = append(parts, s)
		}
	}
	for _, raw := range []json.RawMessage{env.Error, env.Message, env.Errors} {
		c, m := describe(raw)
		if code == "" {
			code = c
		}
		add(m)
	}
	msg = transport.Excerpt([]byte(strings.Join(parts, "; ")))
	return code, msg
}

// describe reads a string, number, object {code|error_code, message|error|
// description} or array of those.
func describe(raw json.RawMessage) (code, msg string) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", ""
	}
	switch raw[0] {
	case '{':
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil {
			return "", ""
		}
		for _, k := range []string{"code", "error_code", "errorCode"} {
			if code = scalar(m[k]); code != "" {
				break
			}
		}
		for _, k := range []string{"message", "error", "description", "detail"} {
			if _, msg = describe(m[k]); msg != "" {
				break
			}
		}
		return code, msg
	case '[':
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) != nil {
			return "", ""
		}
		var msgs []string
		for _, item := range list {
			c, m := describe(item)
			if code == "" {
				code = c
			}
			if m != "" {
				msgs = append(msgs, m)
			}
		}
		return code, strings.Join(msgs, "; ")
	case 't', 'f':
		return "", ""
	}
	return "", scalar(raw)
}

// scalar renders a JSON string or number as text; anything else is "".
func scalar(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// present is a Call's Need: the answer must carry field (ok tells).
func present(field string, ok func() bool) func(*transport.Response) error {
	return func(*transport.Response) error {
		if !ok() {
			return errMissing(field)
		}
		return nil
	}
}

// goneAfterRetry reports a 404 that answers a retried idempotent delete: the
// first attempt most likely deleted it, so it counts as success.
func goneAfterRetry(err error) bool {
	ae, ok := asAPIError(err)
	return ok && ae.StatusCode == 404 && ae.Attempts > 1
}

func asAPIError(err error) (*cloudkeys.APIError, bool) {
	var ae *cloudkeys.APIError
	ok := errors.As(err, &ae)
	return ae, ok
}
