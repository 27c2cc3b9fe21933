package cloudstack

import (
	"strconv"

	"github.com/cloudkeys/cloudkeys"
)

// Environment variables NewFromEnv reads (the names the CloudStack Terraform
// provider uses for the first three).
const (
	EnvAPIURL          = "CLOUDSTACK_API_URL"          // e.g. https://cs.example.com/client/api
	EnvAPIKey          = "CLOUDSTACK_API_KEY"          // with EnvSecretKey: APIKey credentials
	EnvSecretKey       = "CLOUDSTACK_SECRET_KEY"       //
	EnvUsername        = "CLOUDSTACK_USERNAME"         // with EnvPassword: Login credentials
	EnvPassword        = "CLOUDSTACK_PASSWORD"         //
	EnvDomain          = "CLOUDSTACK_DOMAIN"           // login domain path, default "/"
	EnvIntegrationPort = "CLOUDSTACK_INTEGRATION_PORT" // "true": IntegrationPort credentials
)

// NewFromEnv builds a client from environment variables read with getenv
// (os.Getenv): the endpoint from CLOUDSTACK_API_URL unless endpoint is not
// ""; the credentials from CLOUDSTACK_API_KEY and CLOUDSTACK_SECRET_KEY,
// else CLOUDSTACK_USERNAME, CLOUDSTACK_PASSWORD and CLOUDSTACK_DOMAIN, else
// CLOUDSTACK_INTEGRATION_PORT=true. With none set it returns an error
// matching cloudkeys.ErrInvalidRequest.
func NewFromEnv(getenv func(string) string, endpoint string, opts ...cloudkeys.Option) (*Client, error) {
	if getenv == nil {
		return nil, cloudkeys.InvalidInput(vendor, "getenv", "nil function")
	}
	if endpoint == "" {
		endpoint = getenv(EnvAPIURL)
	}
	var creds Credentials
	integration, _ := strconv.ParseBool(getenv(EnvIntegrationPort))
	switch {
	case getenv(EnvAPIKey) != "" || getenv(EnvSecretKey) != "":
		creds = APIKey(getenv(EnvAPIKey), getenv(EnvSecretKey))
	case getenv(EnvUsername) != "" || getenv(EnvPassword) != "":
		creds = Login(getenv(EnvUsername), getenv(EnvPassword), getenv(EnvDomain))
	case integration:
		creds = IntegrationPort()
	default:
		return nil, cloudkeys.InvalidInput(vendor, "environment",
			"set "+EnvAPIKey+" and "+EnvSecretKey+", or "+EnvUsername+" and "+EnvPassword+", or "+EnvIntegrationPort+"=true")
	}
	return New(endpoint, creds, opts...)
}
