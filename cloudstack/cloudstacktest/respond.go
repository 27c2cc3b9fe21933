package cloudstacktest

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// apiError is an error answer: the status equals errorcode; cserrorcode is
// omitted (0) for authentication failures, as getSerializedApiError does.
type apiError struct {
	code   int
	cs     int
	text   string
	global bool // wrapper "errorresponse" instead of "<command>response"
}

func errorf(code, cs int, format string, a ...any) *apiError {
	return &apiError{code: code, cs: cs, text: fmt.Sprintf(format, a...)}
}

var (
	errSignature = &apiError{code: 401, text: "unable to verify user credentials and/or request signature"}
	errSession   = &apiError{code: 401, text: "unable to verify user credentials"}
)

func paramError(format string, a ...any) *apiError { return errorf(431, 4350, format, a...) }
func permissionError(format string, a ...any) *apiError {
	return errorf(531, 4365, format, a...)
}

// invalidEntity is the dispatcher's 431 for a UUID parameter that names no
// entity.
func invalidEntity(cmd, param, value string) *apiError {
	return paramError("Unable to execute API command %s due to invalid value. Invalid parameter %s value=%s due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.", strings.ToLower(cmd), param, value)
}

// errorBody is the ErrorBody of injected faults: the CloudStack envelope for
// CloudStack codes, and a proxy's HTML page for 502/503/504 (CloudStack
// itself never sends those).
func errorBody(status int) (http.Header, []byte) {
	switch status {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return http.Header{"Content-Type": {"text/html"}},
			[]byte(fmt.Sprintf("<html><head><title>%d %s</title></head><body><center><h1>%d %s</h1></center><hr><center>nginx</center></body></html>", status, http.StatusText(status), status, http.StatusText(status)))
	}
	text := http.StatusText(status)
	if text == "" {
		text = "injected fault"
	}
	b, _ := json.Marshal(map[string]any{"errorresponse": map[string]any{"uuidList": []string{}, "errorcode": status, "cserrorcode": 9999, "errortext": text}})
	return http.Header{"Content-Type": {"application/json; charset=UTF-8"}}, b
}

// write sends {"<command>response": body} as JSON, or as XML when the
// format is not json.
func write(w http.ResponseWriter, status int, cmd, format string, body any) {
	name := strings.ToLower(cmd) + "response"
	if cmd == "" {
		name = "errorresponse"
	}
	if format != "json" {
		w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(xml.Header))
		writeXML(w, name, body)
		return
	}
	b, _ := json.Marshal(map[string]any{name: body})
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, cmd, format string, e *apiError) {
	body := map[string]any{"uuidList": []string{}, "errorcode": e.code, "errortext": e.text}
	if e.cs != 0 {
		body["cserrorcode"] = e.cs
		w.Header().Set("X-Description", e.text)
	}
	if e.global {
		cmd = ""
	}
	write(w, e.code, cmd, format, body)
}

// writeXML renders maps and slices the way CloudStack's XML serializer
// does, closely enough for a client that asks for XML by mistake.
func writeXML(w http.ResponseWriter, name string, v any) {
	var b strings.Builder
	var walk func(name string, v any)
	walk = func(name string, v any) {
		switch t := v.(type) {
		case map[string]any:
			b.WriteString("<" + name + ">")
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(k, t[k])
			}
			b.WriteString("</" + name + ">")
		case []any:
			for _, e := range t {
				walk(name, e)
			}
		case []map[string]any:
			for _, e := range t {
				walk(name, e)
			}
		case []string:
			for _, e := range t {
				walk(name, e)
			}
		default:
			b.WriteString("<" + name + ">")
			_ = xml.EscapeText(&b, []byte(scalar(v)))
			b.WriteString("</" + name + ">")
		}
	}
	walk(name, v)
	_, _ = w.Write([]byte(b.String()))
}

func scalar(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case int:
		return strconv.Itoa(t)
	case bool:
		return strconv.FormatBool(t)
	}
	return fmt.Sprint(v)
}
