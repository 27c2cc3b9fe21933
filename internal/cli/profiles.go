package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/fleet"
	"github.com/cloudkeys/cloudkeys/internal/profiles"
	"github.com/cloudkeys/cloudkeys/vendors"
)

// envProfilePrefix names the target of a vendor configured by its
// environment variables, where no profile is given: "env:zstack".
const envProfilePrefix = "env:"

// profileDoc is the help text on profiles, shared by the commands.
const profileDoc = `Profiles live in a YAML file: --config FILE, else $CLOUDKEYS_CONFIG, else
$XDG_CONFIG_HOME/cloudkeys/config.yaml (default ~/.config/cloudkeys/config.yaml):

  profiles:
    prod-cs:
      vendor: cloudstack
      endpoint: https://cs.example.com/client/api
      credentials:                        # the vendor's variables ('cloudkeys help <vendor>'),
        api_key: AKxxxxxxxx               # by name or as lower-case fields without the prefix:
        secret_key: {file: ~/.cs-secret}  #   a value, {env: VARIABLE} or {file: PATH}
      owners: [<user id>, <user id>]      # whose keys to cover (default: all the profile sees)
      rate: 20                            # calls per second (default: no limit)
    lab-cs:
      vendor: cloudstack
      cloudmonkey: ~/.cmk/config          # or {file: ~/.cmk/config, profile: NAME}

An inline secret is refused unless the file is private to its owner (chmod 600), as ssh
insists. A profile reads nothing else from the environment.`

// config loads the configuration file once per run.
func (st *state) config() (*profiles.Config, error) {
	if st.cfg != nil {
		return st.cfg, nil
	}
	path, explicit := profiles.Path(st.configPath, st.io.Getenv)
	cfg, err := profiles.Load(path, explicit, func(name string) ([]vendors.EnvVar, bool) {
		v, ok := registry[name]
		if !ok {
			return nil, false
		}
		return v.Env, true
	})
	if err != nil {
		return nil, cloudkeys.InvalidInput("", "--config", err.Error())
	}
	st.cfg = cfg
	return cfg, nil
}

// profile returns the profile called name.
func (st *state) profileNamed(name string) (*profiles.Profile, error) {
	cfg, err := st.config()
	if err != nil {
		return nil, err
	}
	p, err := cfg.Get(name)
	if err != nil {
		return nil, cloudkeys.InvalidInput("", "--profile", err.Error())
	}
	return p, nil
}

// connectProfile builds the profile's KeyManager through its vendor's
// NewFromEnv, with the profile's variables as the environment; endpoint
// ("" for the profile's) overrides.
func (st *state) connectProfile(ctx context.Context, p *profiles.Profile, endpoint string) (cloudkeys.KeyManager, error) {
	v, ok := registry[p.Vendor]
	if !ok {
		return nil, cloudkeys.InvalidInput("", "--profile", "profile "+p.Name+": unknown vendor "+p.Vendor)
	}
	get, err := p.Getenv(st.io.Getenv)
	if err != nil {
		return nil, cloudkeys.InvalidInput(p.Vendor, "--profile", err.Error())
	}
	if endpoint == "" {
		endpoint = p.Endpoint
	}
	return v.Connect(ctx, get, endpoint, st.clientOptions())
}

// connectVendor is how the vendor commands connect: through --profile
// (whose vendor must be v) or the vendor's environment variables.
func (st *state) connectVendor(ctx context.Context, v *Vendor) (cloudkeys.KeyManager, error) {
	if st.profile == "" {
		return v.Connect(ctx, st.io.Getenv, st.endpoint, st.clientOptions())
	}
	if strings.Contains(st.profile, ",") {
		return nil, usagef("cloudkeys " + v.Name + " takes one --profile")
	}
	p, err := st.profileNamed(st.profile)
	if err != nil {
		return nil, err
	}
	if p.Vendor != v.Name {
		return nil, usagef(fmt.Sprintf("profile %s is a %s profile, not %s (try 'cloudkeys %s ... --profile %s')", p.Name, p.Vendor, v.Name, p.Vendor, p.Name))
	}
	return st.connectProfile(ctx, p, st.endpoint)
}

// selection is how a fleet command picks its targets.
type selection struct {
	all   bool
	shard string
	rate  float64
}

func (s *selection) register(c *cobra.Command) {
	c.Flags().BoolVar(&s.all, "all-profiles", false, "every profile of the configuration file")
	c.Flags().StringVar(&s.shard, "shard", "", "only the profiles of shard i of n (\"2/3\"), split by a hash of the profile name,\n"+
		"so that n machines cover every profile once without coordination")
	c.Flags().Float64Var(&s.rate, "rate", 0, "calls per second per profile, overriding the profiles' rate (0: theirs, or no limit)")
}

