package e24

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/envcfg"
)

// Environment variables [NewFromEnv] reads (the names polynimbus and
// cloudfarmer use with e24cloud's PHP SDK for the key and secret).
const (
	// EnvAPIKey is the account's API key (required).
	EnvAPIKey = "E24_API_KEY"
	// EnvAPISecret is the API key's secret (required); it may instead be
	// read from the file named by E24_API_SECRET_FILE.
	EnvAPISecret = "E24_API_SECRET"
	// EnvRegion is the region whose endpoint [RegionEndpoint] gives when
	// EnvEndpoint is unset; default [DefaultRegion].
	EnvRegion = "E24_REGION"
	// EnvEndpoint is a full endpoint URL used instead of the region's
	// (e.g. a fake's).
	EnvEndpoint = "E24_ENDPOINT"
)

// NewFromEnv builds a client from environment variables read with getenv
// (os.Getenv): the credentials from E24_API_KEY and E24_API_SECRET (both
// required); the endpoint is endpoint if not "", else E24_ENDPOINT, else
// RegionEndpoint(E24_REGION) — https://eu-poland-1poznan.api.e24cloud.com
// when E24_REGION is unset too.
//
// The secret may instead be read from a file: E24_API_SECRET_FILE names it
// (Docker and Kubernetes secrets); one trailing newline is removed. Setting
// both E24_API_SECRET and E24_API_SECRET_FILE is an error, as is a file that
// cannot be read, is a directory, is empty or is larger than 64 KiB.
//
// A nil getenv, a missing variable or a bad file is an
// [*cloudkeys.InvalidInputError] (matching cloudkeys.ErrInvalidRequest)
// that names the variables and never contains a value.
func NewFromEnv(getenv func(string) string, endpoint string, opts ...cloudkeys.Option) (*Client, error) {
	env, err := envcfg.New(Vendor, getenv)
	if err != nil {
		return nil, err
	}
	key := env.Get(EnvAPIKey)
	if key == "" {
		return nil, env.Missing(EnvAPIKey, false)
	}
	secret, ok, err := env.Secret(EnvAPISecret)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, env.Missing(EnvAPISecret, true)
	}
	if endpoint == "" {
		endpoint = env.Get(EnvEndpoint)
	}
	if endpoint == "" {
		endpoint = RegionEndpoint(env.Get(EnvRegion))
	}
	return New(endpoint, APIKey(key, secret), opts...)
}
