package bench

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/bench/internal/canned"
)

// The client-only benchmarks: each vendor's fake answers once, through a
// canned.Recorder; then the fake is closed and the SDK and the lean baseline
// are served the recorded answers by a canned.Tape (an http.RoundTripper
// that answers from memory at once). What is timed is the client alone:
// building and signing the request, net/http's Client, the SDK's pipeline
// around it, reading and decoding the answer.

// cannedTarget is one vendor's recorded answers and how to build the SDK
// client and the lean baseline over them.
type cannedTarget struct {
	name  string
	tape  *canned.Tape
	getID string
	now   time.Time // the fixed clock of the recording and the replay
	tg    *target   // its fake is closed

	// What the SDK read from the live fake while recording.
	liveGet  *cloudkeys.Key
	liveList []*cloudkeys.Key
}

// newCanned seeds vendor's fake as the loopback benchmarks do (pageKeys),
// freezes its clock, records an SDK client's GetKey (twice: the first call
// makes the one-time requests, e.g. CloudStack's version probe) and
// ListKeys, and closes the fake.
func newCanned(tb testing.TB, vendor string) *cannedTarget {
	tb.Helper()
	tg := newTarget(tb, vendor, pageKeys[vendor])
	now := time.Now().UTC().Truncate(time.Second)
	tg.fake.Clock().Set(now) // the lean baselines read it; the SDK gets WithClock
	next := leanTransport()
	defer next.CloseIdleConnections()
	rec := &canned.Recorder{Next: next}
	km := tg.sdk(cloudkeys.WithHTTPClient(&http.Client{Transport: rec}), cloudkeys.WithClock(func() time.Time { return now }))
	ctx := context.Background()
	ct := &cannedTarget{name: vendor, getID: tg.getID, now: now, tg: tg}
	if _, err := km.GetKey(ctx, tg.getID); err != nil {
		tb.Fatalf("%s: recording the first GetKey: %v", vendor, err)
	}
	var err error
	if ct.liveGet, err = km.GetKey(ctx, tg.getID); err != nil {
		tb.Fatalf("%s: recording GetKey: %v", vendor, err)
	}
	if ct.liveList, err = cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{})); err != nil {
		tb.Fatalf("%s: recording ListKeys: %v", vendor, err)
	}
	if len(ct.liveList) != pageKeys[vendor] {
		tb.Fatalf("%s: recorded a list of %d keys, want %d", vendor, len(ct.liveList), pageKeys[vendor])
	}
	tg.close() // from here on no fake: the tape answers
	ct.tape = rec.Tape()
	return ct
}

// sdk is the SDK client over the tape: the vendor's client as its fake
// builds it, with the tape as its transport (cloudkeys.WithHTTPClient), the
// recording's clock, and the per-attempt waiting bounds the SDK applies by
// default to its own transport (a caller's http.Client gets none unless
// asked), so that the SDK's default per-call work is all measured.
func (c *cannedTarget) sdk() cloudkeys.KeyManager {
	return c.tg.sdk(cannedSDKOptions(c.tape, c.now)...)
}

func cannedSDKOptions(rt http.RoundTripper, now time.Time) []cloudkeys.Option {
	return []cloudkeys.Option{
		cloudkeys.WithHTTPClient(&http.Client{Transport: rt}),
		cloudkeys.WithClock(func() time.Time { return now }),
		cloudkeys.WithResponseHeaderTimeout(cloudkeys.DefaultResponseHeaderTimeout),
		cloudkeys.WithBodyReadTimeout(cloudkeys.DefaultBodyReadTimeout),
	}
}

// lean is the baseline over the same tape (its clock is the fake's, frozen
// at the recording's time).
func (c *cannedTarget) lean() lean { return c.tg.lean(c.tape) }

