// Package vendors is the registry of the cloudkeys vendor packages: the
// one place that lists them, documents the environment variables each one
// reads, and builds a [cloudkeys.KeyManager] for a vendor by name from the
// environment.
//
//	km, err := vendors.FromEnv("zstack", os.Getenv, "")
//
// Each vendor's FromEnv is its package's NewFromEnv (e.g.
// [zstack.NewFromEnv]); this package documents the same variables, and a
// test keeps the two in step. Every variable marked Secret may instead be
// read from a file: VAR_FILE=/path reads VAR's value from /path (Docker and
// Kubernetes secrets), with one trailing newline removed; setting both VAR
// and VAR_FILE is an error.
//
// The package imports the vendor packages but none of their fakes
// (<vendor>test), so a program that imports it carries no fake server.
package vendors

import (
	"maps"
	"slices"
	"strings"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/e24"
	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/zstack"
)

// FileSuffix is appended to a secret variable's name to name the variable
// that holds the path of a file with its value: E24_API_SECRET →
// E24_API_SECRET_FILE.
const FileSuffix = "_FILE"

// FileNote explains the FileSuffix rule in one sentence, for help texts.
const FileNote = "Each secret variable VAR may instead be read from a file: set VAR_FILE to its path (one trailing newline is removed; setting both is an error)."

// EnvVar documents one environment variable a vendor reads.
type EnvVar struct {
	Name   string // e.g. "E24_API_KEY"
	Doc    string // one line: what it holds, whether it is required, its default
	Secret bool   // a credential: never printed; may be read from the file named by Name+FileSuffix
}

// FileName returns the name of the variable that may name a file holding
// the value (Name+"_FILE") for a secret variable, and "" for another.
func (e EnvVar) FileName() string {
	if !e.Secret {
		return ""
	}
	return e.Name + FileSuffix
}

// Vendor describes one vendor package.
type Vendor struct {
	Name    string   // the package name and KeyManager.Vendor(): "cloudstack", "e24", ...
	Summary string   // what its keys are, in a sentence or two
	Env     []EnvVar // every variable FromEnv reads (secrets' _FILE variants implied)
	// Notes are further lines for a help text (e.g. which variables go
	// together, and what the CLI's commands need on this vendor).
	Notes string
	// FromEnv is the vendor package's NewFromEnv: a client from the
	// variables in Env read with getenv; endpoint, when not "", overrides
	// the endpoint variable.
	FromEnv func(getenv func(string) string, endpoint string, opts ...cloudkeys.Option) (cloudkeys.KeyManager, error)
}

// Configured reports whether getenv has any of v's variables set (a
// secret's _FILE variant included): a program that falls back to a fake or
// a default when nothing is configured should use the environment only
// when this is true, so that it never mixes the two. A nil getenv has
// nothing set.
func (v *Vendor) Configured(getenv func(string) string) bool {
	if getenv == nil {
		return false
	}
	for _, e := range v.Env {
		if getenv(e.Name) != "" || e.Secret && getenv(e.FileName()) != "" {
			return true
		}
	}
	return false
}

// clone returns a copy that shares nothing mutable with v.
func (v *Vendor) clone() *Vendor {
	c := *v
	c.Env = slices.Clone(v.Env)
	return &c
}

// registry holds the vendors by name; it is never modified after init.
var registry = map[string]*Vendor{}

func register(v *Vendor) { registry[v.Name] = v }

// Names returns the vendors' names, sorted.
func Names() []string {
	return slices.Sorted(maps.Keys(registry))
}

// Lookup returns the vendor named name (a copy: changing it changes
// nothing here), or false.
func Lookup(name string) (*Vendor, bool) {
	v, ok := registry[name]
	if !ok {
		return nil, false
	}
	return v.clone(), true
}

// All returns every vendor, sorted by name (copies, like Lookup).
func All() []*Vendor {
	all := make([]*Vendor, 0, len(registry))
	for _, n := range Names() {
		all = append(all, registry[n].clone())
	}
	return all
}

// FromEnv builds a KeyManager for the vendor named name from the
// environment, as that vendor's NewFromEnv does. An unknown name is an
// error matching cloudkeys.ErrInvalidRequest that lists the known ones.
func FromEnv(name string, getenv func(string) string, endpoint string, opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
	v, ok := registry[name]
	if !ok {
		return nil, cloudkeys.InvalidInput("", "vendor", "unknown vendor "+quote(name)+"; known: "+strings.Join(Names(), ", "))
	}
	return v.FromEnv(getenv, endpoint, opts...)
}

// quote quotes a vendor name for an error, cut short if long.
func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return "\"" + strings.ReplaceAll(s, "\"", "\\\"") + "\""
}

// km turns a vendor constructor's (*Client, error) into (KeyManager,
// error) without a typed nil.
func km[C cloudkeys.KeyManager](c C, err error) (cloudkeys.KeyManager, error) {
	if err != nil {
		return nil, err
	}
	return c, nil
}

