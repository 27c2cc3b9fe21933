// Package profiles reads the cloudkeys configuration file: named profiles,
// each one account of one vendor (endpoint, credentials, owners to cover,
// a rate limit), for "--profile NAME" on every command and for the fleet
// commands (audit, rotate by policy, reconcile).
//
//	profiles:
//	  prod-cs:
//	    vendor: cloudstack
//	    endpoint: https://cs.example.com/client/api
//	    credentials:
//	      api_key: AKxxxxxxxx                    # inline (the file must be private: chmod 600)
//	      secret_key: {file: ~/.secrets/cs-prod} # from a file
//	    owners: [5b2c…, 7f1e…]                   # whose keys to cover (default: all the profile sees)
//	    rate: 20                                 # calls per second (default: no limit)
//	    burst: 5
//	  lab-zs:
//	    vendor: zstack
//	    credentials:
//	      endpoint: http://mn:8080
//	      account: admin
//	      password: {env: LAB_ZS_PASSWORD}       # from an environment variable
//	  lab-cs:
//	    vendor: cloudstack
//	    cloudmonkey: ~/.cmk/config               # or {file: ~/.cmk/config, profile: lab}
//
// A credential field is one of the vendor's environment variables ("cloudkeys
// help <vendor>"), written either as the variable's name (CLOUDSTACK_API_KEY)
// or in lower case without the vendor's prefix (api_key). A profile's
// credentials become a getenv function that the vendor's NewFromEnv reads,
// so profiles and the environment are read by one loader; the process's
// own environment is not consulted (a profile never mixes in the
// variables of another account), except through {env: NAME}.
package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cloudkeys/cloudkeys/vendors"
)

// EnvConfig is the environment variable naming the configuration file
// when --config is not given.
const EnvConfig = "CLOUDKEYS_CONFIG"

// Source kinds of a credential field.
const (
	Inline      = "inline"
	FromEnv     = "env"
	FromFile    = "file"
	CloudMonkey = "cloudmonkey"
)

// Source is where one credential field's value comes from.
type Source struct {
	Kind  string // Inline, FromEnv or FromFile
	Value string // the value, the variable's name, or the file's path
}

// UnmarshalYAML reads "value", {env: NAME} or {file: PATH}.
func (s *Source) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		s.Kind, s.Value = Inline, n.Value
		return nil
	case yaml.MappingNode:
		var m map[string]string
		if err := n.Decode(&m); err != nil {
			return err
		}
		if len(m) == 1 {
			for k, v := range m {
				if (k == FromEnv || k == FromFile) && v != "" {
					s.Kind, s.Value = k, v
					return nil
				}
			}
		}
	}
	return fmt.Errorf("line %d: a credential is a value, {env: NAME} or {file: PATH}", n.Line)
}

// CloudMonkeyRef points a CloudStack profile at a CloudMonkey (cmk)
// configuration file and one of its profiles.
type CloudMonkeyRef struct {
	File    string `yaml:"file"`
	Profile string `yaml:"profile"` // default: the file's current profile ([core] profile)
}

// UnmarshalYAML reads a path or {file: PATH, profile: NAME}.
func (c *CloudMonkeyRef) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		c.File = n.Value
		return nil
	}
	type plain CloudMonkeyRef
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	if p.File == "" {
		return fmt.Errorf("line %d: cloudmonkey needs a file", n.Line)
	}
	*c = CloudMonkeyRef(p)
	return nil
}

// Profile is one account.
type Profile struct {
	Name        string            `yaml:"-"`
	Vendor      string            `yaml:"vendor"`
	Endpoint    string            `yaml:"endpoint"`
	Credentials map[string]Source `yaml:"credentials"`
	CloudMonkey *CloudMonkeyRef   `yaml:"cloudmonkey"`
	Owners      []string          `yaml:"owners"`
	Rate        float64           `yaml:"rate"`
	Burst       int               `yaml:"burst"`

	vars     []vendors.EnvVar
	dir      string // the configuration file's directory, for relative paths
	config   string // the configuration file
	private  bool   // the configuration file is not open to group or others
	fileMode fs.FileMode
}

