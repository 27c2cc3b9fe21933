package zstack_test

import (
	"time"

	"github.com/cloudkeys/cloudkeys"
)

// fast is the retry policy of every test: three attempts, millisecond waits.
func fast() cloudkeys.Option {
	return cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond})
}
