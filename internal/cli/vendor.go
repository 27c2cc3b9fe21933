package cli

import (
	"context"
	"sort"

	"github.com/cloudkeys/cloudkeys"
)

// EnvVar documents one environment variable a vendor reads.
type EnvVar struct {
	Name string
	Doc  string
	// Secret marks a credential: it may instead come from the file named
	// by NAME_FILE, and it is kept out of --store commands' environment.
	Secret bool
}

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
	// Fake starts the vendor's fake server.
	Fake func(opts FakeOptions) (*FakeHandle, error)
	// CreateFields says whether create keeps a name and a description on
	// a server with these capabilities; nil: both.
	CreateFields func(caps cloudkeys.Capabilities) (name, description bool)
}

// FakeOptions configure "cloudkeys fake <vendor>".
type FakeOptions struct {
	Addr    string // host:port to listen on
	Version string // server version, where the fake has several
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

func vendorNames() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