// TestCannedLeanMatchesSDK: served the recorded answers, the SDK and the
// lean baseline read the same keys, and the same keys the SDK read from the
// live fake; neither asks for anything that was not recorded, and neither
// writes into the answers' shared headers.
func TestCannedLeanMatchesSDK(t *testing.T) {
	for _, v := range vendors {
		t.Run(v, func(t *testing.T) {
			ctx := context.Background()
			ct := newCanned(t, v)
			t.Logf("recorded: %q", ct.tape.Keys())
			km, ln := ct.sdk(), ct.lean()

			got, err := km.GetKey(ctx, ct.getID)
			if err != nil {
				t.Fatalf("SDK GetKey over the tape: %v", err)
			}
			assertSameKey(t, ct.liveGet, got)
			got, err = ln.GetKey(ctx, ct.getID)
			if err != nil {
				t.Fatalf("lean GetKey over the tape: %v", err)
			}
			assertSameKey(t, ct.liveGet, got)

			for pass := range 2 { // the second pass is what the benchmark loop repeats
				all, err := cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
				if err != nil {
					t.Fatalf("SDK ListKeys over the tape (pass %d): %v", pass, err)
				}
				var leanAll []*cloudkeys.Key
				if err := ln.ListKeys(ctx, func(k *cloudkeys.Key) bool { leanAll = append(leanAll, k); return true }); err != nil {
					t.Fatalf("lean ListKeys over the tape (pass %d): %v", pass, err)
				}
				if len(all) != len(ct.liveList) || len(leanAll) != len(ct.liveList) {
					t.Fatalf("pass %d: SDK listed %d keys, lean %d, the live fake %d", pass, len(all), len(leanAll), len(ct.liveList))
				}
				for i := range ct.liveList {
					assertSameKey(t, ct.liveList[i], all[i])
					assertSameKey(t, ct.liveList[i], leanAll[i])
				}
			}
			if err := ct.tape.Intact(); err != nil {
				t.Fatal(err)
			}
			if ct.tape.Served() == 0 {
				t.Fatal("the tape served nothing")
			}
		})
	}
}

// BenchmarkCannedGetKey: one GetKey through the SDK and through the lean
// baseline, both served the same recorded answer from memory.
func BenchmarkCannedGetKey(b *testing.B) {
	for _, v := range vendors {
		ct := newCanned(b, v)
		b.Run(v+"/sdk", func(b *testing.B) {
			km := ct.sdk()
			warm(b, km, ct.getID)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := km.GetKey(ctx, ct.getID); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(v+"/lean", func(b *testing.B) {
			ln := ct.lean()
			ctx := context.Background()
			if _, err := ln.GetKey(ctx, ct.getID); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := ln.GetKey(ctx, ct.getID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCannedListKeys: one ListKeys of pageKeys[v] keys drained through
// the SDK and through the lean baseline, both served the same recorded
// answers from memory.
func BenchmarkCannedListKeys(b *testing.B) {
	for _, v := range vendors {
		ct := newCanned(b, v)
		want := len(ct.liveList)
		b.Run(v+"/sdk", func(b *testing.B) {
			km := ct.sdk()
			warm(b, km, ct.getID)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			n := 0
			for b.Loop() {
				var err error
				if n, err = listAll(ctx, km); err != nil {
					b.Fatal(err)
				}
			}
			if n != want {
				b.Fatalf("the SDK listed %d keys, want %d", n, want)
			}
			b.ReportMetric(float64(n), "keys/op")
		})
		b.Run(v+"/lean", func(b *testing.B) {
			ln := ct.lean()
			ctx := context.Background()
			count := func() int {
				n := 0
				if err := ln.ListKeys(ctx, func(*cloudkeys.Key) bool { n++; return true }); err != nil {
					b.Fatal(err)
				}
				return n
			}
			if n := count(); n != want {
				b.Fatalf("lean listed %d keys, want %d", n, want)
			}
			b.ReportAllocs()
			b.ResetTimer()
			n := 0
			for b.Loop() {
				n = count()
			}
			b.ReportMetric(float64(n), "keys/op")
		})
	}
}
