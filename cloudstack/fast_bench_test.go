package cloudstack

import (
	"encoding/json"
	"testing"
)

// BenchmarkDecodeAnswer reads the recorded getUser and listUsers answers
// the one-pass way (readAnswer with readGetUser, readListUsers) and with
// encoding/json into the same structs (the whole answer, envelope
// included: a keyUser, and flexString's count). bench/decoders measures
// other decoders on the same answers and structs; its run.sh puts both
// in one table (BENCHMARKS.md, "Decoder choice (issue 19)").
func BenchmarkDecodeAnswer(b *testing.B) {
	answers := recordedAnswers(b)
	getUser, listUsers := answers[0], answers[1]
	b.Run("cloudstack-getuser/onepass", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(getUser)))
		for b.Loop() {
			var u *keyUser
			if !readAnswer(getUser, readGetUser(&u)) || u == nil {
				b.Fatal("not read")
			}
		}
	})
	b.Run("cloudstack-getuser/encoding-json-inpkg", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(getUser)))
		for b.Loop() {
			var w struct {
				R struct {
					User *keyUser `json:"user"`
				} `json:"getuserresponse"`
			}
			if json.Unmarshal(getUser, &w) != nil || w.R.User == nil {
				b.Fatal("not read")
			}
		}
	})
	b.Run("cloudstack-listusers/onepass", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(listUsers)))
		for b.Loop() {
			var users []keyUser
			var count int
			if !readAnswer(listUsers, readListUsers(&users, &count)) || len(users) != 100 {
				b.Fatal("not read")
			}
		}
	})
	b.Run("cloudstack-listusers/encoding-json-inpkg", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(listUsers)))
		for b.Loop() {
			var w struct {
				R struct {
					Count flexString `json:"count"`
					User  []keyUser  `json:"user"`
				} `json:"listusersresponse"`
			}
			if json.Unmarshal(listUsers, &w) != nil || len(w.R.User) != 100 {
				b.Fatal("not read")
			}
		}
	})
}
