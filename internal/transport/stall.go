package transport

import (
	"context"
	"sync"
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

// watchdog abandons an attempt that waits too long: it cancels the
// attempt's context when the headers do not come within header, and, once
// they came, when a read of the body waits longer than idle. The transport
// then fails the blocked call, which the watchdog reports as a *StallError.
//
// There is one per call, in the call's state, and its cost is paid once
// per call, not per attempt: one timer (time.AfterFunc), re-armed with Reset
// for each bound of each attempt, and one cancellable context, kept from
// attempt to attempt until the watchdog fires (a cancelled context cannot
// serve the next attempt, which then gets a new one). The body is not
// wrapped: the call's only reader of it (readBody, from checkRetry) reports
// its progress and asks for the stall behind a failed read.
type watchdog struct {
	header time.Duration
	idle   time.Duration
	parent context.Context // the call's context

	mu     sync.Mutex
	timer  *time.Timer
	ctx    context.Context // the current attempt's
	cancel context.CancelFunc
	armed  bool
	stage  string
	after  time.Duration
	late   int // runs of the timer already started for bounds since moved
	fired  *StallError
}

// on reports whether the watchdog has a bound to keep.
func (w *watchdog) on() bool { return w.header > 0 || w.idle > 0 }

// start begins an attempt (or a redirect hop of one): it returns the
// context to send it with and arms the header bound.
func (w *watchdog) start() context.Context {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ctx == nil || w.fired != nil {
		if w.cancel != nil {
			w.cancel()
		}
		w.ctx, w.cancel = context.WithCancel(w.parent)
		w.fired = nil
	}
	if w.header > 0 {
		w.armLocked(stageHeaders, w.header)
	} else {
		w.disarmLocked()
	}
	return w.ctx
}

// armLocked starts the bound of stage, in place of the one armed (one
// Reset: a run of the timer for that one already under way, which Reset
// reports as for Stop, is counted as late).
func (w *watchdog) armLocked(stage string, d time.Duration) {
	switch {
	case w.timer == nil:
		w.timer = time.AfterFunc(d, w.expire)
	case !w.timer.Reset(d) && w.armed:
		w.late++
	}
	w.armed, w.stage, w.after = true, stage, d
}

// disarmLocked stops the armed bound. A run of the timer that Stop could
// not prevent (the time had come; Stop reports it, and the run is under
// way, waiting for mu) is counted as late, for expire to ignore: the
// bound it was for is no longer armed. The clock is never read: the
// timer's own account is enough.
func (w *watchdog) disarmLocked() {
	if w.armed && !w.timer.Stop() {
		w.late++
	}
	w.armed = false
}

// expire runs when the timer goes off. A late run (see disarmLocked and
// progress) does nothing; whichever run of the timer comes first is the
// one ignored, and the other, if the bound is still armed, comes no
// earlier than the bound.
func (w *watchdog) expire() {
	w.mu.Lock()
	if w.late > 0 {
		w.late--
		w.mu.Unlock()
		return
	}
	if !w.armed || w.fired != nil {
		w.mu.Unlock()
		return
	}
	w.armed = false
	w.fired = &StallError{Stage: w.stage, After: w.after}
	cancel := w.cancel
	w.mu.Unlock()
	cancel()
}

// headersArrived ends the header bound and starts the body bound.
func (w *watchdog) headersArrived() {
	w.mu.Lock()
	if w.fired == nil && w.idle > 0 {
		w.armLocked(stageBody, w.idle)
	} else {
		w.disarmLocked()
	}
	w.mu.Unlock()
}

// progress restarts the body bound after a read that returned data.
func (w *watchdog) progress() {
	w.mu.Lock()
	if w.armed && w.stage == stageBody && !w.timer.Reset(w.idle) {
		w.late++ // the run for the bound just moved is under way
	}
	w.mu.Unlock()
}

// done ends the watch of an attempt: its body was read, or it failed.
func (w *watchdog) done() {
	w.mu.Lock()
	w.disarmLocked()
	w.mu.Unlock()
}

// stop ends the watch of the call and releases its context.
func (w *watchdog) stop() {
	w.mu.Lock()
	w.disarmLocked()
	cancel := w.cancel
	w.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// failed returns the stall behind err, or err. Once the watchdog cut the
// attempt short, every end of it is the stall: net/http may report a
// cancelled read of the body as a clean EOF.
func (w *watchdog) failed(err error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fired != nil {
		return w.fired
	}
	return err
}
