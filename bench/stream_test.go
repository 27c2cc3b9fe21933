package bench

import (
	"context"
	"runtime"
	"strconv"
	"testing"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

const (
	streamKeys  = 100000
	streamEarly = 10000
)

// streamTarget is a fake seeded for a long list and a client to list it.
type streamTarget struct {
	km    cloudkeys.KeyManager
	reset func() // empties the fake's request log
	total int    // keys the list can reach
	early int    // where the first heap reading is taken
}

// streamTargets: CloudStack 4.23 key pairs (pages of 500), ZStack access
// keys (pages of 100), Onezone named tokens (one id list, then a GET per
// token). Huawei NES cannot page past offset 1000 (API limit, pages of at
// most 100), so its list reaches 1,100 keys; readings are taken after 100
// and 1,100. e24cloud returns every key of the account in one answer: it
// has no paging to stream and is not measured here.
var streamTargets = map[string]func(testing.TB) *streamTarget{
	"cloudstack": streamCloudStack,
	"zstack": func(tb testing.TB) *streamTarget {
		srv := zstacktest.NewServer()
		tb.Cleanup(srv.Close)
		own := srv.SeedAccessKey(zstacktest.AdminAccountUUID)
		for range streamKeys - 1 {
			srv.SeedAccessKey(zstacktest.AdminAccountUUID)
		}
		return &streamTarget{km: srv.AccessKeyClient(own.AccessKeyID, own.Secret.Reveal()), reset: srv.ResetRequests,
			total: streamKeys, early: streamEarly}
	},
	"huaweibcs": func(tb testing.TB) *streamTarget {
		srv := huaweibcstest.NewServer()
		tb.Cleanup(srv.Close)
		n := huaweibcs.MaxOffset + huaweibcstest.MaxPage
		srv.SeedCredentials(n)
		return &streamTarget{km: srv.Client(), reset: srv.ResetRequests, total: n, early: huaweibcstest.MaxPage}
	},
	"onezone": func(tb testing.TB) *streamTarget {
		srv := onezonetest.NewServer()
		tb.Cleanup(srv.Close)
		var token string
		for i := range streamKeys {
			_, tok := srv.IssueAccessToken(srv.AdminID(), "k"+strconv.Itoa(i))
			if i == 0 {
				token = tok
			}
		}
		return &streamTarget{km: srv.ClientWith(onezone.Token(token)), reset: srv.ResetRequests,
			total: streamKeys, early: streamEarly}
	},
}

// noStream names the vendors without a streamTarget, and why.
var noStream = map[string]string{
	"e24": "returns every key of the account in one answer: no paging to stream",
}

// BenchmarkStreamListKeys drains one ListKeys over every seeded key and
// reads the heap in use (after a GC) before the list, after streamEarly
// keys and after the last one. The caller keeps nothing, so a streaming
// list holds the heap flat: heap-end/heap-early stays well under 2. The
// fake lives in the same process; its seeded state is in every reading,
// so the growth since the start is reported too.
func BenchmarkStreamListKeys(b *testing.B) {
	for _, v := range vendors {
		if streamTargets[v] == nil {
			continue // noStream says why
		}
		b.Run(v, func(b *testing.B) {
			st := streamTargets[v](b)
			ctx := context.Background()
			var start, early, end uint64
			for b.Loop() {
				st.reset()
				start = heapInUse()
				n := 0
				for _, err := range st.km.ListKeys(ctx, cloudkeys.ListKeysOptions{}) {
					if err != nil {
						b.Fatalf("after %d keys: %v", n, err)
					}
					n++
					if n%5000 == 0 {
						st.reset() // the fake logs every request; keep that out of the heap
					}
					if n == st.early {
						b.StopTimer()
						early = heapInUse()
						b.StartTimer()
					}
				}
				b.StopTimer()
				st.reset()
				end = heapInUse()
				b.StartTimer()
				if n != st.total {
					b.Fatalf("listed %d keys, want %d", n, st.total)
				}
			}
			mib := func(v uint64) float64 { return float64(v) / (1 << 20) }
			b.ReportMetric(float64(st.total), "keys")
			b.ReportMetric(mib(start), "heap-start-MiB")
			b.ReportMetric(mib(early), "heap-early-MiB")
			b.ReportMetric(mib(end), "heap-end-MiB")
			b.ReportMetric(float64(end)/float64(early), "end/early")
			b.ReportMetric(mib(early)-mib(start), "growth-early-MiB")
			b.ReportMetric(mib(end)-mib(start), "growth-end-MiB")
		})
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
