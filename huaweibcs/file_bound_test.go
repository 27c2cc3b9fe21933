package huaweibcs

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
)

// Amplification allowed while parsing an answer: at most allocFactor bytes
// allocated per byte of the answer, plus allocSlack: the csv and flate
// readers' own buffers, and a CSV entry of up to 64 KiB inflated from a
// tiny ZIP, which csv.Reader reads at up to about 7 bytes per byte (its
// record buffer grows by appending; measured at most ~500 KiB).
const (
	allocFactor = 8
	allocSlack  = 1 << 20
)

func allocBound(n int) uint64 { return allocFactor*uint64(n) + allocSlack }

// allocOf returns the bytes f allocates (runtime.MemStats.TotalAlloc
// growth), the least of tries runs so that another goroutine's allocation
// does not count.
func allocOf(tries int, f func()) uint64 {
	best := uint64(math.MaxUint64)
	for range tries {
		var a, b runtime.MemStats
		runtime.ReadMemStats(&a)
		f()
		runtime.ReadMemStats(&b)
		best = min(best, b.TotalAlloc-a.TotalAlloc)
	}
	return best
}

// must panics on a test fixture's error.
func must(err error) {
	if err != nil {
		panic(err)
	}
}

// zipOf returns a ZIP archive written by archive/zip, one entry per name
// (deflated), in order.
func zipOf(entries ...[2]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		w, err := zw.Create(e[0])
		must(err)
		_, err = w.Write([]byte(e[1]))
		must(err)
	}
	must(zw.Close())
	return b.Bytes()
}

// deflate returns content compressed as a ZIP Deflate entry holds it.
func deflate(content []byte) []byte {
	var c bytes.Buffer
	fw, err := flate.NewWriter(&c, flate.BestCompression)
	must(err)
	_, err = fw.Write(content)
	must(err)
	must(fw.Close())
	return c.Bytes()
}

// zipLying returns a ZIP archive whose one entry, name, holds raw (content
// as deflated by deflate, or stored as is) and declares declared bytes,
// with content's CRC.
func zipLying(name string, content, raw []byte, declared uint64, method uint16) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: name, Method: method, CRC32: crc32.ChecksumIEEE(content),
		CompressedSize64: uint64(len(raw)), UncompressedSize64: declared,
	})
	must(err)
	_, err = w.Write(raw)
	must(err)
	must(zw.Close())
	return b.Bytes()
}

// zipPadded returns a ZIP archive of credential.csv and junk.bin, which
// holds pad stored.
func zipPadded(pad []byte) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("credential.csv")
	must(err)
	_, err = w.Write([]byte("id,key\nI,S\n"))
	must(err)
	w, err = zw.CreateHeader(&zip.FileHeader{Name: "junk.bin", Method: zip.Store})
	must(err)
	_, err = w.Write(pad)
	must(err)
	must(zw.Close())
	return b.Bytes()
}

// zipMany returns a ZIP archive of n empty stored entries and then
// credential.csv.
func zipMany(n int) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := range n {
		_, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("f%d.txt", i), Method: zip.Store})
		must(err)
	}
	w, err := zw.Create("credential.csv")
	must(err)
	_, err = w.Write([]byte("id,key\nI,S\n"))
	must(err)
	must(zw.Close())
	return b.Bytes()
}

// columns returns a CSV row of n fields: id, key, then c3, c4, ...
func columns(n int) string {
	f := []string{"id", "key"}
	for i := 3; i <= n; i++ {
		f = append(f, fmt.Sprintf("c%d", i))
	}
	return strings.Join(f, ",")
}

type hostileFile struct {
	name    string
	data    []byte
	problem string // "" = parsed; else a *FileError containing it
	id      string // when parsed
	secret  string
}

