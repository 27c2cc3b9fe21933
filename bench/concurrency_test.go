package bench

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudkeys/cloudkeys"
)

const (
	concGoroutines = 64
	concCalls      = 20000
)

// BenchmarkConcurrentGetKey: 64 goroutines share one client and make
// 20,000 GetKey calls in all (one benchmark op = the whole run), through
// the SDK's own pooled transport ("sdk") and through a client built on
// http.DefaultClient ("defaultclient", Go's default of 2 idle connections
// per host). Reported: calls/s, p50 and p99 latency of one call, and the
// TCP connections the fake accepted during the run.
func BenchmarkConcurrentGetKey(b *testing.B) {
	for _, v := range vendors {
		tg := newTarget(b, v, pageKeys[v])
		for _, mode := range []string{"sdk", "defaultclient"} {
			b.Run(v+"/"+mode, func(b *testing.B) {
				var last concResult
				for b.Loop() {
					b.StopTimer()
					var opts []cloudkeys.Option
					if mode == "defaultclient" {
						http.DefaultTransport.(*http.Transport).CloseIdleConnections()
						opts = append(opts, cloudkeys.WithHTTPClient(http.DefaultClient))
					}
					km := tg.sdk(opts...)
					tg.fake.ResetRequests()
					before := tg.fake.Connections()
					b.StartTimer()
					last = runConcurrent(b, km, tg.getID)
					b.StopTimer()
					last.conns = tg.fake.Connections() - before
					tg.fake.ResetRequests()
					b.StartTimer()
				}
				b.ReportMetric(last.perSec, "calls/s")
				b.ReportMetric(float64(last.p50.Microseconds()), "p50-µs")
				b.ReportMetric(float64(last.p99.Microseconds()), "p99-µs")
				b.ReportMetric(float64(last.conns), "conns")
			})
		}
	}
}

type concResult struct {
	perSec   float64
	p50, p99 time.Duration
	conns    int
}

func runConcurrent(b *testing.B, km cloudkeys.KeyManager, id string) concResult {
	ctx := context.Background()
	lat := make([]time.Duration, concCalls)
	var next atomic.Int64
	var failed atomic.Pointer[error]
	var wg sync.WaitGroup
	start := time.Now()
	for range concGoroutines {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= concCalls {
					return
				}
				t0 := time.Now()
				if _, err := km.GetKey(ctx, id); err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
				lat[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if e := failed.Load(); e != nil {
		b.Fatalf("GetKey: %v", *e)
	}
	slices.Sort(lat)
	return concResult{
		perSec: float64(concCalls) / elapsed.Seconds(),
		p50:    lat[len(lat)/2],
		p99:    lat[len(lat)*99/100],
	}
}
