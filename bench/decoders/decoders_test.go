package decoders

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/cloudkeys/cloudkeys"
)

var secretType = reflect.TypeFor[cloudkeys.Secret]()

// dump writes v as text, secrets revealed (a Secret holds a func, which
// reflect.DeepEqual never finds equal), map keys sorted: two values of
// one type are equal where their dumps are.
func dump(b *strings.Builder, v reflect.Value) {
	if v.Type() == secretType {
		fmt.Fprintf(b, "secret(%q)", v.Interface().(cloudkeys.Secret).Reveal())
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		b.WriteString("&")
		dump(b, v.Elem())
	case reflect.Struct:
		b.WriteString("{")
		for i := range v.NumField() {
			fmt.Fprintf(b, "%s:", v.Type().Field(i).Name)
			dump(b, v.Field(i))
			b.WriteString(" ")
		}
		b.WriteString("}")
	case reflect.Slice:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		fallthrough
	case reflect.Array:
		b.WriteString("[")
		for i := range v.Len() {
			dump(b, v.Index(i))
			b.WriteString(" ")
		}
		b.WriteString("]")
	case reflect.Map:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		b.WriteString("map[")
		for _, k := range keys {
			fmt.Fprintf(b, "%v:", k)
			dump(b, v.MapIndex(k))
			b.WriteString(" ")
		}
		b.WriteString("]")
	case reflect.Func:
		fmt.Fprintf(b, "func(nil=%v)", v.IsNil())
	default: // fmt prints the value a reflect.Value holds, exported or not
		fmt.Fprintf(b, "%v", v)
	}
}

func dumpOf(v any) string {
	var b strings.Builder
	dump(&b, reflect.ValueOf(v))
	return b.String()
}

func readAnswer(tb testing.TB, file string) []byte {
	b, err := os.ReadFile("../testdata/answers/" + file)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestSameValues: every decoder reads every recorded answer, and the
// variants of it the benchmark decodes, without error, into the value
// encoding/json reads (so the benchmark compares like with like), and the
// value is not empty.
func TestSameValues(t *testing.T) {
	for _, a := range answers {
		recorded := readAnswer(t, a.file)
		vs := variants(recorded, 3)
		if bytes.Equal(vs[0], recorded) || bytes.Equal(vs[0], vs[1]) {
			t.Fatalf("%s: variants do not differ", a.file)
		}
		for _, body := range append(vs, recorded) {
			sameValues(t, a, body)
		}
	}
}

func sameValues(t *testing.T, a answer, body []byte) {
	{
		want := a.target()
		if err := decoders[0].decode(body, want); err != nil {
			t.Fatalf("%s: encoding/json: %v", a.file, err)
		}
		if reflect.ValueOf(want).Elem().IsZero() {
			t.Fatalf("%s: encoding/json read nothing", a.file)
		}
		for _, d := range decoders[1:] {
			got := a.target()
			if err := d.decode(body, got); err != nil {
				t.Errorf("%s: %s: %v", a.file, d.name, err)
				continue
			}
			if g, w := dumpOf(got), dumpOf(want); g != w {
				t.Errorf("%s: %s read\n%s\nencoding/json read\n%s", a.file, d.name, g, w)
			}
		}
	}
}

// probe is the shape of the probes of TestV2DefaultsDiffer.
type probe struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// TestV2DefaultsDiffer records, on small answers, where the decoders read
// JSON differently from encoding/json: go-json-experiment with its v2
// defaults matches names case-sensitively, refuses a member twice and
// refuses invalid UTF-8 and escaped lone surrogates (each would turn an
// answer that encoding/json reads into an error, or, for names, into empty
// fields); with DefaultOptionsV1 it reads all of them as encoding/json
// does. json-iterator (ConfigCompatibleWithStandardLibrary) matches
// encoding/json on these except invalid UTF-8, which it keeps as sent where
// encoding/json replaces it with U+FFFD.
func TestV2DefaultsDiffer(t *testing.T) {
	type result struct {
		v   probe
		err bool
	}
	tests := []struct {
		name, body string
		// decoders whose result differs from encoding/json's
		differ []string
	}{
		{"plain", `{"id":"a","name":"n"}`, nil},
		{"name in another case", `{"ID":"a","Name":"n"}`, []string{"json-v2"}},
		{"member twice", `{"id":"a","id":"b"}`, []string{"json-v2"}},
		{"invalid UTF-8", "{\"id\":\"a\xffb\"}", []string{"json-v2", "jsoniter"}},
		{"escaped lone surrogate", `{"id":"\ud800"}`, []string{"json-v2"}},
		{"unknown member", `{"id":"a","x":[1,{"y":null}]}`, nil},
		{"null", `{"id":null}`, nil},
		{"trailing garbage", `{"id":"a"} x`, nil},
	}
	for _, tt := range tests {
		// on an error only the error counts: encoding/json validates the
		// whole answer first and leaves v as it was, go-json-experiment and
		// json-iterator fill v up to the error
		run := func(d decoder) (r result) {
			if r.err = d.decode([]byte(tt.body), &r.v) != nil; r.err {
				r.v = probe{}
			}
			return r
		}
		ref := run(decoders[0])
		var differ []string
		for _, d := range decoders[1:] {
			if r := run(d); r != ref {
				differ = append(differ, d.name)
				t.Logf("%s: %s: %q %v, encoding/json %q %v", tt.name, d.name, r.v.ID, r.err, ref.v.ID, ref.err)
			}
		}
		if !reflect.DeepEqual(differ, tt.differ) {
			t.Errorf("%s: differ from encoding/json: %v, want %v", tt.name, differ, tt.differ)
		}
	}
}

// BenchmarkDecodeAnswer decodes each recorded answer with each decoder
// (sub-benchmarks <answer>/<decoder>, the names run.sh reads; the
// vendors' BenchmarkDecodeAnswer add <answer>/onepass and
// <answer>/encoding-json-inpkg). Each iteration decodes the next of the
// variants of the answer (see variants; about 4 MB of them, and at least
// 16: far more strings than go-json-experiment's cache holds), as a client
// meets new strings;
// json-v2-warm decodes the recorded answer itself over and over, which
// go-json-experiment's string cache turns into fewer allocations than a
// client would see.
func BenchmarkDecodeAnswer(b *testing.B) {
	for _, a := range answers {
		recorded := readAnswer(b, a.file)
		vs := variants(recorded, min(4096, max(16, 4<<20/len(recorded))))
		bench := func(name string, decode func([]byte, any) error, bodies [][]byte) {
			b.Run(strings.TrimSuffix(a.file, ".json")+"/"+name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(recorded)))
				i := 0
				for b.Loop() {
					if err := decode(bodies[i%len(bodies)], a.target()); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
		for _, d := range decoders {
			bench(d.name, d.decode, vs)
		}
		bench("json-v2-warm", decoders[1].decode, [][]byte{recorded})
	}
}

// TestVariantsDiffer: the variants the benchmark decodes carry new
// strings (else go-json-experiment's string cache would serve them).
func TestVariantsDiffer(t *testing.T) {
	body := []byte(`{"id":"868f42a1-65ea-4b53-8bfd-e255886fc8bb","s":"enabled","k":"VjtPgMY5v1_SamNPyJJaDcvhgi5W"}`)
	seen := map[string]bool{}
	for _, v := range variants(body, 4096) {
		if seen[string(v)] {
			t.Fatalf("variant repeated: %s", v)
		}
		seen[string(v)] = true
		if !bytes.Contains(v, []byte(`"s":"enabled"`)) {
			t.Fatalf("short string changed: %s", v)
		}
	}
}
