package reliability

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
)

// workers is how many goroutines share one client.
const workers = 64

// TestConcurrentMixedUse runs, per vendor, 64 goroutines on one client over
// TCP: each creates a key, reads it back, lists, and every other one
// deletes its key. Afterwards the server holds exactly the keys that were
// created and not deleted — nothing lost, nothing doubled. Run it with
// -race.
func TestConcurrentMixedUse(t *testing.T) {
	for _, vc := range vendors {
		t.Run(vc.name, func(t *testing.T) {
			t.Parallel()
			r := vc.start(false)
			defer r.srv.Close()
			km := r.client(cloudkeys.WithRetry(fastRetry))
			ctx := context.Background()
			initial := r.keys()

			var created, deleted, listed atomic.Int64
			var mu sync.Mutex
			kept := map[string]bool{}
			var wg sync.WaitGroup
			for i := range workers {
				wg.Go(func() {
					k, err := km.CreateKey(ctx, r.req(1000+i))
					if !assert.NoError(t, err, "create %d", i) {
						return
					}
					created.Add(1)
					got, err := km.GetKey(ctx, k.ID)
					if assert.NoError(t, err, "get %d", i) {
						assert.Equal(t, k.ID, got.ID)
					}
					if _, err := cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{})); assert.NoError(t, err, "list %d", i) {
						listed.Add(1)
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

			require.Equal(t, int64(workers), created.Load())
			require.Equal(t, int64(workers/2), deleted.Load())
			assert.Equal(t, int64(workers), listed.Load())
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
