package bench

import (
	"context"
	"testing"

	"github.com/cloudkeys/cloudkeys"
)

// resetEvery bounds the fake's request log (it keeps every request for
// tests to inspect) so long benchmark runs do not grow the heap.
const resetEvery = 4096

// BenchmarkGetKey: one GetKey through the SDK and through the lean
// baseline, same fake, same process, same run.
func BenchmarkGetKey(b *testing.B) {
	for _, v := range vendors {
		tg := newTarget(b, v, pageKeys[v])
		b.Run(v+"/sdk", func(b *testing.B) {
			km := tg.sdk()
			warm(b, km, tg.getID)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if _, err := km.GetKey(ctx, tg.getID); err != nil {
					b.Fatal(err)
				}
				if i%resetEvery == 0 {
					tg.fake.ResetRequests()
				}
			}
		})
		b.Run(v+"/lean", func(b *testing.B) {
			ln := tg.lean(leanTransport())
			ctx := context.Background()
			if _, err := ln.GetKey(ctx, tg.getID); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if _, err := ln.GetKey(ctx, tg.getID); err != nil {
					b.Fatal(err)
				}
				if i%resetEvery == 0 {
					tg.fake.ResetRequests()
				}
			}
		})
	}
}

// BenchmarkListKeys: one ListKeys page (pageKeys[v] keys) drained through
// the SDK and through the lean baseline.
func BenchmarkListKeys(b *testing.B) {
	for _, v := range vendors {
		tg := newTarget(b, v, pageKeys[v])
		want := 0
		b.Run(v+"/sdk", func(b *testing.B) {
			km := tg.sdk()
			warm(b, km, tg.getID)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				n, err := listAll(ctx, km)
				if err != nil {
					b.Fatal(err)
				}
				want = n
				if i%resetEvery == 0 {
					tg.fake.ResetRequests()
				}
			}
			b.ReportMetric(float64(want), "keys/op")
		})
		b.Run(v+"/lean", func(b *testing.B) {
			ln := tg.lean(leanTransport())
			ctx := context.Background()
			count := func() int {
				n := 0
				if err := ln.ListKeys(ctx, func(*cloudkeys.Key) bool { n++; return true }); err != nil {
					b.Fatal(err)
				}
				return n
			}
			if n := count(); want != 0 && n != want {
				b.Fatalf("lean listed %d keys, the SDK %d", n, want)
			}
			b.ReportAllocs()
			b.ResetTimer()
			n := 0
			for i := 0; b.Loop(); i++ {
				n = count()
				if i%resetEvery == 0 {
					tg.fake.ResetRequests()
				}
			}
			b.ReportMetric(float64(n), "keys/op")
		})
	}
}
