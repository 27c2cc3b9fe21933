package cloudstack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
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
	// unreadable reports a result Decode cannot read (set by queryJob).
	unreadable func(error) error
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
	if err := json.Unmarshal(res, v); err != nil {
		if r.unreadable != nil {
			return r.unreadable(err)
		}
		return fmt.Errorf("cloudstack: queryAsyncJobResult: cannot read the job's result: %w", transport.NewBadAnswer(err))
	}
	return nil
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
// transient failures). An answer that cannot be read is a
// *cloudkeys.UndecodableAnswerError matching cloudkeys.ErrServer; its text
// never quotes the answer.
func (c *Client) QueryAsyncJobResult(ctx context.Context, jobID string) (*AsyncJobResult, error) {
	res, _, err := c.queryJob(ctx, jobID)
	return res, err
}

// queryJob is QueryAsyncJobResult, also returning the answer (with the
// error of an answer that came but could not be read too).
func (c *Client) queryJob(ctx context.Context, jobID string) (*AsyncJobResult, *reply, error) {
	if jobID == "" {
		return nil, nil, cloudkeys.InvalidInput(Vendor, "jobID", "must not be empty")
	}
	r, err := c.do(ctx, call{command: "queryAsyncJobResult", params: url.Values{"jobid": {jobID}}, class: transport.Read})
	if err != nil {
		return nil, r, err
	}
	var w jobWire
	if err := c.decode(r, &w); err != nil {
		return nil, r, err
	}
	return &AsyncJobResult{
		JobID: string(w.JobID), Cmd: string(w.Cmd), JobStatus: w.JobStatus.int(),
		JobResultCode: w.JobResultCode.int(), JobResultType: string(w.JobResultType),
		Created: string(w.Created), Completed: string(w.Completed), result: cloudkeys.NewSecret(string(w.JobResult)),
		unreadable: func(err error) error { return c.unreadable(r, err) },
	}, r, nil
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

// wait polls queryAsyncJobResult for the job started by the command k (its
// Operation and Class) until it ends or ctx is done, and returns
// its jobresult, as a reply holding the job's answer. A failed job is an
// *cloudkeys.APIError (StatusCode the job's errorcode). If polling cannot finish, the error
// matches cloudkeys.ErrOutcomeUnknown: the job may still complete. For a
// write, a job answer that came but cannot be read is the write's
// unreadable answer (c.unreadable): it may hold the result, a new secret,
// so it is kept.
func (c *Client) wait(ctx context.Context, k *transport.Call, id string) (*reply, error) {
	var res *AsyncJobResult
	var last *reply
	err := transport.Poll(ctx, time.Duration(c.pollMin.Load()), time.Duration(c.pollMax.Load()), func(ctx context.Context) (bool, error) {
		r, rep, err := c.queryJob(ctx, id)
		last = rep
		if err != nil {
			return false, err
		}
		res = r
		return r.JobStatus != JobPending, nil
	})
	if err != nil {
		var ue *cloudkeys.UndecodableAnswerError
		if k.Class == transport.Write && last != nil && last.resp != nil && errors.As(err, &ue) {
			return nil, c.unreadable(&reply{call: k, resp: last.resp}, err)
		}
		return nil, fmt.Errorf("cloudstack: %s: waiting for job %s: %w: %w", k.Operation, id, cloudkeys.ErrOutcomeUnknown, err)
	}
	if res.JobStatus == JobSucceeded {
		return &reply{inner: res.raw(), call: k, resp: last.resp}, nil
	}
	return nil, c.jobError(k.Operation, res)
}

// jobError turns a failed job into an *cloudkeys.APIError: the error
// envelope of its result (see envelopeError), else its jobresultcode as
// StatusCode and its text result (or "job failed") as Message.
func (c *Client) jobError(op string, r *AsyncJobResult) error {
	var e errorEnvelope
	if res := r.raw(); r.JobResultType != "text" && len(res) > 0 && json.Unmarshal(res, &e) == nil && e.ErrorCode != nil {
		return c.envelopeError(op, &e)
	}
	msg := "job failed"
	var s string
	if r.JobResultType == "text" && json.Unmarshal(r.raw(), &s) == nil {
		msg = s
	}
	return c.tc.APIError(op, r.JobResultCode, "", msg, cloudkeys.ErrServer)
}

// finish returns r itself for a synchronous answer, or waits for the job of
// an asynchronous one and returns its jobresult.
func (c *Client) finish(ctx context.Context, r *reply) (*reply, error) {
	if id, ok := jobID(r.inner); ok {
		return c.wait(ctx, r.call, id)
	}
	return r, nil
}
