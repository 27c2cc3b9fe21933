package onezonetest

import (
	"encoding/json"
	"net/http"
)

// ozErr is one Onezone error: {"id","description","details"}.
type ozErr struct {
	id      string
	details map[string]any
}

func e(id string, details map[string]any) *ozErr { return &ozErr{id: id, details: details} }

// descriptions are the fake's texts; clients must not depend on them.
var descriptions = map[string]string{
	"badToken":                        "Provided token could not be understood by the server.",
	"tokenInvalid":                    "Provided token is not valid.",
	"tokenRevoked":                    "Provided token has been revoked.",
	"tokenTooLarge":                   "Provided token exceeds the allowed size.",
	"tokenCaveatUnverified":           "Token authorization failed - caveat unverified.",
	"tokenTimeCaveatRequired":         "You must specify a time caveat with a TTL no longer than the maximum.",
	"tokenSubjectInvalid":             "Token subject is invalid.",
	"notAnAccessToken":                "Received an invalid token type - expected an access token.",
	"notAnIdentityToken":              "Received an invalid token type - expected an identity token.",
	"notAnInviteToken":                "Received an invalid token type - expected an invite token.",
	"inviteTokenUsageLimitReached":    "The usage limit of this invite token has been reached.",
	"inviteTokenSubjectNotAuthorized": "The subject of this invite token is not authorized to issue it.",
	"inviteTokenTargetIdInvalid":      "The target id of this invite token is invalid.",
	"badBasicCredentials":             "Invalid username or password.",
	"basicAuthNotSupported":           "Basic auth is not supported by this user.",
	"basicAuthDisabled":               "Basic auth is disabled for this user.",
	"userBlocked":                     "This user account has been blocked.",
	"malformedData":                   "Provided data could not be understood by the server.",
	"missingRequiredValue":            "Missing required value.",
	"missingAtLeastOneValue":          "Missing data, you must provide at least one of the values.",
	"badValueString":                  "Bad value: provided value must be a string.",
	"badValueEmpty":                   "Bad value: provided value must not be empty.",
	"badValueBoolean":                 "Bad value: provided value must be a boolean.",
	"badValueInteger":                 "Bad value: provided value must be an integer.",
	"badValueJSON":                    "Bad value: provided value must be a valid JSON object.",
	"badValueName":                    "Bad value: Name must be 2-128 characters long and composed only of UTF-8 letters, digits, brackets and underscores. Dashes, spaces and dots are allowed (but not at the beginning or the end).",
	"badValueToken":                   "Bad value: provided token is not valid.",
	"badValueTokenType":               "Bad value: provided token type is invalid.",
	"badValueInviteType":              "Bad value: provided invite type is invalid.",
	"badValueCaveat":                  "Bad value: provided caveat is invalid.",
	"badValueIdentifierOccupied":      "Bad value: provided identifier is already occupied.",
	"badValueTooLow":                  "Bad value: provided value is too low.",
	"badValueNotAllowed":              "Bad value: provided value is not allowed.",
	"badValueListNotAllowed":          "Bad value: provided list contains values that are not allowed.",
	"badMessage":                      "Message could not be understood by the server.",
	"unauthorized":                    "You must authenticate yourself to perform this operation.",
	"forbidden":                       "You are not authorized to perform this operation (insufficient privileges?).",
	"notFound":                        "The resource could not be found.",
	"alreadyExists":                   "The resource already exists.",
	"internalServerError":             "The server has encountered an error while processing this request.",
	"serviceUnavailable":              "The service is unavailable.",
	"timeout":                         "Operation timed out.",
}

func httpCode(id string) int {
	switch id {
	case "unauthorized":
		return http.StatusUnauthorized
	case "forbidden", "forbiddenWithHint":
		return http.StatusForbidden
	case "notFound":
		return http.StatusNotFound
	case "alreadyExists", "relationAlreadyExists":
		return http.StatusConflict
	case "internalServerError":
		return http.StatusInternalServerError
	case "serviceUnavailable", "timeout", "temporaryFailure":
		return http.StatusServiceUnavailable
	}
	return http.StatusBadRequest
}

func (o *ozErr) object() map[string]any {
	m := map[string]any{"id": o.id, "description": descriptions[o.id]}
	if m["description"] == "" {
		m["description"] = "Error: " + o.id + "."
	}
	if o.details != nil {
		m["details"] = o.details
	}
	return m
}

func (o *ozErr) body() []byte {
	b, _ := json.Marshal(map[string]any{"error": o.object()})
	return b
}

// unauthorizedWith wraps a token/basic-auth error as 401 details.authError.
func unauthorizedWith(inner *ozErr) *ozErr {
	if inner == nil {
		return e("unauthorized", nil)
	}
	return e("unauthorized", map[string]any{"authError": inner.object()})
}

func writeErr(w http.ResponseWriter, o *ozErr) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(httpCode(o.id))
	_, _ = w.Write(o.body())
}

// errorBody is the fake's answer for FailNext(status).
func errorBody(status int) (http.Header, []byte) {
	var id string
	var details map[string]any
	switch status {
	case 400:
		id = "badMessage"
	case 401:
		id = "unauthorized"
	case 403:
		id = "forbidden"
	case 404:
		id = "notFound"
	case 409:
		id = "alreadyExists"
	case 500:
		id, details = "internalServerError", map[string]any{"reference": randomHex(5)}
	case 503:
		id = "serviceUnavailable"
	default:
		return nil, nil // the HTTP layer's body-less answer (e.g. 502/504 from a proxy)
	}
	return http.Header{"Content-Type": {"application/json"}}, e(id, details).body()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
