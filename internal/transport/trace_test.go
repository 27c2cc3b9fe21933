package transport

import (
	"context"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
)

// TestTraceKeyLearnt: on this Go, the call's state answers httptrace's
// key itself (a Go whose httptrace looks the trace up otherwise falls back
// to httptrace.WithClientTrace, one allocation more: this test says so).
func TestTraceKeyLearnt(t *testing.T) {
	require.NotNil(t, traceKey)
	st := &callState{Context: context.Background(), traced: true}
	assert.Same(t, &st.trace, httptrace.ContextClientTrace(st))
	st.traced = false
	assert.Nil(t, httptrace.ContextClientTrace(st))
}

// TestGotConnSeenByTheTransport: every attempt's transport finds the call's
// GotConn hook in the request's context, alone or composed with a trace of
// the caller's, which keeps being called.
func TestGotConnSeenByTheTransport(t *testing.T) {
	for _, callerTrace := range []bool{false, true} {
		var seen atomic.Int32
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			tr := httptrace.ContextClientTrace(r.Context())
			require.NotNil(t, tr)
			require.NotNil(t, tr.GotConn)
			st := stateFrom(r.Context())
			require.NotNil(t, st)
			assert.False(t, st.gotConn.Load())
			tr.GotConn(httptrace.GotConnInfo{})
			assert.True(t, st.gotConn.Load(), "the hook is the call's")
			seen.Add(1)
			return answerRT{body: `{}`}.RoundTrip(r)
		})
		c, err := New(Config{Vendor: "test", BaseURL: "http://example.invalid/api"},
			[]cloudkeys.Option{cloudkeys.WithHTTPClient(&http.Client{Transport: rt})})
		require.NoError(t, err)
		ctx := context.Background()
		var callers atomic.Int32
		if callerTrace {
			ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { callers.Add(1) }})
		}
		_, err = c.Do(ctx, read("/keys"))
		require.NoError(t, err)
		assert.EqualValues(t, 1, seen.Load())
		if callerTrace {
			assert.EqualValues(t, 1, callers.Load(), "the caller's trace is composed, not replaced")
		}
	}
}
