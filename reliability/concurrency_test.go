package reliability

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
)

// workers is how many goroutines share one client.
const workers = 64

// TestConcurrentMixedUse runs, per vendor, 64 goroutines on one client over
// TCP: each creates a key and reads it back, every fourth lists, and every
// other one deletes its key. Afterwards the server holds exactly the keys that were
// created and not deleted — nothing lost, nothing doubled. Run it with
// -race.
func TestConcurrentMixedUse(t *testing.T) {
	for _, vc := range vendors {
		t.Run(vc.name, func(t *testing.T) {
			t.Parallel()
			r := vc.start(false, false)
			defer r.srv.Close()
			km := r.client(cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 8, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond}))
			ctx := context.Background()
			_, err := cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{})) // log in
			require.NoError(t, err)
			initial := r.keys()
			// Some requests fail with 503 (not served): reads and exactly-once
			// writes retry, other writes fail cleanly — never half-done.
			r.srv.FailNext(8, http.StatusServiceUnavailable)

			var created, failed, deleted, listed atomic.Int64
			var mu sync.Mutex
			kept := map[string]bool{}
			var wg sync.WaitGroup
			for i := range workers {
				wg.Go(func() {
					k, err := km.CreateKey(ctx, r.req(1000+i))
					if err != nil {
						assert.ErrorIs(t, err, cloudkeys.ErrServer, "create %d", i)
						assert.NotErrorIs(t, err, cloudkeys.ErrOutcomeUnknown, "create %d", i)
						failed.Add(1)
						return
					}
					created.Add(1)
					got, err := km.GetKey(ctx, k.ID)
					if assert.NoError(t, err, "get %d", i) {
						assert.Equal(t, k.ID, got.ID)
					}
					if i%4 == 0 { // a list costs one request per key on Onezone
						if _, err := cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{})); assert.NoError(t, err, "list %d", i) {
							listed.Add(1)
						}
					}
					if i%2 == 0 {
						if assert.NoError(t, km.DeleteKey(ctx, k.ID), "delete %d", i) {
							deleted.Add(1)
						}
						return
					}
					mu.Lock()
					defer mu.Unlock()
					assert.False(t, kept[k.ID], "an id handed out twice")
					kept[k.ID] = true
				})
			}
			wg.Wait()

			require.Equal(t, int64(workers), created.Load()+failed.Load())
			require.Positive(t, created.Load())
			require.Zero(t, r.srv.PendingFaults(), "every injected fault was met")
			t.Logf("%s: %d created, %d failed with 503, %d deleted, %d listed; keys %d→%d", vc.name, created.Load(), failed.Load(), deleted.Load(), listed.Load(), initial, r.keys())
			assert.Equal(t, initial+int(created.Load()-deleted.Load()), r.keys(), "server state = the sum of the successful operations")

			keys, err := cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
			require.NoError(t, err)
			assert.Len(t, keys, r.keys(), "the client lists what the server holds")
			seen := map[string]bool{}
			for _, k := range keys {
				assert.False(t, seen[k.ID], "listed twice: %s", k.ID)
				seen[k.ID] = true
			}
			for id := range kept {
				assert.True(t, seen[id], "a kept key is listed")
			}
		})
	}
}
