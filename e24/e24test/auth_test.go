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
	f.Add("Mon, 04 Jul 2016 14:01:02 GMT")
	f.Add("Mon, 04 Jul 2016 16:01:02 +0200")
	f.Add("Monday, 04-Jul-16 14:01:02 GMT")
	f.Fuzz(func(t *testing.T, v string) {
		_, _ = parseXDate(v)
	})
}

func TestParseXDate(t *testing.T) {
	want := time.Date(2016, 7, 4, 14, 1, 2, 0, time.UTC)
	for _, v := range []string{"Mon, 04 Jul 2016 14:01:02 GMT", "Mon, 04 Jul 2016 16:01:02 +0200", "Monday, 04-Jul-16 14:01:02 GMT"} {
		got, ok := parseXDate(v)
		if !ok || !got.Equal(want) {
			t.Errorf("%q: got %v %v", v, got, ok)
		}
	}
	if _, ok := parseXDate("Mon, 04 Jul 2015, 14:01:02 EST"); ok {
		t.Error("the docs' sloppy example (extra comma) must not parse")
	}
}
