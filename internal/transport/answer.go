package transport

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cloudkeys/cloudkeys"
)

// BadAnswer is what a vendor's Check hook or decoder returns for a 2xx
// answer it cannot read. Problem must not quote the answer (use
// DecodeProblem for a JSON error). Do turns it into a
// *cloudkeys.UndecodableAnswerError.
type BadAnswer struct{ Problem string }

// Error returns the problem.
func (e *BadAnswer) Error() string { return "cannot read the answer: " + e.Problem }

// NewBadAnswer describes err (a JSON error, usually) without answer text.
func NewBadAnswer(err error) *BadAnswer { return &BadAnswer{Problem: DecodeProblem(err)} }

// DecodeProblem describes a decoding error without quoting the input: the
// offset of a syntax error, the field and JSON kind of a type mismatch, or
// the problem of a *BadAnswer or a *cloudkeys.UndecodableAnswerError (so an
// unreadable answer can be reported again for another request, as the
// outcome of the write it answers). Any other error becomes "unexpected
// answer".
func DecodeProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var ba *BadAnswer
	var ue *cloudkeys.UndecodableAnswerError
	switch {
	case err == nil:
		return "unexpected answer"
	case errors.As(err, &ba):
		return ba.Problem
	case errors.As(err, &ue):
		return ue.Problem
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at offset %d", se.Offset)
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Sprintf("unexpected JSON %s for field %q", te.Value, te.Field)
		}
		return fmt.Sprintf("unexpected JSON %s", te.Value)
	}
	return "unexpected answer"
}

// Undecodable returns the error for a 2xx answer to req that cannot be
// read (cause says why; it is described with DecodeProblem, never quoted).
// For a Write it matches cloudkeys.ErrOutcomeUnknown and keeps the raw body
// as a cloudkeys.Secret, since it may hold the only copy of a new secret;
// for a Read or IdempotentWrite it matches cloudkeys.ErrServer only.
func (c *Client) Undecodable(req *Request, resp *Response, cause error) error {
	ue := &cloudkeys.UndecodableAnswerError{
		Vendor: c.cfg.Vendor, Operation: req.Operation, Problem: CleanText(c.Scrub(DecodeProblem(cause), req.Secrets...)),
	}
	if resp != nil {
		ue.StatusCode, ue.Size = resp.StatusCode, len(resp.Body)
		if req.Class == Write {
			ue.Write = true
			ue.Answer = cloudkeys.NewSecret(string(resp.Body))
		}
	} else if req.Class == Write {
		ue.Write = true
	}
	return ue
}

// StatusSentinel returns the sentinel an HTTP status maps to in
// (*cloudkeys.APIError).Is when the error has no Kind (400
// ErrInvalidRequest, 401 ErrUnauthorized, ..., 5xx ErrServer), or nil: for
// a vendor whose own codes fall back on the status mapping.
func StatusSentinel(status int) error {
	e := &cloudkeys.APIError{StatusCode: status}
	for _, s := range statusSentinels {
		if e.Is(s) {
			return s
		}
	}
	return nil
}

// statusSentinels are the sentinels an HTTP status can map to.
var statusSentinels = []error{
	cloudkeys.ErrInvalidRequest, cloudkeys.ErrUnauthorized, cloudkeys.ErrForbidden, cloudkeys.ErrNotFound,
	cloudkeys.ErrConflict, cloudkeys.ErrRateLimited, cloudkeys.ErrServer,
}

// APIError returns the *cloudkeys.APIError of operation op: Vendor set,
// code and msg (server text) scrubbed of registered secrets and cleaned
// (CleanText: no control characters, at most 1 KiB), kind the sentinel it
// matches (nil: the one status maps to). status is the HTTP status, or 0
// for an error the answer reports inside a success (a failed job, a
// listing without what was asked for).
//
// It is the one way vendor code builds an *cloudkeys.APIError: in a Check
// hook (Do then fills in Operation where op is "", Attempts and RequestID,
// and scrubs again, with the call's own secrets), from an answer already
// read (an asynchronous job's error), or for what an answer lacks. Set
// RequestID or Attempts afterwards only from a response of this client.
func (c *Client) APIError(op string, status int, code, msg string, kind error) *cloudkeys.APIError {
	ae := &cloudkeys.APIError{Vendor: c.cfg.Vendor, Operation: op, StatusCode: status, Code: code, Message: msg, Kind: kind}
	c.complete(ae, &Request{}, nil)
	return ae
}
