package cli

import (
	"context"
	"sort"
	"strings"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/vendors"
	"github.com/cloudkeys/cloudkeys/vendors/vendorstest"
)

// EnvVar documents one environment variable a vendor reads: the
// registry's, whose Secret variables may come from NAME_FILE and are kept
// out of --store commands' environment.
type EnvVar = vendors.EnvVar

// Vendor wires one vendor package into the command.
type Vendor struct {
	Name    string
	Summary string
	Env     []EnvVar
	// Notes are extra lines for "cloudkeys help <vendor>" (e.g. which
	// variables go together).
	Notes string
	// Connect builds a KeyManager from the environment (and --endpoint).
	Connect func(ctx context.Context, getenv func(string) string, endpoint string, opts []cloudkeys.Option) (cloudkeys.KeyManager, error)
	// Fake starts the vendor's fake server (package vendorstest's).
	Fake func(opts FakeOptions) (*FakeHandle, error)
	// FakeEnforce reports whether FakeOptions.Enforce applies to it.
	FakeEnforce bool
	// CreateFields says whether create keeps a name and a description on
	// a server with these capabilities; nil: both.
	CreateFields func(caps cloudkeys.Capabilities) (name, description bool)
}

// FakeOptions configure "cloudkeys fake <vendor>".
type FakeOptions struct {
	Addr    string // host:port to listen on
	Version string // server version, where the fake has several
	// Enforce makes the fake a hardened server where the vendor has such a
	// setting (CloudStack: enforce.post.requests.and.timestamps); the
	// default is a stock server.
	Enforce bool
}

// FakeHandle is a running fake.
type FakeHandle struct {
	URL   string
	Env   [][2]string // the seeded credentials, as the vendor's env vars
	Close func()
}

var registry = map[string]*Vendor{}

// register adds a vendor; vendors_*.go files call it from init.
func register(v *Vendor) { registry[v.Name] = v }

// registerVendor adds the vendor called name in the library's registry
// (package vendors: its summary, variables, notes and NewFromEnv), with
// the command's own additions: more notes and what create keeps. Its fake
// is the one package vendorstest registers for it.
func registerVendor(name, notes string, fields func(cloudkeys.Capabilities) (bool, bool)) {
	lv, ok := vendors.Lookup(name)
	if !ok {
		panic("cli: no vendor " + name + " in package vendors")
	}
	v := &Vendor{Name: lv.Name, Summary: lv.Summary, Env: lv.Env, Notes: lv.Notes, CreateFields: fields,
		Connect: func(_ context.Context, getenv func(string) string, endpoint string, opts []cloudkeys.Option) (cloudkeys.KeyManager, error) {
			return lv.FromEnv(getenv, endpoint, opts...)
		}}
	if fv, ok := vendorstest.Lookup(name); ok {
		v.Fake = func(o FakeOptions) (*FakeHandle, error) {
			f, err := fv.Start(vendorstest.Options{Addr: o.Addr, Version: o.Version, Enforce: o.Enforce})
			if err != nil {
				return nil, err
			}
			return &FakeHandle{URL: f.Endpoint, Env: f.Env, Close: f.Close}, nil
		}
		v.FakeEnforce = fv.CanEnforce
	}
	if notes != "" {
		v.Notes = strings.TrimRight(v.Notes, "\n") + "\n" + notes
	}
	register(v)
}

// VendorNames returns the names of the vendors the command knows, sorted
// (for the repository's registration test).
func VendorNames() []string { return vendorNames() }

func vendorNames() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
