// Package vendorstest starts any vendor's fake server by vendor name: the
// test-side counterpart of package vendors, and the one place a vendor's
// fake is registered for the tools that start fakes by name ("cloudkeys
// fake", the quickstart, the SDK's own suites).
//
//	f, err := vendorstest.Start("zstack", vendorstest.Options{})
//	if err != nil { ... }
//	defer f.Close()
//	km, err := vendors.FromEnv(f.Vendor, f.Getenv, "", f.ClientOptions()...)
//
// Each fake starts with a seeded administrator whose credentials come as
// the vendor's environment variables (Fake.Env: the names package vendors
// documents), so a program configured from the environment runs against
// it unchanged. Fake also implements cloudkeystest.Fake: fault injection,
// the clock and the request log work the same on every vendor.
//
// Package vendors stays free of fakes (a program that imports it carries no
// fake server); this package imports every <vendor>test package.
package vendorstest

import (
	"maps"
	"slices"
	"strings"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
	"github.com/cloudkeys/cloudkeys/vendors"
)

// Options say how to start a fake. The zero value starts one on
// 127.0.0.1:0 over plain HTTP/1.1, emulating the vendor's default version.
type Options struct {
	// Addr is the host:port to listen on ("": 127.0.0.1:0). Ignored in
	// memory.
	Addr string
	// InMemory serves without a socket, through Fake.Transport only (the
	// fakes' WithInMemory option).
	InMemory bool
	// TLS picks plain HTTP/1.1 (the zero value), TLS with HTTP/2, or TLS
	// with HTTP/1.1 only; the certificate is self-signed, and
	// Fake.ClientOptions makes an SDK client trust it.
	TLS cloudkeystest.TLSMode
	// Version is the server version to emulate, e.g. one of
	// Vendor.Versions ("": Vendor.DefaultVersion). Where the fake emulates
	// no particular version it is ignored.
	Version string
	// Enforce makes the fake a hardened server where the vendor has such a
	// setting (Vendor.CanEnforce; CloudStack:
	// enforce.post.requests.and.timestamps). Elsewhere it is an error.
	Enforce bool
}

// Vendor describes one vendor's fake.
type Vendor struct {
	// Name is the vendor's name, as in package vendors.
	Name string
	// DefaultVersion is the server version Start emulates without
	// Options.Version ("" where the fake emulates no particular version).
	DefaultVersion string
	// Versions are the server versions whose key management differs
	// (Capabilities change: CloudStack 4.22 and 4.23), for Options.Version;
	// nil where it is the same in every version the fake emulates (it may
	// still take Options.Version).
	Versions []string
	// CanEnforce reports whether Options.Enforce applies.
	CanEnforce bool
	// start starts the fake; Start checks the options first.
	start func(Options) (*Fake, error)
}

// Fake is a running vendor fake.
type Fake struct {
	// Fake is the server: its URL, Close, fault injection, clock and
	// request log.
	cloudkeystest.Fake
	// Vendor is the vendor's name.
	Vendor string
	// Server is the vendor's own *Server (e.g. *e24test.Server), for its
	// seeding and inspection methods.
	Server any
	// Endpoint is what the vendor's New takes as its endpoint: URL, or
	// CloudStack's API URL (URL + "/client/api").
	Endpoint string
	// Env holds the endpoint and the seeded administrator's credentials
	// as the vendor's environment variables (name, value): what "cloudkeys
	// fake <vendor> --output env" prints.
	Env [][2]string

	client  func(opts ...cloudkeys.Option) cloudkeys.KeyManager
	request func(name string) cloudkeys.CreateKeyRequest
}

// Getenv returns the value of the variable name in f.Env, or "": pass it
// where a program passes os.Getenv (vendors.FromEnv, a vendor's
// NewFromEnv).
func (f *Fake) Getenv(name string) string {
	for _, kv := range f.Env {
		if kv[0] == name {
			return kv[1]
		}
	}
	return ""
}

// Client returns the vendor test package's own client for the fake
// (e.g. (*e24test.Server).Client), authenticated as the seeded
// administrator and reading the fake's clock; opts come last.
func (f *Fake) Client(opts ...cloudkeys.Option) cloudkeys.KeyManager { return f.client(opts...) }

// CreateRequest returns a CreateKeyRequest that succeeds on the fake with
// the client of Client or of Env, for a key called name where the vendor
// keeps names (a description elsewhere): with the owner the vendor needs
// (on CloudStack a new user for each call, since a user holds one key up
// to 4.22), and only the fields the vendor keeps.
func (f *Fake) CreateRequest(name string) cloudkeys.CreateKeyRequest { return f.request(name) }

// registry holds the fakes by vendor name; it is never modified after init.
var registry = map[string]*Vendor{}

func register(v *Vendor) {
	if _, ok := vendors.Lookup(v.Name); !ok {
		panic("vendorstest: no vendor " + v.Name + " in package vendors")
	}
	registry[v.Name] = v
}

// Names returns the names of the vendors with a fake, sorted.
func Names() []string {
	return slices.Sorted(maps.Keys(registry))
}

// Lookup returns the vendor named name (a copy), or false.
func Lookup(name string) (*Vendor, bool) {
	v, ok := registry[name]
	if !ok {
		return nil, false
	}
	c := *v
	c.Versions = slices.Clone(v.Versions)
	return &c, true
}

// All returns every vendor with a fake, sorted by name (copies).
func All() []*Vendor {
	out := make([]*Vendor, 0, len(registry))
	for _, n := range Names() {
		v, _ := Lookup(n)
		out = append(out, v)
	}
	return out
}

// Start starts the fake of the vendor named name. An unknown name, or
// Enforce on a vendor without such a setting, is an error matching
// cloudkeys.ErrInvalidRequest; an address that cannot be listened on is
// the listener's error.
func Start(name string, opts Options) (*Fake, error) {
	v, ok := registry[name]
	if !ok {
		return nil, cloudkeys.InvalidInput("", "vendor", "no fake for vendor \""+name+"\"; known: "+strings.Join(Names(), ", "))
	}
	return v.Start(opts)
}

// Start starts the vendor's fake; see the function Start.
func (v *Vendor) Start(opts Options) (*Fake, error) {
	if opts.Enforce && !v.CanEnforce {
		return nil, cloudkeys.InvalidInput(v.Name, "Enforce", "the "+v.Name+" fake has no hardened mode")
	}
	if opts.Version == "" {
		opts.Version = v.DefaultVersion
	}
	f, err := v.start(opts)
	if err != nil {
		return nil, err
	}
	f.Vendor = v.Name
	return f, nil
}