func init() {
	register(&Vendor{
		Name: "cloudstack",
		Summary: "Apache CloudStack user API keys. Up to 4.22 a user holds one pair (ID = apikey; create refuses\n" +
			"when the user has one, rotate regenerates it in place); from 4.23 many pairs (ID = key-pair id).",
		Env: []EnvVar{
			{cloudstack.EnvAPIURL, "API URL, e.g. https://cs.example.com/client/api (required; --endpoint overrides it)", false},
			{cloudstack.EnvAPIKey, "API key, for signed requests (with " + cloudstack.EnvSecretKey + ")", false},
			{cloudstack.EnvSecretKey, "secret key", true},
			{cloudstack.EnvUsername, "or a session login: user name (with the next two)", false},
			{cloudstack.EnvPassword, "password", true},
			{cloudstack.EnvDomain, "login domain path, default /", false},
			{cloudstack.EnvIntegrationPort, "or \"true\": the unauthenticated integration port (GET, no signature)", false},
		},
		Notes: "create and list take --owner <user id>; without it, create makes keys for the caller.",
		FromEnv: func(getenv func(string) string, endpoint string, opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
			return km(cloudstack.NewFromEnv(getenv, endpoint, opts...))
		},
	})
	register(&Vendor{
		Name:    "e24",
		Summary: "e24cloud API v2: the account's REST/EC2 API keys (ID = api_key).",
		Env: []EnvVar{
			{e24.EnvAPIKey, "API key of the account (required)", false},
			{e24.EnvAPISecret, "its secret (required)", true},
			{e24.EnvRegion, "region, default " + e24.DefaultRegion + " (endpoint https://<region>.api.e24cloud.com)", false},
			{e24.EnvEndpoint, "full endpoint URL instead of the region's (e.g. a fake); --endpoint overrides both", false},
		},
		FromEnv: func(getenv func(string) string, endpoint string, opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
			return km(e24.NewFromEnv(getenv, endpoint, opts...))
		},
	})
	register(&Vendor{
		Name:    "huaweibcs",
		Summary: "Huawei Cloud NES / BCS node API keys (ID = credential id; the secret is returned once, at create).",
		Env: []EnvVar{
			{huaweibcs.EnvEndpoint, "endpoint, default " + huaweibcs.DefaultEndpoint + "; --endpoint overrides it", false},
			{huaweibcs.EnvProjectID, "project id, 32 characters (required)", false},
			{huaweibcs.EnvAK, "access key, for AK/SK signing (with " + huaweibcs.EnvSK + ")", false},
			{huaweibcs.EnvSK, "secret key", true},
			{huaweibcs.EnvSecurityToken, "security token of a temporary AK/SK (optional)", true},
			{huaweibcs.EnvToken, "or an IAM token (X-Auth-Token)", true},
			{huaweibcs.EnvIAMEndpoint, "or a password login at this IAM endpoint, with the next three", false},
			{huaweibcs.EnvDomain, "account (domain) name", false},
			{huaweibcs.EnvUser, "IAM user name", false},
			{huaweibcs.EnvPassword, "IAM user password", true},
		},
		Notes: "Credentials are taken in this order: AK/SK, token, password login.",
		FromEnv: func(getenv func(string) string, endpoint string, opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
			return km(huaweibcs.NewFromEnv(getenv, endpoint, opts...))
		},
	})
	register(&Vendor{
		Name:    "onezone",
		Summary: "Onedata Onezone named access tokens (ID = tokenId; the token string is the secret).",
		Env: []EnvVar{
			{onezone.EnvHost, "Onezone URL, e.g. https://zone.example.com (required; --endpoint overrides it)", false},
			{onezone.EnvAPIKey, "an access token, sent as X-Auth-Token", true},
			{onezone.EnvBasicAuth, "or user:password for basic auth, where the zone allows it", true},
		},
		Notes: "create needs --name (unique per owner); --owner <user id> creates for another user, --expires adds a time caveat.\n" +
			"disable/enable set the token's revoked flag.",
		FromEnv: func(getenv func(string) string, endpoint string, opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
			return km(onezone.NewFromEnv(getenv, endpoint, opts...))
		},
	})
	register(&Vendor{
		Name:    "zstack",
		Summary: "ZStack AccessKeys (ID = uuid, access key = AccessKeyID); creates are exactly-once.",
		Env: []EnvVar{
			{zstack.EnvEndpoint, "management node, e.g. http://mn:8080 (required; --endpoint overrides it)", false},
			{zstack.EnvAccount, "account name, for a session login (with " + zstack.EnvPassword + ")", false},
			{zstack.EnvUser, "IAM user name within " + zstack.EnvAccount + " (optional: log in as that user)", false},
			{zstack.EnvPassword, "password of the account or user", true},
			{zstack.EnvAccessKeyID, "or an AccessKey id, for signed requests (with " + zstack.EnvAccessKeySecret + ")", false},
			{zstack.EnvAccessKeySecret, "its secret", true},
			{zstack.EnvTimezone, "the server's time zone, e.g. Asia/Shanghai (default: this machine's); AccessKey dates must match it", false},
		},
		Notes: "Give either " + zstack.EnvAccount + " and " + zstack.EnvPassword + ", or " + zstack.EnvAccessKeyID + " and " + zstack.EnvAccessKeySecret + ".\n" +
			"create needs --owner <account uuid>, or creates for the logged-in account.",
		FromEnv: func(getenv func(string) string, endpoint string, opts ...cloudkeys.Option) (cloudkeys.KeyManager, error) {
			return km(zstack.NewFromEnv(getenv, endpoint, opts...))
		},
	})
}
