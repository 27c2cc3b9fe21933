package zstack

import (
	"encoding/json"
	"testing"
)

// BenchmarkDecodeAnswer reads the recorded QueryAccessKey answers (one key,
// a page of 100) the one-pass way (readKeyPage, which also builds each Key
// with its dates parsed) and with encoding/json into a queryReply (what
// queryKeys decoded before readKeyPage; the Keys were built after it).
// bench/decoders measures other decoders on the same answers and struct;
// its run.sh puts both in one table (BENCHMARKS.md, "Decoder choice (issue
// 19)").
func BenchmarkDecodeAnswer(b *testing.B) {
	get, list := recordedAnswers(b)
	c := fuzzClient(b)
	for _, a := range []struct {
		name string
		body []byte
		keys int
	}{{"zstack-get", get, 1}, {"zstack-list", list, 100}} {
		b.Run(a.name+"/onepass", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(a.body)))
			for b.Loop() {
				var page keyPage
				if !c.readKeyPage(a.body, a.keys, &page) || len(page.keys) != a.keys {
					b.Fatal("not read")
				}
			}
		})
		b.Run(a.name+"/encoding-json-inpkg", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(a.body)))
			for b.Loop() {
				var r queryReply
				if json.Unmarshal(a.body, &r) != nil || len(r.Inventories) != a.keys {
					b.Fatal("not read")
				}
			}
		})
	}
}
