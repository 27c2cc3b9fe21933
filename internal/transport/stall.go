package transport

import (
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// StallError is an attempt abandoned because the server stopped answering:
// no response headers within the response-header bound, or no byte of the
// body within the body-read bound. For a Read it is transient (retried);
// for a Write it means the outcome is unknown.
type StallError struct {
	// Stage is "response headers" or "response body".
	Stage string
	After time.Duration
}

// Error says what did not arrive and for how long.
func (e *StallError) Error() string {
	if e.Stage == stageBody {
		return "the answer stalled: no data for " + e.After.String()
	}
	return "no response headers within " + e.After.String()
}

// Timeout reports true, like net.Error timeouts.
func (e *StallError) Timeout() bool { return true }

const (
	stageHeaders = "response headers"
	stageBody    = "response body"
)

// watchdog abandons one attempt that waits too long: it cancels the
// attempt's context when the headers do not come within header, and, once
// they came, when a body read waits longer than idle. The transport then
// fails the blocked call, which the watchdog reports as a *StallError.
type watchdog struct {
	cancel context.CancelFunc
	header time.Duration
	idle   time.Duration

	mu    sync.Mutex
	timer *time.Timer
	fired atomic.Pointer[StallError]
}

// watch starts the header bound for an attempt on ctx. It returns nil (and
// ctx unchanged) when both bounds are off.
func watch(ctx context.Context, header, idle time.Duration) (*watchdog, context.Context) {
	if header <= 0 && idle <= 0 {
		return nil, ctx
	}
	ctx, cancel := context.WithCancel(ctx)
	w := &watchdog{cancel: cancel, header: header, idle: idle}
	if header > 0 {
		w.timer = time.AfterFunc(header, func() { w.fire(stageHeaders, header) })
	}
	return w, ctx
}

func (w *watchdog) fire(stage string, after time.Duration) {
	w.fired.CompareAndSwap(nil, &StallError{Stage: stage, After: after})
	w.cancel()
}

// stop ends the watch: the attempt is over.
func (w *watchdog) stop() {
	w.mu.Lock()
	if w.timer != nil {
		w.timer.Stop()
	}
	w.mu.Unlock()
	w.cancel()
}

// failed returns the stall behind err, or err.
func (w *watchdog) failed(err error) error {
	if se := w.fired.Load(); se != nil {
		return se
	}
	return err
}

// headersArrived stops the header bound and wraps the body in the idle
// bound. The body's Close ends the watch.
func (w *watchdog) headersArrived(resp *http.Response) {
	w.mu.Lock()
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	if w.fired.Load() == nil && w.idle > 0 {
		w.timer = time.AfterFunc(w.idle, func() { w.fire(stageBody, w.idle) })
	}
	w.mu.Unlock()
	resp.Body = &watchedBody{rc: resp.Body, w: w}
}

// progress restarts the idle bound after a read that returned data.
func (w *watchdog) progress() {
	w.mu.Lock()
	if w.timer != nil && w.fired.Load() == nil {
		w.timer.Reset(w.idle)
	}
	w.mu.Unlock()
}

// watchedBody restarts the idle bound on every read that returns data and
// turns the failure of a read the watchdog cut short into its *StallError.
type watchedBody struct {
	rc io.ReadCloser
	w  *watchdog
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 && b.w.idle > 0 {
		b.w.progress()
	}
	if err != nil {
		// Once the watchdog cut the attempt short, every end of the body is
		// its stall: net/http may report the cancelled read as a clean EOF.
		err = b.w.failed(err)
	}
	return n, err
}

func (b *watchedBody) Close() error {
	err := b.rc.Close()
	b.w.stop()
	return err
}
