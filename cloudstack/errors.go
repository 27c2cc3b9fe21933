package cloudstack

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// CloudStack error codes (ApiErrorCode): the errorcode of an error answer,
// which the server also sends as its HTTP status. A *cloudkeys.APIError
// carries it as StatusCode — also for an error inside a 200 and for a
// failed job — and the cserrorcode (CSExceptionErrorCode, e.g. "4350") as
// Code (see the package doc).
const (
	CodeUnauthorized         = 401 // bad signature, key, session or expired request
	CodeMethodNotAllowed     = 405 // e.g. login sent as GET
	CodeAPILimitExceeded     = 429 // api.throttling
	CodeMalformedParameter   = 430
	CodeParamError           = 431 // InvalidParameterValue, IllegalArgument
	CodeUnsupportedAction    = 432 // unknown command (e.g. listUserKeys before 4.23)
	CodeUnauthorized2FA      = 511
	CodeInternalError        = 530
	CodeAccountError         = 531 // PermissionDenied, failed login
	CodeAccountResourceLimit = 532
	CodeInsufficientCapacity = 533
	CodeResourceUnavailable  = 534
	CodeResourceAllocation   = 535
	CodeResourceInUse        = 536
	CodeNetworkRuleConflict  = 537
)

// errorEnvelope is the inside of {"<command>response":{...}} for an error.
type errorEnvelope struct {
	ErrorCode   *int            `json:"errorcode"`
	CSErrorCode *int            `json:"cserrorcode"`
	ErrorText   string          `json:"errortext"`
	UUIDList    json.RawMessage `json:"uuidList"`
}

// unwrap returns the single value of a {"<name>response":{...}} object and
// its name. It reads the envelope's few bytes by hand and validates the
// value once (json.Valid), instead of decoding the whole answer into a map
// first: the caller decodes the value anyway, and a 100-user page was
// scanned four times before. Anything but exactly one member holding one
// JSON value is an error, as with a full decode.
func unwrap(body []byte) (string, json.RawMessage, error) {
	b := trimSpace(body)
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return "", nil, errors.New("not a CloudStack JSON answer: want a JSON object")
	}
	i := skipSpace(b, 1)
	if i >= len(b)-1 || b[i] != '"' {
		return "", nil, errors.New("want one top-level object, got none")
	}
	j := i + 1
	escaped := false
	for ; j < len(b)-1; j++ {
		if c := b[j]; c == '\\' {
			escaped = true
			j++
		} else if c == '"' {
			break
		} else if c < 0x20 {
			return "", nil, errors.New("not a CloudStack JSON answer: control character in a name")
		}
	}
	if j >= len(b)-1 {
		return "", nil, errors.New("not a CloudStack JSON answer: unterminated name")
	}
	name := string(b[i+1 : j])
	if escaped || !utf8.ValidString(name) {
		if err := json.Unmarshal(b[i:j+1], &name); err != nil {
			return "", nil, fmt.Errorf("not a CloudStack JSON answer: %w", err)
		}
	}
	k := skipSpace(b, j+1)
	if k >= len(b)-1 || b[k] != ':' {
		return "", nil, errors.New("not a CloudStack JSON answer: want ':' after the name")
	}
	inner := trimSpace(b[k+1 : len(b)-1])
	if len(inner) == 0 || !json.Valid(inner) {
		return "", nil, errors.New("want one top-level object holding one JSON value")
	}
	return name, json.RawMessage(inner), nil
}

// isSpace is JSON's whitespace (RFC 8259), narrower than unicode.IsSpace.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

func trimSpace(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && isSpace(b[i]) {
		i++
	}
	for j > i && isSpace(b[j-1]) {
		j--
	}
	return b[i:j]
}

// parseError reports the error envelope in body, if any. Every answer goes
// through it twice (classify and check), so a body that cannot hold an
// errorcode key, as most success answers, is settled by a byte scan instead
// of two decodes.
func parseError(body []byte) (*errorEnvelope, bool) {
	if !transport.MayHoldKey(body, "errorcode") {
		return nil, false
	}
	_, inner, err := unwrap(body)
	if err != nil {
		return nil, false
	}
	var e errorEnvelope
	if json.Unmarshal(inner, &e) != nil || e.ErrorCode == nil {
		return nil, false
	}
	return &e, true
}

// kindFor maps a CloudStack errorcode to the sentinel it means.
func kindFor(code int) error {
	switch {
	case code == CodeUnauthorized, code == CodeUnauthorized2FA:
		return cloudkeys.ErrUnauthorized
	case code == CodeMethodNotAllowed, code == CodeMalformedParameter, code == CodeParamError:
		return cloudkeys.ErrInvalidRequest
	case code == CodeUnsupportedAction:
		return cloudkeys.ErrUnsupported
	case code == CodeAPILimitExceeded:
		return cloudkeys.ErrRateLimited
	case code == CodeAccountError, code == CodeAccountResourceLimit:
		return cloudkeys.ErrForbidden
	case code >= 500 && code <= 599:
		return cloudkeys.ErrServer
	}
	return transport.StatusSentinel(code)
}

// envelopeError builds the *cloudkeys.APIError of an error envelope
// answering op: one code per field, StatusCode the errorcode and Code the
// cserrorcode ("" when the server sent none, as for authentication
// failures).
func (c *Client) envelopeError(op string, e *errorEnvelope) *cloudkeys.APIError {
	code := ""
	if e.CSErrorCode != nil {
		code = strconv.Itoa(*e.CSErrorCode)
	}
	return c.tc.APIError(op, *e.ErrorCode, code, e.ErrorText, kindFor(*e.ErrorCode))
}

// check is the transport's Check: a non-200 answer, or any answer whose
// response object carries an errorcode (inside a 200 too), is an
// *cloudkeys.APIError.
func (c *Client) check(_ *transport.Request, resp *transport.Response) error {
	if e, ok := parseError(resp.Body); ok {
		return c.envelopeError("", e)
	}
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	return c.tc.APIError("", resp.StatusCode, "", transport.Excerpt(resp.Body), nil)
}

// classify marks CloudStack application errors final: 4xx other than 429,
// and 530–537 (internal, account, capacity, resource errors), which a retry
// does not fix. Gateway answers (502/503/504 from a proxy) keep the default.
//
// A 200 is never retried, whatever it holds: its verdict could only be
// Final or Default (an errorcode inside a 200 was read here once, and no
// errorcode makes it Transient), and the transport retries a Default 200
// no more than a Final one. So a 200 is not read here; check reads it.
func classify(resp *transport.Response) transport.Verdict {
	code := resp.StatusCode
	if code == http.StatusOK {
		return transport.Default
	}
	switch {
	case code == http.StatusTooManyRequests:
		return transport.Default
	case code >= 400 && code <= 499, code >= 530 && code <= 537, code == CodeUnauthorized2FA:
		return transport.Final
	}
	return transport.Default
}

// notFound is the error for a key or user the server does not know.
func (c *Client) notFound(op, what string) error {
	return c.tc.APIError(op, 0, "", what+" not found", cloudkeys.ErrNotFound)
}

// retried reports an API error answered after more than one attempt.
func retried(err error) bool {
	var ae *cloudkeys.APIError
	return errors.As(err, &ae) && ae.Attempts > 1
}
