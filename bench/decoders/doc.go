// Package decoders compares JSON decoders on the answers cloudkeys reads
// most (issue 19): encoding/json, encoding/json v2's out-of-tree module
// github.com/go-json-experiment/json (with its v2 defaults, and with its
// v1-compatible options), and github.com/json-iterator/go
// (ConfigCompatibleWithStandardLibrary, the decoder huaweicloud-sdk-go-v3
// uses), each decoding the recorded answers (bench/testdata/answers) into
// the same Go structs the vendors' packages decode them into (copied here
// where they are unexported, with the same json tags and UnmarshalJSON
// methods; the exported ones — huaweibcs.CredentialsPage,
// onezone.NamedToken, cloudkeys.Secret — used as they are).
// TestSameValues holds every decoder to encoding/json's values on every
// answer, so that the benchmark compares like with like;
// TestV2DefaultsDiffer records where go-json-experiment's v2 defaults read
// JSON differently from encoding/json, and that its v1 options do not.
//
// The project's own one-pass readers (internal/jsonscan) are measured next
// to the code they belong to, by BenchmarkDecodeAnswer in cloudstack, e24,
// huaweibcs and onezone, against encoding/json on the same structs;
// run.sh runs both sets in alternating passes and writes RESULTS.md.
//
// It is a separate module so that the SDK's go.mod gains nothing:
// go-json-experiment and json-iterator are required here only.
//
//	cd bench/decoders && go test -run . -bench . -benchmem
//	bench/decoders/run.sh    # the table in BENCHMARKS.md
package decoders
