package transport

import (
	"bytes"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadLimited(t *testing.T) {
	body := strings.Repeat("x", 40<<10)
	for _, tc := range []struct {
		name     string
		body     string
		limit    int64
		size     int64
		want     string
		tooLarge bool
	}{
		{"known size", body, 1 << 20, int64(len(body)), body, false},
		{"unknown size", body, 1 << 20, -1, body, false},
		{"size understated", body, 1 << 20, 10, body, false},
		{"size overstated", "short", 1 << 20, 1000, "short", false},
		{"empty", "", 100, 0, "", false},
		{"at the limit", body[:100], 100, 100, body[:100], false},
		{"over the limit", body[:101], 100, 101, "", true},
		{"over the limit, size unknown", body, 100, -1, "", true},
		{"lying size over the hint cap", "tiny", 32 << 20, 30 << 20, "tiny", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, tooLarge, err := readLimited(strings.NewReader(tc.body), tc.limit, tc.size)
			require.NoError(t, err)
			assert.Equal(t, tc.tooLarge, tooLarge)
			if !tc.tooLarge {
				assert.Equal(t, tc.want, string(got))
			}
			assert.LessOrEqual(t, cap(got), max(len(tc.body)+1, 512, maxSizeHint))
		})
	}
}

// A body whose length is announced is read into one buffer.
func TestReadLimitedKnownSizeAllocatesOnce(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 40<<10)
	r := bytes.NewReader(body)
	allocs := testing.AllocsPerRun(50, func() {
		r.Reset(body)
		_, _, err := readLimited(r, 32<<20, int64(len(body)))
		require.NoError(t, err)
	})
	assert.LessOrEqual(t, allocs, 1.0) // the buffer
}

// A body of unknown size is read through a pooled buffer and copied out
// once, right-sized: one allocation, however many reads it took.
func TestReadLimitedUnknownSizeAllocatesOnce(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's sync.Pool drops buffers")
	}
	body := bytes.Repeat([]byte("x"), 40<<10)
	r := bytes.NewReader(body)
	hr := iotest.HalfReader(r)
	var got []byte
	var err error
	allocs := testing.AllocsPerRun(50, func() {
		r.Reset(body)
		got, _, err = readLimited(hr, 32<<20, -1)
	})
	require.NoError(t, err)
	assert.Equal(t, body, got)
	assert.Equal(t, len(got), cap(got))
	assert.LessOrEqual(t, allocs, 1.0)
}

// The body returned is the caller's own: a later read does not change it.
func TestReadLimitedBodyIsNotShared(t *testing.T) {
	a, _, err := readLimited(strings.NewReader("first answer"), 1<<20, -1)
	require.NoError(t, err)
	b, _, err := readLimited(strings.NewReader("SECOND ANSWER"), 1<<20, -1)
	require.NoError(t, err)
	assert.Equal(t, "first answer", string(a))
	assert.Equal(t, "SECOND ANSWER", string(b))
}
