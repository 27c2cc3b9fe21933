package onezone

import (
	"encoding/json"
	"testing"
)

// BenchmarkDecodeAnswer reads the recorded GET /tokens/named/{id} answer
// the one-pass way (readKeyToken) and with encoding/json into a NamedToken
// (TokenType's and Caveats' decoders included), as GetKey did before;
// neither builds the Key (keyOf, key). bench/decoders measures other
// decoders on the same answer and struct; its run.sh puts both in one
// table (BENCHMARKS.md, "Decoder choice (issue 19)").
func BenchmarkDecodeAnswer(b *testing.B) {
	body := recordedToken(b)
	b.Run("onezone-token/onepass", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var t keyToken
			if !readKeyToken(body, &t) {
				b.Fatal("not read")
			}
		}
	})
	b.Run("onezone-token/encoding-json-inpkg", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var nt NamedToken
			if json.Unmarshal(body, &nt) != nil {
				b.Fatal("not read")
			}
		}
	})
}
