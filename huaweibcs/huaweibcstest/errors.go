package huaweibcstest

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// serviceError is the NES service's error body.
type serviceError struct {
	Code      string `json:"code"`
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
	Message   string `json:"message"`
}

// gatewayError is the API gateway's error body.
type gatewayError struct {
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
	RequestID string `json:"request_id"`
}

// Service error codes and their texts, from the NES error-code page.
var serviceMsgs = map[string]string{
	"BCS.03400001": "Invalid request.",
	"BCS.03400006": "Content type not supported.",
	"BCS.03401001": "Authorization failed.",
	"BCS.03404001": "Resource not found.",
	"BCS.03429001": "Reach maximum parallel tasks.",
	"BCS.03500001": "Internal error.",
}

func serviceBody(status int, code, message string) []byte {
	b, _ := json.Marshal(serviceError{Code: strconv.Itoa(status), ErrorCode: code, ErrorMsg: serviceMsgs[code], Message: message})
	return b
}

func gatewayBody(code, msg, reqID string) []byte {
	b, _ := json.Marshal(gatewayError{ErrorCode: code, ErrorMsg: msg, RequestID: reqID})
	return b
}

// ErrorBody is the fake's answer to FailNext(n, status): the body the real
// service or gateway sends for that status — 400 BCS.03400001, 404
// BCS.03404001, 500 BCS.03500001 (service bodies); 401 APIGW.0301, 403
// APIGW.0310, 429 APIGW.0308, 413/502/503/504 APIGW.0201 (gateway bodies).
// Every answer carries X-Request-Id.
func ErrorBody(status int) (http.Header, []byte) {
	id := randomHex(16)
	h := http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {id}}
	switch status {
	case http.StatusBadRequest:
		return h, serviceBody(status, "BCS.03400001", "injected fault")
	case http.StatusNotFound:
		return h, serviceBody(status, "BCS.03404001", "injected fault")
	case http.StatusInternalServerError:
		return h, serviceBody(status, "BCS.03500001", "injected fault")
	case http.StatusUnauthorized:
		return h, gatewayBody("APIGW.0301", "Incorrect IAM authentication information: injected fault", id)
	case http.StatusForbidden:
		return h, gatewayBody("APIGW.0310", "The project is unavailable.", id)
	case http.StatusTooManyRequests:
		return h, gatewayBody("APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit,limit:200,time:1 second", id)
	case http.StatusRequestEntityTooLarge:
		return h, gatewayBody("APIGW.0201", "Request entity too large", id)
	case http.StatusBadGateway:
		return h, gatewayBody("APIGW.0201", "Backend unavailable", id)
	case http.StatusServiceUnavailable:
		return h, gatewayBody("APIGW.0201", "Backend unavailable", id)
	case http.StatusGatewayTimeout:
		return h, gatewayBody("APIGW.0201", "Backend timeout", id)
	}
	return h, gatewayBody("APIGW.0201", http.StatusText(status), id)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (s *Server) serviceErr(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, serviceBody(status, code, message))
}

func (s *Server) gatewayErr(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, gatewayBody(code, msg, w.Header().Get("X-Request-Id")))
}

func itoa(i int) string { return strconv.Itoa(i) }
