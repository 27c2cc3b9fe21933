// Package bench holds the performance benchmarks of cloudkeys: per vendor,
// the SDK against a lean hand-written net/http + encoding/json baseline that
// sends the same signed requests to the same fake on 127.0.0.1, and the same
// pair client only, served the fake's recorded answers from memory
// (BenchmarkCanned*, bench/internal/canned); the signers; 64 goroutines
// sharing one client; and streaming lists of 100,000 keys.
//
// The benchmarks are Benchmark functions: plain go test only compiles them
// (and runs TestLeanMatchesSDK and TestCannedLeanMatchesSDK, which check
// that the baselines send and decode what the SDK does, live and from the
// recorded answers). Run them with
//
//	go test -run '^$' -bench . -benchmem ./bench/
//
// or bench/run.sh, which writes BENCHMARKS.md.
package bench
