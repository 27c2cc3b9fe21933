package reliability

import (
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"

	registry "github.com/cloudkeys/cloudkeys/vendors"
)

// TestEveryVendorIsInTheSuites fails when a vendor of package vendors is
// missing from one of this package's tables: the adapter table (vendors,
// in vendors_test.go; the suites that range over it — the matrix, the
// stream faults, the answers, complete keys, the leak scan, concurrency,
// FuzzKeyManager — then fail for a vendor they have no case for), the API
// fuzz suites (apiSuites and a FuzzAPI<Vendor> target), the response and
// fake-request fuzz targets (FuzzResponses<Vendor>, FuzzFakeRequests<Vendor>)
// and the vendor-specific bad-input methods (vendorMethods).
func TestEveryVendorIsInTheSuites(t *testing.T) {
	want := registry.Names()
	var adapters []string
	for _, vc := range vendors {
		adapters = append(adapters, vc.name)
	}
	sort.Strings(adapters)
	assert.Equal(t, want, adapters, "reliability/vendors_test.go: the adapter table (vendors) needs a start function for every vendor")

	suites := keys(apiSuites)
	assert.Equal(t, want, suites, "reliability/apifuzz_test.go: apiSuites needs every vendor's API suite")
	src, err := os.ReadFile("apifuzz_test.go")
	if assert.NoError(t, err) {
		for _, name := range want {
			re := regexp.MustCompile(`(?m)^func FuzzAPI\w+\(f \*testing\.F\)\s*\{\s*fuzzAPI\(f, apiSuites\["` + regexp.QuoteMeta(name) + `"\]\)\s*\}`)
			assert.True(t, re.Match(src), "reliability/apifuzz_test.go: no FuzzAPI<Vendor> target for %s", name)
		}
	}

	src, err = os.ReadFile("fuzz_test.go")
	if assert.NoError(t, err) {
		for i, vc := range vendors {
			idx := `vendors\[` + strconv.Itoa(i) + `\]`
			assert.Regexp(t, `(?m)^func FuzzResponses\w+\(f \*testing\.F\)\s*\{\s*fuzzResponses\(f, `+idx+`, false\)`, string(src),
				"reliability/fuzz_test.go: no FuzzResponses<Vendor> target for %s (vendors[%d])", vc.name, i)
			assert.Regexp(t, `(?m)^func FuzzFakeRequests\w+\(f \*testing\.F\)\s*\{\s*fuzzFakeRequests\(f, `+idx+`\)`, string(src),
				"reliability/fuzz_test.go: no FuzzFakeRequests<Vendor> target for %s (vendors[%d])", vc.name, i)
		}
	}

	assert.Equal(t, want, keys(vendorMethods), "reliability/badinput_vendor_test.go: vendorMethods needs an entry for every vendor (empty if it has no vendor-specific method taking an id)")
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
