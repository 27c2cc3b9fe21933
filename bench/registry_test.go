package bench

import (
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	registry "github.com/cloudkeys/cloudkeys/vendors"
)

// TestEveryVendorIsBenchmarked fails when a vendor of package vendors is
// missing from the benchmarks: the report order (vendors), newTarget (a
// fake seeded with keys, the SDK client and a lean baseline; the loopback
// tables and, recorded through canned, the client-only tables, whose
// recording TestCannedLeanMatchesSDK runs for every vendor), pageKeys,
// the streaming targets (streamTargets, or a reason in noStream) and the
// report's vendorOrder (bench/report/main.go).
func TestEveryVendorIsBenchmarked(t *testing.T) {
	want := registry.Names()
	got := slices.Sorted(slices.Values(vendors))
	assert.Equal(t, want, got, "bench/targets_test.go: vendors (report order)")
	for _, name := range want {
		tg := newTarget(t, name, 2) // fails the test for a vendor newTarget does not know
		assert.Equal(t, name, tg.name)
		assert.NotNil(t, tg.fake, name)
		assert.NotNil(t, tg.lean, "%s: no lean baseline", name)
		assert.Contains(t, pageKeys, name, "bench/targets_test.go: pageKeys")
		_, streams := streamTargets[name]
		_, why := noStream[name]
		assert.True(t, streams != why, "bench/stream_test.go: %s needs a streamTarget or a reason in noStream (not both)", name)
	}
	src, err := os.ReadFile("report/main.go")
	if assert.NoError(t, err) {
		m := regexp.MustCompile(`var vendorOrder = \[\]string\{([^}]*)\}`).FindSubmatch(src)
		if assert.NotNil(t, m, "bench/report/main.go: vendorOrder") {
			for _, name := range want {
				assert.Contains(t, string(m[1]), `"`+name+`"`, "bench/report/main.go: vendorOrder lacks %s", name)
			}
		}
	}
}
