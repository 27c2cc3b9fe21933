package zstack

import (
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/config"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// WithServerLocation sets the time zone of the management node: ZStack
// sends and expects zone-less local times, so the client writes the Date
// header of AccessKey signatures and reads inventory dates (CreateDate,
// LastOpDate) as wall-clock times in loc. The default is time.Local; with
// [NewFromEnv], ZSTACK_TIMEZONE. The clients of other vendors ignore it. A
// nil loc makes New fail with an error matching cloudkeys.ErrInvalidRequest.
func WithServerLocation(loc *time.Location) cloudkeys.Option {
	return transport.Option(func(s *config.Settings) {
		if loc == nil {
			s.Errs = append(s.Errs, cloudkeys.InvalidInput("", "zstack.WithServerLocation", "nil location"))
			return
		}
		s.SetVendor(config.ServerLocation{}, loc)
	})
}

// pollIntervalKey is the key of WithPollInterval's value.
type pollIntervalKey struct{}

// WithPollInterval sets the wait between two polls of an asynchronous job
// (CreateAccessKey, ChangeAccessKeyState, DeleteAccessKey, WaitJob): each
// wait lies between d/2 and d (jittered). Without it the waits grow from
// the retry policy's MinWait to at most 2 s. The clients of other vendors
// ignore it. A d that is not positive makes New fail with an error matching
// cloudkeys.ErrInvalidRequest.
func WithPollInterval(d time.Duration) cloudkeys.Option {
	return transport.PositiveDuration("zstack.WithPollInterval", pollIntervalKey{}, d)
}
