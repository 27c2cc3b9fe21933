package transport

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
)

// newMockClient is a transport client over an httpmock transport that
// records each request's method, URL, headers and body.
func newMockClient(t *testing.T) (*Client, *httpmock.MockTransport, *[]*http.Request, *[]string) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	c, err := New(Config{Vendor: "test", BaseURL: "https://api.example.com/v1", Secrets: []string{testSecret}},
		[]cloudkeys.Option{cloudkeys.WithHTTPClient(&http.Client{Transport: mock}), fastRetry})
	require.NoError(t, err)
	var reqs []*http.Request
	var bodies []string
	mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		reqs = append(reqs, r)
		b := ""
		if r.Body != nil {
			raw, _ := io.ReadAll(r.Body)
			b = string(raw)
		}
		bodies = append(bodies, b)
		return httpmock.NewStringResponse(http.StatusInternalServerError, "unrouted"), nil
	})
	return c, mock, &reqs, &bodies
}

func TestCallEncodesTheBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       any
		header   http.Header
		wantBody string
		wantType string
	}{
		{"no body", nil, nil, "", ""},
		{"JSON", map[string]string{"name": "k<1>"}, nil, `{"name":"k\u003c1\u003e"}`, "application/json"},
		{"JSON, the vendor's content type", struct {
			A int `json:"a"`
		}{7}, http.Header{"Content-Type": {"application/json;charset=UTF-8"}}, `{"a":7}`, "application/json;charset=UTF-8"},
		{"bytes as they are", []byte("command=login&x=a%20b"), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, "command=login&x=a%20b", "application/x-www-form-urlencoded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock, reqs, bodies := newMockClient(t)
			mock.RegisterResponder(http.MethodPost, "https://api.example.com/v1/keys", func(r *http.Request) (*http.Response, error) {
				raw, _ := io.ReadAll(r.Body)
				*reqs, *bodies = append(*reqs, r), append(*bodies, string(raw))
				return httpmock.NewStringResponse(http.StatusOK, `{}`), nil
			})
			_, err := c.Call(context.Background(), Call{Operation: "create", Class: Write, Method: http.MethodPost, Path: "/keys", In: tt.in, Header: tt.header})
			require.NoError(t, err)
			require.Len(t, *reqs, 1)
			assert.Equal(t, tt.wantBody, (*bodies)[0])
			assert.Equal(t, tt.wantType, (*reqs)[0].Header.Get("Content-Type"))
			if tt.header != nil {
				assert.Len(t, tt.header, 1, "the caller's header is not changed")
			}
		})
	}
}

func TestCallRefusesAnUnencodableBody(t *testing.T) {
	t.Parallel()
	c, _, reqs, _ := newMockClient(t)
	_, err := c.Call(context.Background(), Call{Operation: "create", Class: Write, Method: http.MethodPost, Path: "/keys", In: math.Inf(1)})
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	assert.Contains(t, err.Error(), "create")
	assert.Empty(t, *reqs, "nothing sent")
}

func TestCallDecodesTheAnswer(t *testing.T) {
	t.Parallel()
	type key struct {
		ID     string           `json:"id"`
		Secret cloudkeys.Secret `json:"secret"`
	}
	needSecret := func(k *key) func(*Response) error {
		return func(*Response) error {
			if k.Secret.IsZero() {
				return &BadAnswer{Problem: "no secret in the answer"}
			}
			return nil
		}
	}
	tests := []struct {
		name    string
		method  string
		class   Class
		session bool
		body    string
		need    bool
		wantID  string
		wantErr error // nil: success
		unknown bool  // the error matches ErrOutcomeUnknown and keeps the answer
		problem string
	}{
		{"read", http.MethodGet, Read, false, `{"id":"k1","secret":"s"}`, false, "k1", nil, false, ""},
		{"write with what it needs", http.MethodPost, Write, false, `{"id":"k1","secret":"s"}`, true, "k1", nil, false, ""},
		{"broken read", http.MethodGet, Read, false, `{"id":`, false, "", cloudkeys.ErrServer, false, "invalid JSON"},
		{"broken write", http.MethodPost, Write, false, `<b>Notice</b>{"id":"k1","secret":"s"}`, false, "", cloudkeys.ErrOutcomeUnknown, true, "invalid JSON at offset 1"},
		{"write without what it needs", http.MethodPost, Write, false, `{"id":"k1"}`, true, "", cloudkeys.ErrOutcomeUnknown, true, "no secret in the answer"},
		{"empty read", http.MethodGet, Read, false, " \n", false, "", cloudkeys.ErrServer, false, "empty answer"},
		{"empty write", http.MethodDelete, IdempotentWrite, false, "", false, "", nil, false, ""},
		{"broken login", http.MethodPost, Write, true, `{"id":`, false, "", cloudkeys.ErrServer, false, "invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock, _, _ := newMockClient(t)
			mock.RegisterResponder(tt.method, "https://api.example.com/v1/keys", httpmock.NewStringResponder(http.StatusOK, tt.body))
			var out key
			k := Call{Operation: "op", Class: tt.class, Method: tt.method, Path: "/keys", Out: &out, Session: tt.session}
			if tt.need {
				k.Need = needSecret(&out)
			}
			resp, err := c.Call(context.Background(), k)
			require.NotNil(t, resp, "the response comes with the error")
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, tt.wantID, out.ID)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			var ue *cloudkeys.UndecodableAnswerError
			require.ErrorAs(t, err, &ue)
			assert.Contains(t, ue.Problem, tt.problem)
			assert.Equal(t, tt.unknown, errors.Is(err, cloudkeys.ErrOutcomeUnknown))
			if tt.unknown {
				assert.Equal(t, tt.body, ue.Answer.Reveal(), "a write's answer is kept")
			} else {
				assert.True(t, ue.Answer.IsZero())
			}
			assert.NotContains(t, err.Error(), "Notice", "never quoted")
		})
	}
}

