package huaweibcs

import (
	"github.com/cloudkeys/cloudkeys"
)

// Environment variables NewFromEnv reads (the names of Huawei's SDKs where
// they exist).
const (
	EnvEndpoint      = "HUAWEICLOUD_BCS_ENDPOINT"       // default DefaultEndpoint
	EnvProjectID     = "HUAWEICLOUD_SDK_PROJECT_ID"     // required
	EnvAK            = "HUAWEICLOUD_SDK_AK"             // AK/SK signing, with EnvSK
	EnvSK            = "HUAWEICLOUD_SDK_SK"             //
	EnvSecurityToken = "HUAWEICLOUD_SDK_SECURITY_TOKEN" // optional, temporary AK/SK
	EnvToken         = "HUAWEICLOUD_SDK_TOKEN"          // or an IAM user token
	EnvIAMEndpoint   = "HUAWEICLOUD_SDK_IAM_ENDPOINT"   // or a password login, with the next three
	EnvDomain        = "HUAWEICLOUD_SDK_DOMAIN"         // account (domain) name
	EnvUser          = "HUAWEICLOUD_SDK_USER"           // IAM user name
	EnvPassword      = "HUAWEICLOUD_SDK_PASSWORD"       //
)

// NewFromEnv builds a client from environment variables read with getenv
// (os.Getenv): the project id from HUAWEICLOUD_SDK_PROJECT_ID; the
// credentials from HUAWEICLOUD_SDK_AK and _SK (plus _SECURITY_TOKEN for
// temporary keys), else HUAWEICLOUD_SDK_TOKEN, else
// HUAWEICLOUD_SDK_IAM_ENDPOINT, _DOMAIN, _USER and _PASSWORD. endpoint, when
// not "", overrides HUAWEICLOUD_BCS_ENDPOINT; both unset means
// DefaultEndpoint. With no credentials set it returns an error matching
// cloudkeys.ErrInvalidRequest.
func NewFromEnv(getenv func(string) string, endpoint string, opts ...cloudkeys.Option) (*Client, error) {
	if getenv == nil {
		return nil, cloudkeys.InvalidInput(Vendor, "getenv", "nil function")
	}
	if endpoint == "" {
		endpoint = getenv(EnvEndpoint)
	}
	var creds Credentials
	switch {
	case getenv(EnvAK) != "" || getenv(EnvSK) != "":
		if st := getenv(EnvSecurityToken); st != "" {
			creds = TemporaryAKSK(getenv(EnvAK), getenv(EnvSK), st)
		} else {
			creds = AKSK(getenv(EnvAK), getenv(EnvSK))
		}
	case getenv(EnvToken) != "":
		creds = Token(getenv(EnvToken))
	case getenv(EnvPassword) != "" || getenv(EnvUser) != "":
		creds = Password(getenv(EnvIAMEndpoint), getenv(EnvDomain), getenv(EnvUser), getenv(EnvPassword))
	default:
		return nil, cloudkeys.InvalidInput(Vendor, "environment",
			"set "+EnvAK+" and "+EnvSK+", or "+EnvToken+", or "+EnvIAMEndpoint+", "+EnvDomain+", "+EnvUser+" and "+EnvPassword)
	}
	return New(endpoint, getenv(EnvProjectID), creds, opts...)
}
