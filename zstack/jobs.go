package zstack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// maxJobIDLen bounds a job id taken from a location.
const maxJobIDLen = 64

// jobIDFromLocation reads the job id from a 202 answer
// {"location":"http://<mn-ip>:8080/zstack/v1/api-jobs/<id>","apiTimeout":ms}.
// Only the id is used: the job is always polled at the client's endpoint,
// because the location names the node's own, possibly unreachable, address.
func jobIDFromLocation(body []byte) (string, error) {
	var a struct {
		Location string `json:"location"`
	}
	if err := json.Unmarshal(body, &a); err != nil || a.Location == "" {
		return "", errors.New("a 202 answer without a job location")
	}
	return parseJobLocation(a.Location)
}

// parseJobLocation returns the job id of a job location such as
// "http://10.0.0.5:8080/zstack/v1/api-jobs/<id>".
func parseJobLocation(location string) (string, error) {
	u, err := url.Parse(location)
	if err != nil {
		return "", errors.New("job location is not a URL")
	}
	i := strings.LastIndex(u.Path, jobsPathSegment)
	if i < 0 {
		return "", errors.New("job location has no api-jobs path")
	}
	id := strings.TrimSuffix(u.Path[i+len(jobsPathSegment):], "/")
	if !validJobID(id) {
		return "", errors.New("job location has an invalid job id")
	}
	return id, nil
}

func validJobID(id string) bool {
	if id == "" || len(id) > maxJobIDLen {
		return false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') {
			return false
		}
	}
	return true
}

// jobURL is the job's location at the client's own endpoint.
func (c *Client) jobURL(id string) *url.URL {
	u := c.tc.BaseURL()
	u.Path = c.basePath + "/api-jobs/" + id
	u.RawPath = ""
	u.RawQuery = ""
	return u
}

// WaitJob polls GET /zstack/v1/api-jobs/<jobUUID> (unsigned: the server
// needs no Authorization there) until the job ends, and decodes its result
// into out (may be nil). A 202 means still running; 200 is the result; a
// 503 is the job's error (an *cloudkeys.APIError with the ZStack code); a
// 404 ("the job has been expired", results are kept 3 hours) is an error
// matching [cloudkeys.ErrOutcomeUnknown]. A result that cannot be decoded
// into out is a [*cloudkeys.UndecodableAnswerError] that never quotes it
// (a read's: it matches cloudkeys.ErrServer). Polling backs off from the
// retry policy's MinWait to at most 2 s and ends with ctx.
//
// Use it to reconcile a [JobOutcomeUnknownError].
func (c *Client) WaitJob(ctx context.Context, jobUUID string, out any) error {
	if ctx == nil {
		return cloudkeys.InvalidInput(Vendor, "ctx", "nil context")
	}
	if !validJobID(jobUUID) {
		return cloudkeys.InvalidInput(Vendor, "jobUUID", "must be 1-64 letters, digits or '-'")
	}
	return c.waitJob(ctx, &transport.Call{Operation: "WaitJob", Class: transport.Read, Out: out}, jobUUID)
}

// waitJob polls job id until it ends and decodes its result (Decode of
// view: into view.Out, checked by view.Need). view names the operation and
// says how an unreadable result is reported: for the job of a write (Class
// transport.Write) it matches cloudkeys.ErrOutcomeUnknown and keeps the
// job's answer, which holds the result (a new key's secret).
func (c *Client) waitJob(ctx context.Context, view *transport.Call, id string) error {
	op := view.Operation
	u := c.jobURL(id)
	var result *transport.Response
	err := transport.Poll(ctx, c.pollMin, c.pollMax, func(ctx context.Context) (bool, error) {
		resp, err := c.tc.Call(ctx, transport.Call{Operation: op, Class: transport.Read, Method: http.MethodGet, URL: u, NoSign: true})
		if err != nil {
			return true, err
		}
		if resp.StatusCode == http.StatusAccepted {
			return false, nil
		}
		result = resp
		return true, nil
	})
	if err != nil {
		if isJobResult(err) {
			return err
		}
		// Submitted, but its result could not be read (transport failure,
		// context end, or the node's own trouble outlasting the retries).
		return &JobOutcomeUnknownError{Operation: op, JobUUID: id, Err: err}
	}
	return c.tc.Decode(view, result)
}

// isJobResult reports whether a poll error is the job's own answer: its
// 503 application error, or the 404 of an expired job (which already
// matches ErrOutcomeUnknown).
// notFromZStack reports an error answer that ZStack itself did not give: no
// ZStack error code and a 5xx status (a proxy or gateway in front of the
// management node), or a 2xx that could not be read (over the size limit).
// Such an answer says nothing about whether a submitted job was accepted.
func notFromZStack(ae *cloudkeys.APIError) bool {
	return ae.Code == "" && (ae.StatusCode >= 500 || (ae.StatusCode >= 200 && ae.StatusCode <= 299))
}

// reconcileJob settles an asynchronous write whose answer was not ZStack's
// own: the job's result when ZStack has the job; the original error when it
// has none (the write never arrived, so it may be sent again); a
// *JobOutcomeUnknownError when the job cannot be read.
func (c *Client) reconcileJob(ctx context.Context, view *transport.Call, jobID string, orig error) error {
	err := c.waitJob(ctx, view, jobID)
	var ae *cloudkeys.APIError
	if errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound {
		return fmt.Errorf("%w (ZStack has no job %s: the write did not arrive)", orig, jobID)
	}
	return err
}

func isJobResult(err error) bool {
	var ae *cloudkeys.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch {
	case ae.StatusCode == http.StatusNotFound:
		return true
	case ae.StatusCode == http.StatusServiceUnavailable && ae.Code != "" && ae.Code != CodeMNUnavailable:
		return true
	}
	return false
}
