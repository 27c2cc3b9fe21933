package cloudstack

import (
	"strconv"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/envcfg"
)

// Environment variables [NewFromEnv] reads (the names the CloudStack
// Terraform provider uses for the first three).
const (
	// EnvAPIURL is the API URL, e.g. https://cs.example.com/client/api
	// (required unless NewFromEnv is given an endpoint).
	EnvAPIURL = "CLOUDSTACK_API_URL"
	// EnvAPIKey is the API key of signed requests (with EnvSecretKey).
	EnvAPIKey = "CLOUDSTACK_API_KEY"
	// EnvSecretKey is the secret key of signed requests; it may instead be
	// read from the file named by CLOUDSTACK_SECRET_KEY_FILE.
	EnvSecretKey = "CLOUDSTACK_SECRET_KEY"
	// EnvUsername is the user name of a session login (with EnvPassword).
	EnvUsername = "CLOUDSTACK_USERNAME"
	// EnvPassword is the password of a session login; it may instead be
	// read from the file named by CLOUDSTACK_PASSWORD_FILE.
	EnvPassword = "CLOUDSTACK_PASSWORD"
	// EnvDomain is the login domain path, default "/".
	EnvDomain = "CLOUDSTACK_DOMAIN"
	// EnvIntegrationPort, when "true" (strconv.ParseBool), selects
	// IntegrationPort credentials: the unauthenticated integration port.
	EnvIntegrationPort = "CLOUDSTACK_INTEGRATION_PORT"
)

// NewFromEnv builds a client from environment variables read with getenv
// (os.Getenv). The credentials are, in this order:
//
//   - CLOUDSTACK_API_KEY or CLOUDSTACK_SECRET_KEY set: [APIKey] with both
//     (both required then);
//   - CLOUDSTACK_USERNAME or CLOUDSTACK_PASSWORD set: [Login] with both
//     (both required then) and CLOUDSTACK_DOMAIN (default "/");
//   - CLOUDSTACK_INTEGRATION_PORT=true: [IntegrationPort].
//
// The endpoint is endpoint if not "", else CLOUDSTACK_API_URL (required).
//
// CLOUDSTACK_SECRET_KEY and CLOUDSTACK_PASSWORD may instead be read from
// files: CLOUDSTACK_SECRET_KEY_FILE and CLOUDSTACK_PASSWORD_FILE name them
// (Docker and Kubernetes secrets); one trailing newline is removed. Setting
// both VAR and VAR_FILE is an error, as is a file that cannot be read, is a
// directory, is empty or is larger than 64 KiB.
//
// A nil getenv, missing credentials or endpoint, or a bad file is an
// [*cloudkeys.InvalidInputError] (matching cloudkeys.ErrInvalidRequest)
// that names the variables and never contains a value.
func NewFromEnv(getenv func(string) string, endpoint string, opts ...cloudkeys.Option) (*Client, error) {
	env, err := envcfg.New(Vendor, getenv)
	if err != nil {
		return nil, err
	}
	creds, err := credsFromEnv(env)
	if err != nil {
		return nil, err
	}
	if endpoint == "" {
		endpoint = env.Get(EnvAPIURL)
	}
	if endpoint == "" {
		return nil, env.Missing(EnvAPIURL, false)
	}
	return New(endpoint, creds, opts...)
}

func credsFromEnv(env envcfg.Env) (Credentials, error) {
	apiKey := env.Get(EnvAPIKey)
	secret, secretSet, err := env.Secret(EnvSecretKey)
	if err != nil {
		return Credentials{}, err
	}
	if apiKey != "" || secretSet {
		switch {
		case apiKey == "":
			return Credentials{}, env.Missing(EnvAPIKey, false)
		case !secretSet:
			return Credentials{}, env.Missing(EnvSecretKey, true)
		}
		return APIKey(apiKey, secret), nil
	}
	user := env.Get(EnvUsername)
	password, passwordSet, err := env.Secret(EnvPassword)
	if err != nil {
		return Credentials{}, err
	}
	if user != "" || passwordSet {
		switch {
		case user == "":
			return Credentials{}, env.Missing(EnvUsername, false)
		case !passwordSet:
			return Credentials{}, env.Missing(EnvPassword, true)
		}
		return Login(user, password, env.Get(EnvDomain)), nil
	}
	if integration, _ := strconv.ParseBool(env.Get(EnvIntegrationPort)); integration {
		return IntegrationPort(), nil
	}
	return Credentials{}, cloudkeys.InvalidInput(Vendor, "environment",
		"set "+EnvAPIKey+" and "+EnvSecretKey+", or "+EnvUsername+" and "+EnvPassword+", or "+EnvIntegrationPort+"=true (environment variables not set)")
}
