package e24

import (
	"encoding/json"
	"testing"
)

// BenchmarkDecodeAnswer reads the recorded GET /v2/account answer the
// one-pass way (readAccountKeys) and with encoding/json in one decode of
// what readAccountKeys reads: envelope's "success" and accountKeysPlain's
// account (the client before readAccountKeys decoded the answer twice,
// checkAnswer's envelope and then accountKeysPlain). bench/decoders
// measures other decoders on the same answer and struct; its run.sh puts
// both in one table (BENCHMARKS.md, "Decoder choice (issue 19)").
func BenchmarkDecodeAnswer(b *testing.B) {
	body := recordedAccount(b)
	b.Run("e24-account/onepass", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if readAccountKeys(body) == nil {
				b.Fatal("not read")
			}
		}
	})
	b.Run("e24-account/encoding-json-inpkg", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var w struct {
				Success json.RawMessage `json:"success"`
				accountKeysPlain
			}
			if json.Unmarshal(body, &w) != nil || w.Account == nil {
				b.Fatal("not read")
			}
		}
	})
}