// targets connects the selected profiles: --profile a,b, --all-profiles,
// or else every vendor configured by its environment variables (as
// "env:<vendor>"); then --shard.
func (st *state) targets(ctx context.Context, sel *selection) ([]fleet.Target, error) {
	var names []string
	switch {
	case sel.all && st.profile != "":
		return nil, usagef("give --profile or --all-profiles, not both")
	case sel.all:
		cfg, err := st.config()
		if err != nil {
			return nil, err
		}
		if len(cfg.Profiles) == 0 {
			return nil, usagef("--all-profiles: no profiles (give --config, set CLOUDKEYS_CONFIG, or create ~/.config/cloudkeys/config.yaml)")
		}
		for _, p := range cfg.Profiles {
			names = append(names, p.Name)
		}
	case st.profile != "":
		for _, n := range strings.Split(st.profile, ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
	}
	var out []fleet.Target
	if names == nil {
		for _, name := range vendorNames() {
			v := registry[name]
			if !configured(v, st.io.Getenv) {
				continue
			}
			km, err := v.Connect(ctx, st.io.Getenv, "", st.clientOptions())
			if err != nil {
				return nil, err
			}
			out = append(out, fleet.Target{Profile: envProfilePrefix + name, KM: km, Rate: sel.rate, Burst: 1})
		}
		if len(out) == 0 {
			return nil, usagef("no profile: give --profile NAME[,NAME...] or --all-profiles, or set a vendor's environment variables")
		}
	}
	for _, n := range names {
		p, err := st.profileNamed(n)
		if err != nil {
			return nil, err
		}
		km, err := st.connectProfile(ctx, p, "")
		if err != nil {
			return nil, err
		}
		t := fleet.Target{Profile: p.Name, KM: km, Owners: p.Owners, Rate: p.Rate, Burst: p.Burst}
		if sel.rate > 0 {
			t.Rate, t.Burst = sel.rate, max(p.Burst, 1)
		}
		out = append(out, t)
	}
	if sel.shard != "" {
		i, n, err := fleet.ParseShard(sel.shard)
		if err != nil {
			return nil, usagef("--shard: " + err.Error())
		}
		out = fleet.Shard(out, i, n)
	}
	return out, nil
}

// configured reports whether any of v's variables is set.
func configured(v *Vendor, getenv func(string) string) bool {
	for _, e := range v.Env {
		if getenv(e.Name) != "" || e.Secret && getenv(e.Name+vendors.FileSuffix) != "" {
			return true
		}
	}
	return false
}

// targetFor connects the profile (or environment) named by a journal
// record's profile.
func (st *state) targetFor(ctx context.Context, profile string) (fleet.Target, error) {
	if name, ok := strings.CutPrefix(profile, envProfilePrefix); ok {
		v, ok := registry[name]
		if !ok {
			return fleet.Target{}, fmt.Errorf("unknown vendor %s", name)
		}
		km, err := v.Connect(ctx, st.io.Getenv, "", st.clientOptions())
		return fleet.Target{Profile: profile, KM: km}, err
	}
	p, err := st.profileNamed(profile)
	if err != nil {
		return fleet.Target{}, err
	}
	km, err := st.connectProfile(ctx, p, "")
	return fleet.Target{Profile: profile, KM: km, Rate: p.Rate, Burst: p.Burst}, err
}

// profileJSON is the JSON schema of "profiles": never a secret.
type profileJSON struct {
	Name     string   `json:"name"`
	Vendor   string   `json:"vendor"`
	Endpoint string   `json:"endpoint"`
	Sources  []string `json:"credential_sources"`
	Owners   []string `json:"owners"`
	Rate     float64  `json:"rate"`
}

func profilesCmd(st *state) *cobra.Command {
	return &cobra.Command{
		Use:   "profiles",
		Short: "List the profiles of the configuration file (never a secret)",
		Long: "List the profiles: name, vendor, endpoint, where the credentials come from (inline, env, file,\n" +
			"cloudmonkey) and the owners covered. Secrets are never printed. Output: table or json (one\n" +
			"array).\n\n" + profileDoc + "\n\nExit codes: 0, or 2 when the file cannot be read or is invalid.",
		Args:        noArgs("profiles"),
		Annotations: map[string]string{annOutputs: "table,json"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := st.config()
			if err != nil {
				return &commandError{err}
			}
			var rows []profileJSON
			for _, p := range cfg.Profiles {
				rows = append(rows, profileJSON{Name: p.Name, Vendor: p.Vendor, Endpoint: p.Endpoint, Sources: p.SourceKinds(),
					Owners: append([]string{}, p.Owners...), Rate: p.Rate})
			}
			return writeProfiles(cmd.OutOrStdout(), st.output, cfg.Path, rows)
		},
	}
}

func writeProfiles(w io.Writer, format, path string, rows []profileJSON) error {
	if format == outJSON {
		if rows == nil {
			rows = []profileJSON{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tVENDOR\tENDPOINT\tCREDENTIALS\tOWNERS")
	for _, r := range rows {
		owners := "all"
		if len(r.Owners) > 0 {
			owners = strings.Join(r.Owners, ",")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, r.Vendor, dash(r.Endpoint), dash(strings.Join(r.Sources, ",")), owners)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rows) == 0 {
		if path == "" {
			path = "no configuration file"
		}
		_, err := fmt.Fprintf(w, "(no profiles: %s)\n", path)
		return err
	}
	return nil
}
