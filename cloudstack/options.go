package cloudstack

import (
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// pollIntervalKey is the key of WithPollInterval's value.
type pollIntervalKey struct{}

// WithPollInterval sets the wait between two queryAsyncJobResult polls of
// an asynchronous command (4.23's registerUserKeys and deleteUserKeys):
// each wait lies between d/2 and d (jittered). Without it the waits grow
// from [DefaultPollMin] to [DefaultPollMax]. Polling ends when the job ends
// or the context is done. The clients of other vendors ignore it. A d that
// is not positive makes New fail with an error matching
// cloudkeys.ErrInvalidRequest.
func WithPollInterval(d time.Duration) cloudkeys.Option {
	return transport.PositiveDuration("cloudstack.WithPollInterval", pollIntervalKey{}, d)
}
