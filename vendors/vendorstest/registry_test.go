package vendorstest_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/internal/cli"
	"github.com/cloudkeys/cloudkeys/vendors"
	"github.com/cloudkeys/cloudkeys/vendors/vendorstest"
)

// moduleRoot is the repository's root, from this package's directory.
const moduleRoot = "../.."

// vendorPackage is what the scan finds in one top-level directory.
type vendorPackage struct {
	name                      string
	client, newFunc, fromEnv  bool // type Client, func New, func NewFromEnv
	keyManagerAssertion, fake bool // var _ cloudkeys.KeyManager = (*Client)(nil); a <name>test directory
}

// scanVendors finds the vendor packages: every top-level directory whose
// package declares a Client type and a New function, or that has a
// <name>test subdirectory declaring a fake (func NewServer).
func scanVendors(t *testing.T) []vendorPackage {
	entries, err := os.ReadDir(moduleRoot)
	require.NoError(t, err)
	var out []vendorPackage
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" {
			continue
		}
		vp := vendorPackage{name: name}
		fset := token.NewFileSet()
		vp.fake = declaresServer(t, fset, filepath.Join(moduleRoot, name, name+"test"))
		files, _ := filepath.Glob(filepath.Join(moduleRoot, name, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			require.NoError(t, err)
			af, err := parser.ParseFile(fset, f, src, parser.SkipObjectResolution)
			require.NoError(t, err)
			if af.Name.Name != name {
				continue
			}
			for _, d := range af.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil && d.Name.Name == "New" {
						vp.newFunc = true
					}
					if d.Recv == nil && d.Name.Name == "NewFromEnv" {
						vp.fromEnv = true
					}
				case *ast.GenDecl:
					for _, sp := range d.Specs {
						if ts, ok := sp.(*ast.TypeSpec); ok && ts.Name.Name == "Client" {
							vp.client = true
						}
					}
				}
			}
			if regexp.MustCompile(`_\s+cloudkeys\.KeyManager\s*=\s*\(\*Client\)\(nil\)`).Match(src) {
				vp.keyManagerAssertion = true
			}
		}
		if vp.client && vp.newFunc || vp.fake {
			out = append(out, vp)
		}
	}
	return out
}

// declaresServer reports whether the package in dir declares func
// NewServer (a vendor fake).
func declaresServer(t *testing.T, fset *token.FileSet, dir string) bool {
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, d := range af.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "NewServer" {
				return true
			}
		}
	}
	return false
}

// section returns the lines of README.md's section titled title.
func section(t *testing.T, readme, title string) string {
	i := strings.Index(readme, "\n## "+title+"\n")
	require.True(t, i >= 0, "README.md has no section %q", title)
	s := readme[i+1:]
	if j := strings.Index(s[3:], "\n## "); j >= 0 {
		s = s[:j+3]
	}
	return s
}

