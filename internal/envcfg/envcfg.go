// Package envcfg reads a vendor's settings from environment variables for
// the NewFromEnv constructors of the vendor packages: plain values with the
// caller's getenv, and secrets either from a variable VAR or from the file
// named by VAR_FILE, as container tools (Docker secrets, Kubernetes secret
// volumes) provide them.
//
// Errors are *cloudkeys.InvalidInputError values (matching
// cloudkeys.ErrInvalidRequest) that name the variables and, for a file, its
// path; they never contain a value or a file's content.
package envcfg

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/cloudkeys/cloudkeys"
)

// FileSuffix turns a secret variable's name into the name of the variable
// holding the path of a file with its value: VAR → VAR_FILE.
const FileSuffix = "_FILE"

// MaxFileBytes is the largest secret file Secret reads (64 KiB).
const MaxFileBytes = 64 << 10

// Env reads one vendor's environment.
type Env struct {
	Vendor string              // for errors: "cloudstack", "e24", ...
	Getenv func(string) string // e.g. os.Getenv
}

// New returns an Env for vendor, or an error if getenv is nil.
func New(vendor string, getenv func(string) string) (Env, error) {
	if getenv == nil {
		return Env{}, cloudkeys.InvalidInput(vendor, "getenv", "nil function")
	}
	return Env{Vendor: vendor, Getenv: getenv}, nil
}

// Get returns the value of the plain variable name ("" when unset).
func (e Env) Get(name string) string { return e.Getenv(name) }

// Secret returns the value of the secret variable name: getenv(name), or
// else the content of the file whose path is getenv(name+"_FILE") with one
// trailing newline ("\n" or "\r\n") removed. set reports whether either
// variable is non-empty. It is an error to set both, and a file that cannot
// be read, is a directory, is empty or is larger than MaxFileBytes.
func (e Env) Secret(name string) (value string, set bool, err error) {
	v := e.Getenv(name)
	fileVar := name + FileSuffix
	path := e.Getenv(fileVar)
	switch {
	case v != "" && path != "":
		return "", true, cloudkeys.InvalidInput(e.Vendor, name, "both "+name+" and "+fileVar+" are set; set one")
	case v != "":
		return v, true, nil
	case path == "":
		return "", false, nil
	}
	b, err := readFile(path)
	if err != nil {
		return "", true, cloudkeys.InvalidInput(e.Vendor, fileVar, "file "+strconv.Quote(path)+": "+err.Error())
	}
	s := string(b)
	if t, ok := strings.CutSuffix(s, "\n"); ok {
		s = strings.TrimSuffix(t, "\r")
	}
	if s == "" {
		return "", true, cloudkeys.InvalidInput(e.Vendor, fileVar, "file "+strconv.Quote(path)+": empty")
	}
	return s, true, nil
}

// Missing is the error for a required variable that is not set; for a
// secret it names VAR_FILE too.
func (e Env) Missing(name string, secret bool) error {
	if secret {
		return cloudkeys.InvalidInput(e.Vendor, name, "environment variable not set (nor "+name+FileSuffix+")")
	}
	return cloudkeys.InvalidInput(e.Vendor, name, "environment variable not set")
}

// Secret is Env{Getenv: getenv}.Secret(name): errors name no vendor.
func Secret(getenv func(string) string, name string) (string, bool, error) {
	if getenv == nil {
		return "", false, cloudkeys.InvalidInput("", "getenv", "nil function")
	}
	return Env{Getenv: getenv}.Secret(name)
}

// errTooLarge and errDir describe a file Secret refuses.
var (
	errTooLarge = errors.New("larger than " + strconv.Itoa(MaxFileBytes>>10) + " KiB")
	errDir      = errors.New("is a directory")
)

// readFile reads at most MaxFileBytes from path. The returned error carries
// the reason only (not the path, not the content).
func readFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, reason(err)
	}
	if fi.IsDir() {
		return nil, errDir
	}
	if fi.Mode().IsRegular() && fi.Size() > MaxFileBytes {
		return nil, errTooLarge
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, reason(err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, reason(err)
	}
	if len(b) > MaxFileBytes {
		return nil, errTooLarge
	}
	return b, nil
}

// reason strips the operation and path from an *fs.PathError.
func reason(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
