package zstack

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
	"github.com/cloudkeys/cloudkeys/internal/zstackwire"
)

// errorCode is ZStack's JSON error (ErrorCode.java), the body of every 503:
// {"error":{"code","description","details","cause",...}}.
type errorCode struct {
	Code        string     `json:"code"`
	Description string     `json:"description,omitempty"`
	Details     string     `json:"details,omitempty"`
	Elaboration string     `json:"elaboration,omitempty"`
	Cause       *errorCode `json:"cause,omitempty"`
}

// ZStack error codes the client maps to cloudkeys sentinels.
const (
	CodeInternal          = "SYS.1000" // internal error
	CodeNotFound          = "SYS.1003" // resource not found: ErrNotFound
	CodeInvalidArgument   = "SYS.1007" // invalid argument: ErrInvalidRequest
	CodeMNUnavailable     = "SYS.1012" // management node unavailable: retried
	CodeAuthFailed        = "ID.1000"  // wrong name or password: ErrUnauthorized
	CodeInvalidSession    = "ID.1001"  // invalid or expired session: ErrUnauthorized (re-login)
	CodePermissionDenied  = "ID.1002"  // ErrForbidden
	CodeQuotaExceeded     = "ID.1003"  // ErrForbidden
	CodeTooManySessions   = "ID.1006"
	duplicateJobUUIDText  = "Duplicate job uuid"
	jobExpiredText        = "the job has been expired"
	jobsPathSegment       = "/api-jobs/"
	maxErrorMessageLength = 400
)

// parseError reads a {"error":{...}} body; ok is false for anything else.
func parseError(body []byte) (*errorCode, bool) {
	b := bytes.TrimSpace(body)
	if len(b) == 0 || b[0] != '{' {
		return nil, false
	}
	// Every answer passes here (classify); a success answer, which cannot
	// hold an "error" key, is settled without decoding it.
	if !transport.MayHoldKey(b, "error") {
		return nil, false
	}
	var env struct {
		Error *errorCode `json:"error"`
	}
	if err := json.Unmarshal(b, &env); err != nil || env.Error == nil || env.Error.Code == "" {
		return nil, false
	}
	return env.Error, true
}

// kindFor maps a ZStack code to a cloudkeys sentinel (nil: by status).
func kindFor(code string) error {
	switch code {
	case CodeAuthFailed, CodeInvalidSession:
		return cloudkeys.ErrUnauthorized
	case CodePermissionDenied, CodeQuotaExceeded:
		return cloudkeys.ErrForbidden
	case CodeNotFound:
		return cloudkeys.ErrNotFound
	case CodeInvalidArgument:
		return cloudkeys.ErrInvalidRequest
	}
	return nil
}

// classify makes a 503 carrying an application error final (never retried),
// except SYS.1012 (management node unavailable), which is transient. Other
// answers follow the transport's status rules.
func classify(resp *transport.Response) transport.Verdict {
	if e, ok := parseError(resp.Body); ok {
		if e.Code == CodeMNUnavailable {
			return transport.Transient
		}
		return transport.Final
	}
	return transport.Default
}

// check turns a non-2xx answer into an *cloudkeys.APIError.
func (c *Client) check(req *transport.Request, resp *transport.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	if e, ok := parseError(resp.Body); ok {
		return c.tc.APIError("", resp.StatusCode, e.Code, errorMessage(e), kindFor(e.Code))
	}
	msg := transport.Excerpt(resp.Body)
	var kind error
	switch {
	case resp.StatusCode == http.StatusForbidden && c.creds.kind == credAccessKey && !req.NoSign:
		// Bad signature, clock skew or an unknown/disabled key.
		kind = cloudkeys.ErrUnauthorized
		if strings.Contains(msg, "requestTimeTooSkewed") {
			msg += " (the Date header was the server's wall clock in zone " + zstackwire.ZoneLabel(c.tc.Now().In(c.loc)) +
				"; set zstack.WithServerLocation to the server's zone and check both clocks)"
		}
	case resp.StatusCode == http.StatusNotFound && isJobURL(req):
		// The job's result is gone: whether the write happened is unknown.
		kind = cloudkeys.ErrOutcomeUnknown
	}
	return c.tc.APIError("", resp.StatusCode, "", msg, kind)
}

func isJobURL(req *transport.Request) bool {
	return req.URL != nil && strings.Contains(req.URL.Path, jobsPathSegment)
}

func errorMessage(e *errorCode) string {
	msg := e.Description
	if e.Details != "" && e.Details != e.Description {
		if msg != "" {
			msg += ": "
		}
		msg += e.Details
	}
	if msg == "" {
		msg = "error " + e.Code
	}
	if len(msg) > maxErrorMessageLength {
		msg = transport.Excerpt([]byte(msg))
	}
	return msg
}

// errorCodeOf returns the ZStack code of err, if it carries one.
func errorCodeOf(err error) string {
	var ae *cloudkeys.APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}

func isDuplicateJob(err error) bool {
	var ae *cloudkeys.APIError
	return errors.As(err, &ae) && ae.StatusCode == http.StatusBadRequest && strings.Contains(ae.Message, duplicateJobUUIDText)
}

// neverSent reports whether a transport failure shows that no connection
// was made (a dial error), so the write did not reach the server.
func neverSent(err error) bool {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return true
	}
	var de *net.DNSError
	return errors.As(err, &de)
}

// JobOutcomeUnknownError reports an asynchronous write whose answer was
// lost after every retry: it may or may not have been carried out. It
// matches [cloudkeys.ErrOutcomeUnknown]. The write carried JobUUID as its
// X-Job-UUID, so [Client.WaitJob] with it tells the outcome, and re-sending
// with the same job uuid can never run it twice.
type JobOutcomeUnknownError struct {
	Operation string
	JobUUID   string
	Err       error
}

// Error names the job to reconcile; it never carries a secret.
func (e *JobOutcomeUnknownError) Error() string {
	return Vendor + ": " + e.Operation + ": outcome unknown, the write may have been carried out (job " + e.JobUUID + "; reconcile with WaitJob): " + e.Err.Error()
}

// Unwrap returns the sentinel and the cause.
func (e *JobOutcomeUnknownError) Unwrap() []error { return []error{cloudkeys.ErrOutcomeUnknown, e.Err} }