// hostileFiles are the shapes of issue 14 item 7 and their boundaries,
// built once. The two reported ones: a 31 MiB bare CSV (a header row of
// commas) made the parser allocate 5.7 GiB; a 1 KiB ZIP (1 MiB of commas,
// deflated), 162 MiB.
var hostileFiles = sync.OnceValue(func() []hostileFile {
	commas := func(n int) []byte { return append(bytes.Repeat([]byte(","), n), '\n') }
	zeros := make([]byte, 4<<20)
	deflatedZeros := deflate(zeros)
	small := []byte("id,key\nI,S\n")
	big := strings.Repeat("s", 60<<10)
	return []hostileFile{
		// Size of a bare CSV or JSON answer.
		{name: "31 MiB header of commas", data: commas(31 << 20), problem: "larger than 64 KiB"},
		{name: "bare CSV of 64 KiB + 1", data: []byte("id,key\nI," + strings.Repeat("s", maxCredentialFile-9+1)), problem: "larger than 64 KiB"},
		{name: "bare CSV of exactly 64 KiB", data: []byte("id,key\nI," + strings.Repeat("s", maxCredentialFile-9)), id: "I", secret: strings.Repeat("s", maxCredentialFile-9)},
		{name: "JSON of 1 MiB", data: []byte(`{"id":"I","key":"` + strings.Repeat("s", 1<<20) + `"}`), problem: "larger than 64 KiB"},
		// Columns and rows, enforced while reading.
		{name: "60 KiB header of commas", data: commas(60 << 10), problem: "more than 64 columns in the header row"},
		{name: "65 columns", data: []byte(columns(65) + "\nI,S\n"), problem: "more than 64 columns"},
		{name: "64 columns", data: []byte(columns(64) + "\nI,S\n"), id: "I", secret: "S"},
		{name: "data row of 30000 columns", data: []byte("id,key\nI,S" + strings.Repeat(",", 30000) + "\n"), problem: "more than 64 columns in a data row"},
		{name: "quoted commas are one field", data: []byte("id,key\nI,\"" + strings.Repeat(",", 30000) + "\"\n"), id: "I", secret: strings.Repeat(",", 30000)},
		{name: "escaped quotes inside a field", data: []byte("id,key\nI,\"a\"\",\"\"b\"\n"), id: "I", secret: `a","b`},
		{name: "long line of 60 KiB", data: []byte("id,key\nI," + big + "\n"), id: "I", secret: big},
		{name: "long quoted field across lines", data: []byte("id,key\nI,\"" + strings.Repeat("s\n", 20<<10) + "\"\n"), id: "I", secret: strings.TrimSpace(strings.Repeat("s\n", 20<<10))},
		{name: "15 blank rows then data", data: []byte("id,key\n" + strings.Repeat(" \n", 14) + "I,S\n"), id: "I", secret: "S"},
		{name: "16 blank rows then data", data: []byte("id,key\n" + strings.Repeat(" \n", 15) + "I,S\n"), problem: "no data row in the first 16 rows"},
		{name: "rows after the first data row are not read", data: []byte("id,key\nI,S\n" + strings.Repeat("x,\"\n", 1000)), id: "I", secret: "S"},
		{name: "empty lines do not count", data: []byte("id,key\n" + strings.Repeat("\n", 1000) + "I,S\n"), id: "I", secret: "S"},
		// ZIP archives.
		{name: "ZIP: 1 MiB of commas deflated", data: zipOf([2]string{"credential.csv", string(commas(1 << 20))}), problem: "larger than 64 KiB"},
		{name: "ZIP: 4 MiB of zeros, declared", data: zipLying("credential.csv", zeros, deflatedZeros, uint64(len(zeros)), zip.Deflate), problem: "larger than 64 KiB"},
		{name: "ZIP: 4 MiB of zeros, declared 100 B", data: zipLying("credential.csv", zeros, deflatedZeros, 100, zip.Deflate), problem: "credential.csv in the ZIP archive"},
		{name: "ZIP: 4 MiB of zeros, declared 0 B", data: zipLying("credential.csv", zeros, deflatedZeros, 0, zip.Deflate), problem: "credential.csv in the ZIP archive"},
		{name: "ZIP: stored entry longer than declared", data: zipLying("credential.csv", small, small, 4, zip.Store), problem: "credential.csv in the ZIP archive"},
		{name: "ZIP: entry shorter than declared", data: zipLying("credential.csv", small, deflate(small), 40, zip.Deflate), problem: "cannot read credential.csv"},
		{name: "ZIP: entry of exactly 64 KiB", data: zipOf([2]string{"credential.csv", "id,key\nI," + strings.Repeat("s", maxCredentialFile-9)}), id: "I", secret: strings.Repeat("s", maxCredentialFile-9)},
		{name: "ZIP: 17 entries", data: zipMany(16), problem: "more than 16 entries"},
		{name: "ZIP: 16 entries", data: zipMany(15), id: "I", secret: "S"},
		{name: "ZIP: 20000 entries", data: zipMany(20000), problem: "larger than 1 MiB"},
		{name: "ZIP: 5000 entries", data: zipMany(5000), problem: "more than 16 entries"},
		{name: "ZIP: credential.csv and a 2 MiB file", data: zipPadded(randomBytes(2 << 20)), problem: "larger than 1 MiB"},
		{name: "ZIP: entry of many columns", data: zipOf([2]string{"credential.csv", string(commas(60 << 10))}), problem: "more than 64 columns"},
		// The costliest entries that are read: 64 KiB inflated from a few
		// hundred bytes, shaped for csv.Reader's growing record buffer.
		{name: "ZIP: 64 KiB quoted field across lines", data: zipOf([2]string{"credential.csv", "id,key\nI,\"" + strings.Repeat("s\n", (maxCredentialFile-12)/2) + "\"\n"}), id: "I", secret: strings.TrimSpace(strings.Repeat("s\n", (maxCredentialFile-12)/2))},
		{name: "ZIP: 64 header names of 1000 bytes", data: zipOf([2]string{"credential.csv", strings.Repeat(strings.Repeat("x", 1000)+",", 63) + "key\nS\n"}), problem: "empty secret"},
		// JSON answers.
		{name: "JSON of 65 members", data: []byte(`{"id":"I","key":"S"` + strings.Repeat(`,"x":1`, 63) + `}`), problem: "more than 64 members"},
		{name: "JSON of 64 members", data: []byte(`{"id":"I","key":"S"` + strings.Repeat(`,"x":1`, 62) + `}`), id: "I", secret: "S"},
		{name: "JSON of 60 KiB of members", data: jsonMembersOf(6000), problem: "more than 64 members"},
		{name: "JSON colons inside strings", data: []byte(`{"id":"I:\":","key":"` + strings.Repeat(":", 1000) + `"}`), id: `I:":`, secret: strings.Repeat(":", 1000)},
	}
})

