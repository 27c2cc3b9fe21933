package transport

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
)

// h2Client is a transport client of the raw HTTP/2 server over the
// client's own pooled transport (as users get it), trusting its
// certificate.
func h2Client(t *testing.T, s *rawH2, maxAttempts int) *Client {
	t.Helper()
	c, err := New(Config{Vendor: "test", BaseURL: s.url() + "/api"}, []cloudkeys.Option{
		cloudkeys.WithTLSConfig(s.tlsConfig()),
		cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: maxAttempts}),
	})
	require.NoError(t, err)
	return c
}

// bodylessWrite is a write without a body (CloudStack's integration port
// sends writes as GETs).
func bodylessWrite(path string) *Request {
	return &Request{Operation: "register", Class: Write, Method: http.MethodGet, Path: path}
}

// TestWriteIsNeverReplayedBelowTheRetryLoopOverHTTP2: a server that reads
// a write completely and then resets its stream receives it exactly once,
// whatever the code, with or without a body; the caller learns that the
// outcome is unknown. Go's HTTP/2 transport replays a request with GetBody
// (or without a body) after a PROTOCOL_ERROR reset, up to seven times per
// attempt, uncounted (mutation: give writes GetBody in setBody, or leave a
// bodyless write's Body nil: the PROTOCOL_ERROR rows see 2+ requests).
func TestWriteIsNeverReplayedBelowTheRetryLoopOverHTTP2(t *testing.T) {
	codes := map[string]uint32{"PROTOCOL_ERROR": h2CodeProtocol, "INTERNAL_ERROR": h2CodeInternal, "CANCEL": h2CodeCancel}
	for name, code := range codes {
		for _, req := range []*Request{write("/keys"), bodylessWrite("/keys")} {
			t.Run(name+"/"+req.Method, func(t *testing.T) {
				s := newRawH2(t, h2Step{reset: code}, h2Step{reset: code}, h2Step{reset: code}, h2Step{reset: code})
				c := h2Client(t, s, 4)
				_, err := c.Do(context.Background(), req)
				require.Error(t, err)
				assert.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
				streams, processed, _ := s.counts()
				assert.Equal(t, 1, processed, "the write reached the server exactly once")
				assert.Equal(t, 1, streams, "and was never sent again")
				assert.NotContains(t, err.Error(), "?", "no query string in the error")
			})
		}
	}
}

// TestRefusedStreamIsRetriedByTheLoop: REFUSED_STREAM means the server did
// not process the request (RFC 9113 §8.7); the retry loop sends the write
// again, counted within MaxAttempts, and it succeeds with exactly one
// request processed. With MaxAttempts 1 the refusal is a plain error, not
// ErrOutcomeUnknown (mutation: drop REFUSED_STREAM from refusedUnprocessed:
// ErrOutcomeUnknown after one attempt).
func TestRefusedStreamIsRetriedByTheLoop(t *testing.T) {
	for _, req := range []*Request{write("/keys"), bodylessWrite("/keys")} {
		t.Run(req.Method, func(t *testing.T) {
			s := newRawH2(t, h2Step{refuse: true})
			resp, err := h2Client(t, s, 4).Do(context.Background(), req)
			require.NoError(t, err)
			assert.Equal(t, 2, resp.Attempts, "the refused attempt counts")
			streams, processed, _ := s.counts()
			assert.Equal(t, 2, streams)
			assert.Equal(t, 1, processed, "exactly one write processed")

			s = newRawH2(t, h2Step{refuse: true})
			_, err = h2Client(t, s, 1).Do(context.Background(), req)
			require.Error(t, err)
			assert.NotErrorIs(t, err, cloudkeys.ErrOutcomeUnknown, "refused unprocessed: the outcome is known")
			assert.Contains(t, err.Error(), "REFUSED_STREAM")
		})
	}
}

// TestGoAwayBeforeTheStreamIsRetriedByTheLoop: a GOAWAY whose last stream
// id is below the request's stream means it was not processed; the loop
// sends it again on a new connection.
func TestGoAwayBeforeTheStreamIsRetriedByTheLoop(t *testing.T) {
	s := newRawH2(t, h2Step{goAway: true})
	resp, err := h2Client(t, s, 4).Do(context.Background(), write("/keys"))
	require.NoError(t, err)
	assert.Equal(t, 2, resp.Attempts)
	streams, processed, conns := s.counts()
	assert.Equal(t, 2, streams)
	assert.Equal(t, 1, processed)
	// At least one new connection: net/http may dial one more than it uses
	// when the GOAWAY races with the retry's choice of connection (a CI run
	// under the race detector on a loaded machine saw 3); what matters is
	// that the retry did not go to the connection that sent GOAWAY, and that
	// one request was processed.
	assert.GreaterOrEqual(t, conns, 2, "the retry used a new connection")
}

// TestReadsStillRetryOverHTTP2: a read whose stream is reset is retried by
// the loop and succeeds.
func TestReadsStillRetryOverHTTP2(t *testing.T) {
	s := newRawH2(t, h2Step{reset: h2CodeInternal})
	resp, err := h2Client(t, s, 4).Do(context.Background(), read("/keys"))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	_, processed, _ := s.counts()
	assert.Equal(t, 2, processed)
}

func TestRefusedUnprocessed(t *testing.T) {
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"http2: Transport: cannot retry err [stream error: stream ID 1; REFUSED_STREAM] after Request.Body was written; define Request.GetBody to avoid this error", true},
		{"http2: Transport: cannot retry err [http2: Transport received Server's graceful shutdown GOAWAY] after Request.Body was written; define Request.GetBody to avoid this error", true},
		{"http2: Transport received GOAWAY from server ErrCode:PROTOCOL_ERROR", true},
		{"http2: Transport: cannot retry err [stream error: stream ID 1; PROTOCOL_ERROR; received from peer] after Request.Body was written; define Request.GetBody to avoid this error", false},
		{"stream error: stream ID 3; INTERNAL_ERROR; received from peer", false},
		{`http2: server sent GOAWAY and closed the connection; LastStreamID=1, ErrCode=NO_ERROR, debug=""`, false},
		{"read: connection reset by peer", false},
	} {
		assert.Equal(t, tt.want, refusedUnprocessed(errString(tt.text)), tt.text)
	}
	assert.False(t, refusedUnprocessed(nil))
}

type errString string

func (e errString) Error() string { return string(e) }
