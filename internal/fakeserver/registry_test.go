package fakeserver_test

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cloudkeys/cloudkeys/vendors"
)

// TestEveryVendorFakeIsTested fails when a vendor of package vendors is
// missing from vendorFakes (vendors_test.go), the table the TLS, request
// log and authentication tests of every fake range over.
func TestEveryVendorFakeIsTested(t *testing.T) {
	var names []string
	for _, vf := range vendorFakes {
		names = append(names, vf.name)
	}
	sort.Strings(names)
	assert.Equal(t, vendors.Names(), names, "internal/fakeserver/vendors_test.go: vendorFakes")
}