// jsonMembersOf returns a JSON object of n distinct members ("k0":1, ...)
// after "id": each costs the decoder a map entry and a failed decode.
func jsonMembersOf(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"id":"I"`)
	for i := range n {
		fmt.Fprintf(&b, `,"k%d":1`, i)
	}
	b.WriteString("}")
	return b.Bytes()
}

// randomBytes returns n incompressible bytes (a fixed xorshift stream).
func randomBytes(n int) []byte {
	b := make([]byte, n)
	x := uint64(88172645463325252)
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x)
	}
	return b
}

// TestParseCredentialFileBounds: hostile shapes are refused with a
// *FileError naming the bound, their boundaries still parse.
func TestParseCredentialFileBounds(t *testing.T) {
	for _, tc := range hostileFiles() {
		t.Run(tc.name, func(t *testing.T) {
			id, secret, err := ParseCredentialFile(tc.data)
			if tc.problem == "" {
				require.NoError(t, err)
				assert.Equal(t, tc.id, id)
				assert.Equal(t, tc.secret, secret)
				return
			}
			var fe *FileError
			require.ErrorAs(t, err, &fe)
			assert.Contains(t, fe.Problem, tc.problem)
			assert.Empty(t, secret)
		})
	}
}

// TestParseCredentialFileMemory is the memory assertion: parsing any of
// the hostile shapes allocates at most allocFactor bytes per byte of the
// answer plus allocSlack. Before the bounds, the 31 MiB header took
// 5.7 GiB and the 1 KiB ZIP 162 MiB.
func TestParseCredentialFileMemory(t *testing.T) {
	for _, tc := range hostileFiles() {
		got := allocOf(3, func() { _, _, _ = ParseCredentialFile(tc.data) })
		t.Logf("%-45s %9d B in, %9d B allocated", tc.name, len(tc.data), got)
		assert.LessOrEqual(t, got, allocBound(len(tc.data)), "%s: %d B answer", tc.name, len(tc.data))
	}
	// The reported shapes, absolutely: the bound is checked before parsing.
	huge := append(bytes.Repeat([]byte(","), 31<<20), '\n')
	assert.Less(t, allocOf(3, func() { _, _, _ = ParseCredentialFile(huge) }), uint64(4<<10), "31 MiB header")
}

// TestCreateCredentialHostileFile: a refused file still reaches the caller
// whole, as a Secret: in the *CreateFileError wrapping the *FileError for a
// key file, in the *cloudkeys.UndecodableAnswerError for any answer; both
// match ErrOutcomeUnknown.
func TestCreateCredentialHostileFile(t *testing.T) {
	for _, tc := range hostileFiles() {
		if tc.problem == "" || len(tc.data) > 4<<20 {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			mock.RegisterResponder(http.MethodPost, `=~/credentials\z`, httpmock.NewBytesResponder(http.StatusOK, tc.data))
			c, err := New("https://bcs.example.test", "0123456789abcdef0123456789abcdef", Token("tok-0123456789"),
				cloudkeys.WithHTTPClient(&http.Client{Transport: mock}))
			require.NoError(t, err)
			cc, err := c.CreateCredential(context.Background(), CreateCredentialRequest{})
			require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
			var ue *cloudkeys.UndecodableAnswerError
			require.ErrorAs(t, err, &ue)
			assert.Equal(t, string(tc.data), ue.Answer.Reveal(), "the raw answer is kept")
			assert.Contains(t, err.Error(), tc.problem)
			assert.NotContains(t, err.Error(), "sssssssss")
			var cfe *CreateFileError
			if !errors.As(err, &cfe) {
				// Not a key file at all: the common unreadable answer.
				assert.Nil(t, cc)
				return
			}
			assert.Equal(t, string(tc.data), cfe.File.Reveal(), "the raw file is kept")
			var fe *FileError
			require.True(t, errors.As(cfe.Err, &fe))
			require.NotNil(t, cc)
			assert.Equal(t, string(tc.data), cc.File.Reveal())
		})
	}
}
