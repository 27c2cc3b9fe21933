package cloudstack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// Job statuses of queryAsyncJobResult.
const (
	JobPending   = 0
	JobSucceeded = 1
	JobFailed    = 2
)

// AsyncJobResult is the answer of queryAsyncJobResult. The job's result may
// hold a secret (the new secret key of a registerUserKeys job), so it is
// kept as a cloudkeys.Secret: no way of printing, logging or marshalling an
// AsyncJobResult shows it (a raw print of the unexported field shows an
// address). Read it with Decode.
type AsyncJobResult struct {
	JobID         string
	Cmd           string
	JobStatus     int // JobPending, JobSucceeded or JobFailed
	JobResultCode int
	JobResultType string // "object" or "text"
	Created       string
	Completed     string

	result cloudkeys.Secret // the raw jobresult JSON
}

// raw returns the job's jobresult JSON (nil when there is none).
func (r *AsyncJobResult) raw() json.RawMessage {
	if r.result.IsZero() {
		return nil
	}
	return json.RawMessage(r.result.Reveal())
}

// Decode unmarshals the job's jobresult into v. Decode secrets into
// cloudkeys.Secret fields to keep them unprintable.
func (r *AsyncJobResult) Decode(v any) error {
	res := r.raw()
	if len(res) == 0 {
		return fmt.Errorf("cloudstack: job %s has no result", r.JobID)
	}
	return decode("queryAsyncJobResult", res, v)
}

type jobWire struct {
	JobID         flexString      `json:"jobid"`
	Cmd           flexString      `json:"cmd"`
	JobStatus     flexString      `json:"jobstatus"`
	JobResultCode flexString      `json:"jobresultcode"`
	JobResultType flexString      `json:"jobresulttype"`
	JobResult     json.RawMessage `json:"jobresult"`
	Created       flexString      `json:"created"`
	Completed     flexString      `json:"completed"`
}

// QueryAsyncJobResult asks for the state of an asynchronous job: GET
// command=queryAsyncJobResult&jobid=<id>. It is a read (retried on
// transient failures).
func (c *Client) QueryAsyncJobResult(ctx context.Context, jobID string) (*AsyncJobResult, error) {
	if jobID == "" {
		return nil, cloudkeys.InvalidInput(vendor, "jobID", "must not be empty")
	}
	inner, err := c.do(ctx, call{command: "queryAsyncJobResult", params: url.Values{"jobid": {jobID}}, class: transport.Read})
	if err != nil {
		return nil, err
	}
	var w jobWire
	if err := decode("queryAsyncJobResult", inner, &w); err != nil {
		return nil, err
	}
	return &AsyncJobResult{
		JobID: string(w.JobID), Cmd: string(w.Cmd), JobStatus: w.JobStatus.int(),
		JobResultCode: w.JobResultCode.int(), JobResultType: string(w.JobResultType),
		Created: string(w.Created), Completed: string(w.Completed), result: cloudkeys.NewSecret(string(w.JobResult)),
	}, nil
}

// jobID returns the job id if inner is an asynchronous command's immediate
// answer ({"jobid":…}, possibly with "id").
func jobID(inner json.RawMessage) (string, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(inner, &m) != nil {
		return "", false
	}
	raw, ok := m["jobid"]
	if !ok {
		return "", false
	}
	var s flexString
	if json.Unmarshal(raw, &s) != nil || s == "" {
		return "", false
	}
	return string(s), true
}

// entityID returns the "id" an asynchronous create-type command adds to its
// immediate answer ({"jobid":…,"id":…}), or "".
func entityID(inner json.RawMessage) string {
	if _, ok := jobID(inner); !ok {
		return ""
	}
	var w struct {
		ID flexString `json:"id"`
	}
	if json.Unmarshal(inner, &w) != nil {
		return ""
	}
	return string(w.ID)
}

// wait polls queryAsyncJobResult for the job started by op until it ends or
// ctx is done, and returns its jobresult. A failed job is an
// *cloudkeys.APIError with StatusCode 0. If polling cannot finish, the error
// matches cloudkeys.ErrOutcomeUnknown: the job may still complete.
func (c *Client) wait(ctx context.Context, op, id string) (json.RawMessage, error) {
	var res *AsyncJobResult
	err := transport.Poll(ctx, time.Duration(c.pollMin.Load()), time.Duration(c.pollMax.Load()), func(ctx context.Context) (bool, error) {
		r, err := c.QueryAsyncJobResult(ctx, id)
		if err != nil {
			return false, err
		}
		res = r
		return r.JobStatus != JobPending, nil
	})
	if err != nil {
		return nil, fmt.Errorf("cloudstack: %s: waiting for job %s: %w: %w", op, id, cloudkeys.ErrOutcomeUnknown, err)
	}
	if res.JobStatus == JobSucceeded {
		return res.raw(), nil
	}
	return nil, jobError(op, res)
}

// jobError turns a failed job into an *cloudkeys.APIError.
func jobError(op string, r *AsyncJobResult) error {
	ae := &cloudkeys.APIError{Vendor: vendor, Operation: op, Code: strconv.Itoa(r.JobResultCode), Message: "job failed", Kind: cloudkeys.ErrServer}
	var e errorEnvelope
	if r.JobResultType == "text" {
		var s string
		if json.Unmarshal(r.raw(), &s) == nil {
			ae.Message = s
		}
		return ae
	}
	if res := r.raw(); len(res) > 0 && json.Unmarshal(res, &e) == nil && e.ErrorCode != nil {
		ae = newEnvelopeError(0, &e)
		ae.Operation = op
	}
	return ae
}

// finish returns inner itself for a synchronous answer, or waits for the job
// of an asynchronous one and returns its jobresult.
func (c *Client) finish(ctx context.Context, op string, inner json.RawMessage) (json.RawMessage, error) {
	if id, ok := jobID(inner); ok {
		return c.wait(ctx, op, id)
	}
	return inner, nil
}