// Config is a configuration file's profiles.
type Config struct {
	Path     string     // "" when there is no file
	Profiles []*Profile // sorted by name
}

type file struct {
	Profiles map[string]*Profile `yaml:"profiles"`
}

// Path returns the configuration file to read: flag (--config) if set,
// else $CLOUDKEYS_CONFIG, else $XDG_CONFIG_HOME/cloudkeys/config.yaml,
// else ~/.config/cloudkeys/config.yaml. explicit reports whether it was
// named (a named file must exist; the default may not).
func Path(flag string, getenv func(string) string) (path string, explicit bool) {
	if flag != "" {
		return flag, true
	}
	if p := getenv(EnvConfig); p != "" {
		return p, true
	}
	if x := getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "cloudkeys", "config.yaml"), false
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	if home == "" {
		return "", false
	}
	return filepath.Join(home, ".config", "cloudkeys", "config.yaml"), false
}

// Load reads the configuration file at path. A file that does not exist
// is an empty configuration unless explicit. envOf returns a vendor's
// variables (false for an unknown vendor); every profile is checked
// against them: its vendor, its fields, and that an inline secret sits in
// a file only its owner can read (as ssh insists for keys).
func Load(path string, explicit bool, envOf func(vendor string) ([]vendors.EnvVar, bool)) (*Config, error) {
	if path == "" {
		return &Config{}, nil
	}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return &Config{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("config %s: is a directory", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var f file
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) { // io.EOF: an empty file
		return nil, fmt.Errorf("config %s: %v", path, err)
	}
	cfg := &Config{Path: path}
	for name, p := range f.Profiles {
		if p == nil {
			return nil, fmt.Errorf("config %s: profile %s is empty", path, name)
		}
		p.Name, p.dir, p.config = name, filepath.Dir(path), path
		p.fileMode = st.Mode().Perm()
		p.private = p.fileMode&0o077 == 0
		if err := p.check(envOf); err != nil {
			return nil, fmt.Errorf("config %s: profile %s: %w", path, name, err)
		}
		cfg.Profiles = append(cfg.Profiles, p)
	}
	slices.SortFunc(cfg.Profiles, func(a, b *Profile) int { return strings.Compare(a.Name, b.Name) })
	return cfg, nil
}

// Get returns the profile called name.
func (c *Config) Get(name string) (*Profile, error) {
	for _, p := range c.Profiles {
		if p.Name == name {
			return p, nil
		}
	}
	if c.Path == "" {
		return nil, fmt.Errorf("no profile %q: no configuration file (give --config, set %s, or create %s)", name, EnvConfig, "~/.config/cloudkeys/config.yaml")
	}
	names := make([]string, len(c.Profiles))
	for i, p := range c.Profiles {
		names[i] = p.Name
	}
	return nil, fmt.Errorf("no profile %q in %s (profiles: %s)", name, c.Path, strings.Join(names, ", "))
}

// check validates a profile against its vendor's variables.
func (p *Profile) check(envOf func(string) ([]vendors.EnvVar, bool)) error {
	if p.Name == "" || strings.ContainsAny(p.Name, ",: \t\n") {
		return errors.New("a profile name must not be empty nor hold commas, colons or spaces")
	}
	if p.Vendor == "" {
		return errors.New("no vendor")
	}
	vars, ok := envOf(p.Vendor)
	if !ok {
		return fmt.Errorf("unknown vendor %q", p.Vendor)
	}
	p.vars = vars
	if p.CloudMonkey != nil {
		if p.Vendor != "cloudstack" {
			return errors.New("cloudmonkey is for cloudstack profiles")
		}
		if len(p.Credentials) > 0 {
			return errors.New("give either cloudmonkey or credentials, not both")
		}
	}
	if p.Rate < 0 || p.Burst < 0 {
		return errors.New("rate and burst must not be negative")
	}
	for _, field := range slices.Sorted(maps.Keys(p.Credentials)) {
		src := p.Credentials[field]
		v, ok := p.lookup(field)
		if !ok {
			return fmt.Errorf("unknown credential %q for %s (one of %s)", field, p.Vendor, strings.Join(p.fieldNames(), ", "))
		}
		if src.Kind == Inline && v.Secret && !p.private {
			return fmt.Errorf("%s is inline, but the file is open to group or others (mode %04o): chmod 600 %s, or read it from a file ({file: PATH}) or the environment ({env: NAME})",
				field, p.fileMode, p.config)
		}
	}
	return nil
}

// FieldName is a variable's name as a profile field: lower case, without
// the vendor's prefix (CLOUDSTACK_API_KEY → api_key,
// HUAWEICLOUD_SDK_PROJECT_ID → project_id).
func FieldName(variable string) string {
	for _, prefix := range []string{"HUAWEICLOUD_SDK_", "HUAWEICLOUD_BCS_"} {
		if rest, ok := strings.CutPrefix(variable, prefix); ok {
			return strings.ToLower(rest)
		}
	}
	if _, rest, ok := strings.Cut(variable, "_"); ok {
		return strings.ToLower(rest)
	}
	return strings.ToLower(variable)
}

func (p *Profile) lookup(field string) (vendors.EnvVar, bool) {
	for _, v := range p.vars {
		if field == v.Name || field == FieldName(v.Name) {
			return v, true
		}
	}
	return vendors.EnvVar{}, false
}

func (p *Profile) fieldNames() []string {
	out := make([]string, len(p.vars))
	for i, v := range p.vars {
		out[i] = FieldName(v.Name)
	}
	return out
}

// SourceKinds returns the kinds of the profile's credential sources,
// sorted and without repeats ("cloudmonkey" for a CloudMonkey profile).
func (p *Profile) SourceKinds() []string {
	if p.CloudMonkey != nil {
		return []string{CloudMonkey}
	}
	var kinds []string
	for _, s := range p.Credentials {
		if !slices.Contains(kinds, s.Kind) {
			kinds = append(kinds, s.Kind)
		}
	}
	slices.Sort(kinds)
	return kinds
}

// Getenv returns the variables the profile defines, as the vendor's
// NewFromEnv reads them: inline values, variables of the process
// environment (getenv) for {env: NAME}, and for {file: PATH} the
// variable's _FILE form (a secret; NewFromEnv reads the file) or the
// file's content (another setting). Nothing else of the environment shows
// through.
func (p *Profile) Getenv(getenv func(string) string) (func(string) string, error) {
	env := map[string]string{}
	if p.CloudMonkey != nil {
		if err := p.cloudMonkeyEnv(env, getenv); err != nil {
			return nil, fmt.Errorf("profile %s: %w", p.Name, err)
		}
	}
	// In a fixed order, so that the first problem reported is the same on
	// every run.
	for _, field := range slices.Sorted(maps.Keys(p.Credentials)) {
		src := p.Credentials[field]
		v, _ := p.lookup(field)
		switch src.Kind {
		case Inline:
			env[v.Name] = src.Value
		case FromEnv:
			val := getenv(src.Value)
			if val == "" {
				return nil, fmt.Errorf("profile %s: %s: environment variable %s is not set", p.Name, field, src.Value)
			}
			env[v.Name] = val
		case FromFile:
			path := p.expand(src.Value, getenv)
			if v.Secret {
				env[v.FileName()] = path
				continue
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("profile %s: %s: %w", p.Name, field, err)
			}
			env[v.Name] = strings.TrimRight(string(b), "\r\n")
		}
	}
	return func(name string) string { return env[name] }, nil
}

// expand resolves ~ and paths relative to the configuration file.
func (p *Profile) expand(path string, getenv func(string) string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok || path == "~" {
		home := getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		return filepath.Join(home, rest)
	}
	if !filepath.IsAbs(path) && p.dir != "" {
		return filepath.Join(p.dir, path)
	}
	return path
}
