package e24test

import (
	"testing"
	"time"

	"github.com/cloudkeys/cloudkeys/internal/vectors"
)

func FuzzParseAuthorization(f *testing.F) {
	for _, c := range vectors.LoadE24(f).Cases {
		f.Add(c.Authorization)
	}
	f.Add("AKEXAMPLE:1NM7naha/NbV7kIR9ePSzUgDj3brleUUCtAjGyIK9Ko=")
	f.Add(":")
	f.Add("a:b:c")
	f.Fuzz(func(t *testing.T, v string) {
		k, s, ok := parseAuthorization(v)
		if ok && (k == "" || s == "" || k+":"+s != v) {
			t.Fatalf("bad split of %q: %q %q", v, k, s)
		}
	})
}

func FuzzParseXDate(f *testing.F) {
	for _, tc := range strtotimeVerdicts {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got, err := ParseXDate(v)
		if err == nil && got.Location() != time.UTC {
			t.Fatalf("%q: %v not in UTC", v, got)
		}
	})
}
