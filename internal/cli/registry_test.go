package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cloudkeys/cloudkeys/vendors"
	"github.com/cloudkeys/cloudkeys/vendors/vendorstest"
)

// TestEveryVendorIsACommand fails when a vendor of package vendors has no
// vendor_<name>.go here (its notes and what create keeps), or no fake.
// (The tests register an in-memory vendor "mem" too; it is not counted.)
func TestEveryVendorIsACommand(t *testing.T) {
	var real, fakes []string
	for _, n := range vendorNames() {
		if _, ok := vendors.Lookup(n); !ok {
			continue
		}
		real = append(real, n)
		if registry[n].Fake != nil {
			fakes = append(fakes, n)
		}
		fv, _ := vendorstest.Lookup(n)
		if fv != nil {
			assert.Equal(t, fv.CanEnforce, registry[n].FakeEnforce, n)
		}
	}
	assert.Equal(t, vendors.Names(), real, "every vendor needs internal/cli/vendor_<name>.go calling registerVendor")
	assert.Equal(t, vendorstest.Names(), fakes, "every vendor needs a fake in package vendorstest")
}
