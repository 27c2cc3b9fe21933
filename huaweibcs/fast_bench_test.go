package huaweibcs

import (
	"encoding/json"
	"testing"

	"github.com/cloudkeys/cloudkeys/internal/huaweiwire"
)

// BenchmarkDecodeAnswer reads the recorded list answer (100 credentials)
// the one-pass way (huaweiwire.ReadCredentialKeys without its pooled
// scratch slice, and a CredentialsPage built of it; GetKey and ListKeys
// build Keys instead, readKeysPage) and with encoding/json into a
// CredentialsPage; neither parses the times (settle, the same work after
// either). bench/decoders measures other decoders on the same answer and
// struct; its run.sh puts both in one table (BENCHMARKS.md, "Decoder
// choice (issue 19)").
func BenchmarkDecodeAnswer(b *testing.B) {
	body := recordedList(b)
	b.Run("huaweibcs-list/onepass", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			creds, count, ok := huaweiwire.ReadCredentialKeys(body, nil)
			if !ok || len(creds) != 100 {
				b.Fatal("not read")
			}
			page := CredentialsPage{Count: count, Credentials: make([]Credential, len(creds))}
			for i, k := range creds {
				page.Credentials[i] = Credential{ID: k.ID, Description: k.Description, CreateTime: k.CreateTime, UpdateTime: k.UpdateTime}
			}
		}
	})
	b.Run("huaweibcs-list/encoding-json-inpkg", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var page CredentialsPage
			if json.Unmarshal(body, &page) != nil || len(page.Credentials) != 100 {
				b.Fatal("not read")
			}
		}
	})
}
