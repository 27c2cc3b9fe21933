package huaweibcs

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// RequestIDHeader is the header carrying Huawei's request id.
const RequestIDHeader = "X-Request-Id"

// Error codes this package gives a meaning to.
const (
	CodeInvalidRequest   = "BCS.03400001" // 400 Invalid request.
	CodeAuthFailed       = "BCS.03401001" // 401 Authorization failed.
	CodeNotFound         = "BCS.03404001" // 404 Resource not found.
	CodeTooManyTasks     = "BCS.03429001" // 429 Reach maximum parallel tasks.
	CodeInternal         = "BCS.03500001" // 500 Internal error.
	CodeGatewayAuth      = "APIGW.0301"   // 401 bad IAM auth, signature or AK
	CodeGatewayAppAuth   = "APIGW.0303"   // 401 app auth; X-Sdk-Date skew over 15 min
	CodeGatewayThrottled = "APIGW.0308"   // 429 throttling threshold reached
	CodeGatewayNoAPI     = "APIGW.0101"   // 404 API not found or not published
	CodeGatewayProject   = "APIGW.0310"   // 403 project unavailable
)

// errorBody is every error shape seen: NES service bodies
// {code, error_code, error_msg, message}, API-gateway bodies
// {error_code, error_msg, request_id}, the variant with status_code and
// error_message, and Keystone-style IAM bodies {"error":{code,message,title}}.
type errorBody struct {
	Code         json.RawMessage `json:"code"` // "400" or 400
	ErrorCode    string          `json:"error_code"`
	ErrorMsg     string          `json:"error_msg"`
	ErrorMessage string          `json:"error_message"`
	Message      string          `json:"message"`
	RequestID    string          `json:"request_id"`
	Error        *struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
		Title   string          `json:"title"`
	} `json:"error"`
}

// parseError reads an error body into code, message and request id. ok is
// false when the body is not a JSON object.
func parseError(body []byte) (code, msg, reqID string, ok bool) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return "", "", "", false
	}
	var eb errorBody
	if err := json.Unmarshal(body, &eb); err != nil {
		return "", "", "", false
	}
	code = eb.ErrorCode
	msg = eb.ErrorMsg
	if msg == "" {
		msg = eb.ErrorMessage
	}
	detail := eb.Message
	if code == "" {
		code = rawString(eb.Code)
	}
	if eb.Error != nil {
		if code == "" {
			code = rawString(eb.Error.Code)
		}
		if msg == "" {
			msg = eb.Error.Message
		}
		if msg == "" {
			msg = eb.Error.Title
		}
	}
	switch {
	case msg == "":
		msg = detail
	case detail != "" && detail != msg:
		msg = strings.TrimSuffix(msg, ".") + ": " + detail
	}
	return code, msg, eb.RequestID, true
}

// rawString reads a JSON string or number as a string.
func rawString(r json.RawMessage) string {
	if len(r) == 0 || string(r) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(r, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(r, &n) == nil {
		return n.String()
	}
	return ""
}

// kindFor maps a vendor code to a sentinel where its status alone would not.
func kindFor(code string, status int) error {
	switch code {
	case CodeGatewayThrottled, "APIG.0308", CodeTooManyTasks:
		return cloudkeys.ErrRateLimited
	case CodeNotFound:
		return cloudkeys.ErrNotFound
	case CodeAuthFailed, CodeGatewayAuth, "APIG.0301", CodeGatewayAppAuth:
		return cloudkeys.ErrUnauthorized
	case CodeInvalidRequest:
		return cloudkeys.ErrInvalidRequest
	}
	if status == http.StatusTooManyRequests {
		return cloudkeys.ErrRateLimited
	}
	return nil
}

// isRateLimitCode reports a throttling code, whatever status carries it.
func isRateLimitCode(code string) bool {
	return code == CodeGatewayThrottled || code == "APIG.0308" || code == CodeTooManyTasks
}

// classify marks throttling codes transient (reads are retried) and leaves
// the rest to the status rules.
func classify(resp *transport.Response) transport.Verdict {
	if resp.StatusCode < 400 {
		return transport.Default
	}
	if code, _, _, ok := parseError(resp.Body); ok && isRateLimitCode(code) {
		return transport.Transient
	}
	return transport.Default
}

// check turns a non-2xx answer into an *cloudkeys.APIError.
func (c *Client) check(_ *transport.Request, resp *transport.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	code, msg, reqID, ok := parseError(resp.Body)
	if !ok {
		msg = transport.Excerpt(resp.Body)
	}
	if code == strconv.Itoa(resp.StatusCode) {
		code = "" // only the status repeated
	}
	ae := c.t.APIError("", resp.StatusCode, code, msg, kindFor(code, resp.StatusCode))
	// The header's id, else the body's; Do scrubs and cleans it.
	ae.RequestID = cmp.Or(resp.Header.Get(RequestIDHeader), reqID)
	return ae
}

// apiError returns the *cloudkeys.APIError in err's chain, or nil.
func apiError(err error) *cloudkeys.APIError {
	var ae *cloudkeys.APIError
	if errors.As(err, &ae) {
		return ae
	}
	return nil
}
