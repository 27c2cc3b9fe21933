package onezone

import (
	"strings"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/envcfg"
)

// Environment variables [NewFromEnv] reads: the names Onedata's generated
// bash client, onezone-rest-cli, reads.
const (
	// EnvHost is the Onezone URL, e.g. https://zone.example.com (required
	// unless NewFromEnv is given an endpoint).
	EnvHost = "ONEZONE_HOST"
	// EnvAPIKey is an access token, sent as X-Auth-Token; it may instead be
	// read from the file named by ONEZONE_API_KEY_FILE.
	EnvAPIKey = "ONEZONE_API_KEY"
	// EnvBasicAuth is "user:password" for basic auth, where the zone allows
	// it; it may instead be read from the file named by
	// ONEZONE_BASIC_AUTH_FILE.
	EnvBasicAuth = "ONEZONE_BASIC_AUTH"
)

// NewFromEnv builds a client from environment variables read with getenv
// (os.Getenv). The endpoint is endpoint if not "", else ONEZONE_HOST
// (required; a URL with its scheme). The credentials are ONEZONE_API_KEY, an
// access token ([Token]), or else ONEZONE_BASIC_AUTH, "user:password"
// ([Basic]; split at the first colon).
//
// ONEZONE_API_KEY and ONEZONE_BASIC_AUTH may instead be read from files:
// ONEZONE_API_KEY_FILE and ONEZONE_BASIC_AUTH_FILE name them (Docker and
// Kubernetes secrets); one trailing newline is removed. Setting both VAR and
// VAR_FILE is an error, as is a file that cannot be read, is a directory, is
// empty or is larger than 64 KiB.
//
// A nil getenv, a missing variable, a ONEZONE_BASIC_AUTH without a colon
// or a bad file is an [*cloudkeys.InvalidInputError] (matching
// cloudkeys.ErrInvalidRequest) that names the variables and never contains
// a value.
func NewFromEnv(getenv func(string) string, endpoint string, opts ...cloudkeys.Option) (*Client, error) {
	env, err := envcfg.New(Vendor, getenv)
	if err != nil {
		return nil, err
	}
	if endpoint == "" {
		endpoint = env.Get(EnvHost)
	}
	if endpoint == "" {
		return nil, env.Missing(EnvHost, false)
	}
	token, ok, err := env.Secret(EnvAPIKey)
	if err != nil {
		return nil, err
	}
	var creds Credentials
	if ok {
		creds = Token(token)
	} else {
		basic, ok, err := env.Secret(EnvBasicAuth)
		switch {
		case err != nil:
			return nil, err
		case !ok:
			return nil, cloudkeys.InvalidInput(Vendor, EnvAPIKey,
				"set "+EnvAPIKey+" or "+EnvBasicAuth+" (environment variables not set, nor their "+envcfg.FileSuffix+" variants)")
		}
		user, pass, found := strings.Cut(basic, ":")
		if !found {
			return nil, cloudkeys.InvalidInput(Vendor, EnvBasicAuth, "want user:password")
		}
		creds = Basic(user, pass)
	}
	return New(endpoint, creds, opts...)
}
