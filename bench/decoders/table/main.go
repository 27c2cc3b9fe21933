// Command table writes the "Decoder choice (issue 19)" section of
// BENCHMARKS.md (bench/decoders/RESULTS.md) from the output of run.sh's
// passes: the medians of BenchmarkDecodeAnswer's sub-benchmarks, from
// bench/decoders and from the vendor packages, with their ratios to
// encoding/json, followed by notes.md.
//
//	go run ./table -in results.txt -machine machine.txt > RESULTS.md
package main

import (
	"bufio"
	_ "embed"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

//go:embed notes.md
var notes string

// decoders in table order, with the names the table shows.
var decoders = []struct{ key, name string }{
	{"encoding-json", "encoding/json"},
	{"encoding-json-inpkg", "encoding/json, in the vendor package ¹"},
	{"onepass", "**one-pass reader (jsonscan)** ¹"},
	{"json-v2", "go-json-experiment, v2 defaults ²"},
	{"json-v2-v1opts", "go-json-experiment, DefaultOptionsV1"},
	{"jsoniter", "json-iterator, ConfigCompatibleWithStandardLibrary"},
	{"json-v2-warm", "go-json-experiment, v2 defaults, one answer repeated ³"},
}

var answers = []string{
	"cloudstack-getuser", "cloudstack-listusers", "e24-account", "huaweibcs-list",
	"onezone-token", "onezone-ids", "zstack-get", "zstack-list",
}

type sample struct{ ns, bytes, allocs []float64 }

func main() {
	in := flag.String("in", "results.txt", "raw go test output of every pass")
	machine := flag.String("machine", "machine.txt", "key: value lines about the run")
	flag.Parse()
	f, err := os.Open(*in)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	got := map[string]*sample{} // answer/decoder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "BenchmarkDecodeAnswer/") {
			continue
		}
		name := strings.TrimPrefix(fields[0], "BenchmarkDecodeAnswer/")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i] // the -GOMAXPROCS suffix
			}
		}
		s := got[name]
		if s == nil {
			s = &sample{}
			got[name] = s
		}
		for i := 1; i+1 < len(fields); i++ {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			switch fields[i+1] {
			case "ns/op":
				s.ns = append(s.ns, v)
			case "B/op":
				s.bytes = append(s.bytes, v)
			case "allocs/op":
				s.allocs = append(s.allocs, v)
			}
		}
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	m, _ := os.ReadFile(*machine)

	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	w("## Decoder choice (issue 19)\n\n")
	w("Written by `bench/decoders/run.sh` (`go run ./table`, from `bench/decoders/results.txt`); `bench/run.sh` appends\n")
	w("it here. The notes after the table are hand-written (`bench/decoders/table/notes.md`).\n\n")
	w("Each recorded answer (`bench/testdata/answers`) decoded into the struct its vendor package decodes it into\n")
	w("(BenchmarkDecodeAnswer in `bench/decoders`, a module of its own, and in `cloudstack`, `e24`, `huaweibcs`,\n")
	w("`onezone`, `zstack` for the one-pass readers). The two sets run in alternating passes; every number is the **median**\n")
	w("of the passes, `±x%%` half the range over the median (shown from 1%%); × is the ratio to `encoding/json` on the\n")
	w("same answer (for the one-pass reader: to `encoding/json` in the same package, the row above it).\n\n")
	if len(m) > 0 {
		w("| | |\n|---|---|\n")
		for _, line := range strings.Split(strings.TrimSpace(string(m)), "\n") {
			k, v, _ := strings.Cut(line, ": ")
			w("| %s | %s |\n", k, v)
		}
		w("\n")
	}
	w("| answer | decoder | ns/op | × | B/op | × | allocs/op | × |\n")
	w("|---|---|---|---|---|---|---|---|\n")
	for _, a := range answers {
		first := true
		for _, d := range decoders {
			s := got[a+"/"+d.key]
			if s == nil || len(s.ns) == 0 {
				continue
			}
			refKey := "encoding-json"
			if d.key == "onepass" {
				refKey = "encoding-json-inpkg"
			}
			ref := got[a+"/"+refKey]
			label := ""
			if first {
				label = a
				first = false
			}
			w("| %s | %s | %s | %s | %s | %s | %s | %s |\n", label, d.name,
				withRange(s.ns), ratio(s.ns, ref, func(s *sample) []float64 { return s.ns }, d.key == refKey),
				num(median(s.bytes)), ratio(s.bytes, ref, func(s *sample) []float64 { return s.bytes }, d.key == refKey),
				num(median(s.allocs)), ratio(s.allocs, ref, func(s *sample) []float64 { return s.allocs }, d.key == refKey))
		}
	}
	w("\n¹ in the vendor package, on the recorded answer itself (neither caches anything between calls).\n")
	w("² every iteration decodes a new variant of the answer (its long strings changed), as a client meets new keys.\n")
	w("³ go-json-experiment keeps a 256-string cache in its pooled decoders between calls; decoding the same answer\n")
	w("over and over hits it every time. Shown to explain numbers measured that way, not as a client would see them.\n\n")
	b.WriteString(notes)
	os.Stdout.WriteString(b.String())
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Sorted(slices.Values(v))
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

func num(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
}

func withRange(v []float64) string {
	med := median(v)
	if len(v) < 2 || med == 0 {
		return num(med)
	}
	half := (slices.Max(v) - slices.Min(v)) / 2 / med * 100
	if half < 1 {
		return num(med)
	}
	return fmt.Sprintf("%s ±%.0f%%", num(med), half)
}

func ratio(v []float64, ref *sample, pick func(*sample) []float64, self bool) string {
	if self {
		return ""
	}
	if ref == nil || len(pick(ref)) == 0 || median(pick(ref)) == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f×", median(v)/median(pick(ref)))
}