func TestDecodeReadsALaterAnswer(t *testing.T) {
	t.Parallel()
	c, _, _, _ := newMockClient(t)
	var out struct {
		State string `json:"state"`
	}
	k := &Call{Operation: "job", Class: Write, Out: &out}
	require.NoError(t, c.Decode(k, &Response{StatusCode: 200, Body: []byte(`{"state":"done"}`)}))
	assert.Equal(t, "done", out.State)
	err := c.Decode(k, &Response{StatusCode: 200, Body: []byte(`{"state":`)})
	assert.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown, "a write's job result")

	// An answer read by the vendor's own rules.
	resp := &Response{StatusCode: 200, Body: []byte("PK\x03\x04 broken")}
	err = c.Unreadable(&Call{Operation: "create", Class: Write}, resp, &BadAnswer{Problem: "API key file: no secret"})
	assert.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.Contains(t, err.Error(), "API key file: no secret")
	err = c.Unreadable(&Call{Operation: "login", Class: Write, Session: true}, resp, &BadAnswer{Problem: "no session"})
	assert.ErrorIs(t, err, cloudkeys.ErrServer)
	assert.NotErrorIs(t, err, cloudkeys.ErrOutcomeUnknown, "a session is not a key")
}

func TestCallScrubsItsOwnSecrets(t *testing.T) {
	t.Parallel()
	const examined = "tok-examined-value-1234"
	c, mock, _, _ := newMockClient(t)
	mock.RegisterResponder(http.MethodPost, "https://api.example.com/v1/examine",
		httpmock.NewStringResponder(http.StatusBadRequest, "bad token "+examined+" and "+testSecret))
	_, err := c.Call(context.Background(), Call{Operation: "examine", Class: Read, Method: http.MethodPost, Path: "/examine",
		In: map[string]string{"token": examined}, Secrets: []string{examined}})
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	assert.NotContains(t, err.Error(), examined)
	assert.NotContains(t, err.Error(), testSecret)
	assert.Contains(t, err.Error(), "bad token [REDACTED]")
}

// TestCallCheckReplacesTheClientCheck: a Call's own Check runs instead of
// the client's (DefaultCheck here), and its error is the call's.
func TestCallCheckReplacesTheClientCheck(t *testing.T) {
	t.Parallel()
	c, mock, _, _ := newMockClient(t)
	mock.RegisterResponder(http.MethodGet, "https://api.example.com/v1/x", httpmock.NewStringResponder(http.StatusOK, `{"a":1}`))
	var seen []byte
	_, err := c.Call(context.Background(), Call{Operation: "X", Path: "/x", Check: func(_ *Request, resp *Response) error {
		seen = resp.Body
		return &cloudkeys.APIError{StatusCode: http.StatusTeapot, Message: "said no"}
	}})
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusTeapot, ae.StatusCode)
	assert.Equal(t, "X", ae.Operation, "the transport completes the error as for the client's Check")
	assert.Equal(t, `{"a":1}`, string(seen))

	_, err = c.Call(context.Background(), Call{Operation: "X", Path: "/x"})
	require.NoError(t, err, "without its own Check a call has the client's")
}