// TestEveryVendorIsRegistered fails when a vendor package exists without
// one of its registrations (CONTRIBUTING.md, "Adding a vendor", lists them):
//
//   - the package: type Client, New, NewFromEnv, the compile-time
//     assertion that *Client implements cloudkeys.KeyManager, a doc.go and
//     a runnable example with an Output line, and its fake <name>/<name>test
//     with the generated cloudkeystest.Fake methods (fake_gen.go);
//   - package vendors (the library's registry) and vendorstest (the fakes');
//   - the CLI (internal/cli/vendor_<name>.go);
//   - examples/<name>;
//   - README.md: the capabilities table and the environment table;
//   - the lists of vendors in the cloudkeys package doc (doc.go) and in
//     KeyManager.Vendor's comment (keymanager.go).
//
// The suites' own tables are checked where they live, by tests that fail
// the same way: reliability (TestEveryVendorIsInTheSuites: the adapter
// table, the API fuzz suites, the bad-input methods), bench
// (TestEveryVendorIsBenchmarked), internal/vectors
// (TestEverySigningVendorHasVectors), internal/fakeserver
// (TestEveryVendorFakeIsTested) and internal/cli (TestEveryVendorIsACommand).
func TestEveryVendorIsRegistered(t *testing.T) {
	found := scanVendors(t)
	var names []string
	for _, vp := range found {
		names = append(names, vp.name)
	}
	require.NotEmpty(t, names, "the scan found no vendor package under %s", moduleRoot)
	assert.Equal(t, names, vendors.Names(), "package vendors (vendors/vendors.go) must register exactly the vendor packages")
	assert.Equal(t, names, vendorstest.Names(), "package vendorstest (vendors/vendorstest/fakes.go) must register a fake for every vendor package")
	assert.Equal(t, names, cli.VendorNames(), "internal/cli needs vendor_<name>.go calling registerVendor for every vendor")

	readme, err := os.ReadFile(filepath.Join(moduleRoot, "README.md"))
	require.NoError(t, err)
	capsTable := section(t, string(readme), "Vendors and capabilities")
	envTable := section(t, string(readme), "Configuration from the environment")
	rootDoc, err := os.ReadFile(filepath.Join(moduleRoot, "doc.go"))
	require.NoError(t, err)
	km, err := os.ReadFile(filepath.Join(moduleRoot, "keymanager.go"))
	require.NoError(t, err)
	vendorComment := regexp.MustCompile(`// Vendor names the vendor: ([^\n]*)`).FindSubmatch(km)
	require.NotNil(t, vendorComment, "keymanager.go: KeyManager.Vendor's comment")
	pkgList := regexp.MustCompile(`(?s)Each vendor lives in its own package \(([^)]*)\)`).FindSubmatch(rootDoc)
	require.NotNil(t, pkgList, "doc.go: the list of vendor packages")

	for _, vp := range found {
		n := vp.name
		t.Run(n, func(t *testing.T) {
			dir := filepath.Join(moduleRoot, n)
			assert.True(t, vp.client, "%s: no type Client", n)
			assert.True(t, vp.newFunc, "%s: no func New", n)
			assert.True(t, vp.fromEnv, "%s: no func NewFromEnv (the vendor's environment variables)", n)
			assert.True(t, vp.keyManagerAssertion, "%s: no `var _ cloudkeys.KeyManager = (*Client)(nil)`", n)
			assert.FileExists(t, filepath.Join(dir, "doc.go"), "%s: doc.go (the package doc)", n)
			assert.True(t, hasOutputExample(t, dir), "%s: no runnable Example with an // Output: line", n)
			assert.True(t, vp.fake, "%s: no fake (%s/%stest with NewServer)", n, n, n)
			assert.FileExists(t, filepath.Join(dir, n+"test", "fake_gen.go"),
				"%s/%stest: run `go generate ./%s/%stest` (doc.go: //go:generate go run ../../internal/fakeserver/genfake)", n, n, n, n)
			assert.DirExists(t, filepath.Join(moduleRoot, "examples", n), "examples/%s: a runnable program (real endpoint from env, else the fake)", n)
			assert.Regexp(t, "(?m)^\\|[^\\n]*\\| `"+regexp.QuoteMeta(n)+"` \\|", capsTable, "README.md: the capabilities table lacks a row for `%s`", n)
			assert.Regexp(t, "(?m)^\\| `"+regexp.QuoteMeta(n)+"` \\|", envTable, "README.md: the environment table lacks a row for `%s`", n)
			assert.Contains(t, string(vendorComment[1]), `"`+n+`"`, "keymanager.go: KeyManager.Vendor's comment lacks %q", n)
			assert.True(t, slices.Contains(strings.FieldsFunc(string(pkgList[1]), func(r rune) bool {
				return r == ',' || r == ' ' || r == '\n' || r == '/'
			}), n), "doc.go: the package doc's list of vendor packages lacks %s", n)
		})
	}
}

// hasOutputExample reports whether a test file in dir has an Example
// function with an "// Output:" line.
func hasOutputExample(t *testing.T, dir string) bool {
	files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
	for _, f := range files {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		if regexp.MustCompile(`(?m)^func Example`).Match(src) && strings.Contains(string(src), "// Output:") {
			return true
		}
	}
	return false
}
