package cloudstack

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// CloudStack error codes (ApiErrorCode). The HTTP status of an error answer
// equals its errorcode.
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
// its name.
func unwrap(body []byte) (string, json.RawMessage, error) {
	var outer map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&outer); err != nil {
		return "", nil, fmt.Errorf("not a CloudStack JSON answer: %w", err)
	}
	if len(outer) != 1 {
		return "", nil, fmt.Errorf("want one top-level object, got %d", len(outer))
	}
	for k, v := range outer {
		return k, v, nil
	}
	return "", nil, errors.New("empty answer")
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
	return cloudkeys.StatusSentinel(code)
}

// newEnvelopeError builds the *cloudkeys.APIError for an error envelope.
// Code is the errorcode, followed by "/<cserrorcode>" when the server sent
// one (authentication failures carry none).
func newEnvelopeError(status int, e *errorEnvelope) *cloudkeys.APIError {
	code := strconv.Itoa(*e.ErrorCode)
	if e.CSErrorCode != nil {
		code += "/" + strconv.Itoa(*e.CSErrorCode)
	}
	return &cloudkeys.APIError{
		Vendor: vendor, StatusCode: status, Code: code, Message: e.ErrorText, Kind: kindFor(*e.ErrorCode),
	}
}

// check is the transport's Check: a non-200 answer, or any answer whose
// response object carries an errorcode, is an *cloudkeys.APIError. An error
// inside a 200 gets StatusCode 0.
func check(_ *transport.Request, resp *transport.Response) error {
	if e, ok := parseError(resp.Body); ok {
		status := resp.StatusCode
		if status == http.StatusOK {
			status = 0
		}
		return newEnvelopeError(status, e)
	}
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	return &cloudkeys.APIError{StatusCode: resp.StatusCode, Message: transport.Excerpt(resp.Body)}
}

// classify marks CloudStack application errors final: 4xx other than 429,
// and 530–537 (internal, account, capacity, resource errors), which a retry
// does not fix. Gateway answers (502/503/504 from a proxy) keep the default.
func classify(resp *transport.Response) transport.Verdict {
	code := resp.StatusCode
	if e, ok := parseError(resp.Body); ok && code == http.StatusOK {
		code = *e.ErrorCode
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
func notFound(op, what string) error {
	return &cloudkeys.APIError{Vendor: vendor, Operation: op, Message: what + " not found", Kind: cloudkeys.ErrNotFound}
}

// retried reports an API error answered after more than one attempt.
func retried(err error) bool {
	var ae *cloudkeys.APIError
	return errors.As(err, &ae) && ae.Attempts > 1
}
