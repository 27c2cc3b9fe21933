package onezone

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// ErrorBody is one Onezone error object, {"id", "description", "details"}.
// Nested errors (details.authError, details.tokenError,
// details.specificError) have the same shape.
type ErrorBody struct {
	ID          string          `json:"id"`
	Description string          `json:"description,omitempty"`
	Details     json.RawMessage `json:"details,omitempty"`
}

// Nested returns the nested error under details.authError,
// details.tokenError or details.specificError, or nil.
func (e *ErrorBody) Nested() *ErrorBody {
	if e == nil || len(e.Details) == 0 {
		return nil
	}
	var d struct {
		AuthError     *ErrorBody `json:"authError"`
		TokenError    *ErrorBody `json:"tokenError"`
		SpecificError *ErrorBody `json:"specificError"`
	}
	if json.Unmarshal(e.Details, &d) != nil {
		return nil
	}
	switch {
	case d.AuthError != nil:
		return d.AuthError
	case d.TokenError != nil:
		return d.TokenError
	default:
		return d.SpecificError
	}
}

// Error is what the client returns for an Onezone error answer. It wraps
// the *cloudkeys.APIError (Code = the error id, Message = the description
// plus the nested error's id) and keeps the parsed body, so callers can
// branch on ids: errors.As(err, &oe) then oe.Body.ID or oe.Body.Nested().ID.
// Never branch on the description, which Onezone rewords between versions.
type Error struct {
	API  *cloudkeys.APIError
	Body *ErrorBody // nil for a body-less answer (404/405/415/500 from the HTTP layer)
}

// Error returns the text of the wrapped *cloudkeys.APIError.
func (e *Error) Error() string { return e.API.Error() }

// Unwrap returns the *cloudkeys.APIError.
func (e *Error) Unwrap() error { return e.API }

// ErrorID returns the Onezone error id of err ("badValueName", "notFound",
// …), or "" when err carries none.
func ErrorID(err error) string {
	var ae *cloudkeys.APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}

// NestedErrorID returns the id of the nested error of err
// (details.authError / details.tokenError, e.g. "tokenRevoked" inside
// "unauthorized"), or "".
func NestedErrorID(err error) string {
	var oe *Error
	if errors.As(err, &oe) && oe.Body != nil {
		if n := oe.Body.Nested(); n != nil {
			return n.ID
		}
	}
	return ""
}

// parseErrorBody parses {"error":{...}}; ok is false for anything else.
func parseErrorBody(body []byte) (*ErrorBody, bool) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil, false
	}
	var env struct {
		Error *ErrorBody `json:"error"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.Error == nil || env.Error.ID == "" {
		return nil, false
	}
	return env.Error, true
}

// tokenErrorIDs are the token-validation ids (all HTTP 400 at top level).
var tokenErrorIDs = map[string]bool{
	"badToken": true, "tokenInvalid": true, "tokenRevoked": true, "tokenTooLarge": true,
	"tokenCaveatUnverified": true, "tokenCaveatUnknown": true, "tokenTimeCaveatRequired": true,
	"tokenSubjectInvalid": true, "tokenServiceForbidden": true, "tokenSessionInvalid": true,
	"notAnAccessToken": true, "notAnIdentityToken": true, "notAnInviteToken": true,
	"badServiceToken": true, "badConsumerToken": true, "badIdpAccessToken": true,
	"inviteTokenUsageLimitReached": true, "inviteTokenSubjectNotAuthorized": true,
	"inviteTokenConsumerInvalid": true, "inviteTokenTargetIdInvalid": true,
	"badBasicCredentials": true, "basicAuthNotSupported": true, "basicAuthDisabled": true,
	"userBlocked": true, "malformedData": true, "badMessage": true, "badData": true,
}

// kindOf maps an Onezone error id to a sentinel, or nil to use the status.
func kindOf(id string) error {
	switch {
	case id == "badValueIdentifierOccupied" || id == "alreadyExists" || id == "relationAlreadyExists":
		return cloudkeys.ErrConflict
	case id == "notFound":
		return cloudkeys.ErrNotFound
	case id == "unauthorized":
		return cloudkeys.ErrUnauthorized
	case id == "forbidden" || id == "forbiddenWithHint":
		return cloudkeys.ErrForbidden
	case id == "notSupported":
		return cloudkeys.ErrUnsupported
	case strings.HasPrefix(id, "badValue") || strings.HasPrefix(id, "missing") || tokenErrorIDs[id]:
		return cloudkeys.ErrInvalidRequest
	case id == "internalServerError" || id == "serviceUnavailable" || id == "timeout" || id == "temporaryFailure":
		return cloudkeys.ErrServer
	}
	return nil
}

// check is the transport's Check: 2xx is success; anything else becomes an
// *Error wrapping a *cloudkeys.APIError.
func (c *Client) check(_ *transport.Request, resp *transport.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	return c.errorFor(resp.StatusCode, resp.Body)
}

// errorFor builds the error for a non-2xx answer.
func (c *Client) errorFor(status int, body []byte) *Error {
	eb, ok := parseErrorBody(body)
	if !ok {
		var kind error
		switch status {
		case http.StatusMethodNotAllowed:
			kind = cloudkeys.ErrUnsupported
		case http.StatusUnsupportedMediaType, http.StatusNotAcceptable:
			kind = cloudkeys.ErrInvalidRequest
		}
		return &Error{API: c.t.APIError("", status, "", transport.Excerpt(body), kind)}
	}
	msg := eb.Description
	if msg == "" {
		msg = eb.ID
	}
	if n := eb.Nested(); n != nil && n.ID != "" {
		msg += " [" + n.ID + "]"
	}
	return &Error{API: c.t.APIError("", status, eb.ID, msg, kindOf(eb.ID)), Body: eb}
}
