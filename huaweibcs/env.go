package huaweibcs

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/envcfg"
)

// Environment variables [NewFromEnv] reads.
//
// Where a setting has a name in Huawei's own Go SDK, it is that name:
// huaweicloud-sdk-go-v3 (v0.1.207) reads HUAWEICLOUD_SDK_AK, _SK,
// _PROJECT_ID and _SECURITY_TOKEN in core/auth/provider/env_provider.go
// (its EnvCredentialProvider) and HUAWEICLOUD_SDK_IAM_ENDPOINT in
// core/auth/internal/iam_helper.go, so no fallback names are needed for
// them. The SDK's other variables are not read: HUAWEICLOUD_SDK_DOMAIN_ID is
// an account id where a password login here needs the account name
// (EnvDomain); HUAWEICLOUD_SDK_IDP_ID and _ID_TOKEN_FILE are federated
// (OIDC) credentials, HUAWEICLOUD_SDK_CREDENTIALS_FILE an INI profile
// (core/auth/provider/profile_provider.go), and the SDK's endpoints come
// from per-region variables HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>
// (core/region/env_region.go) where this package takes one endpoint,
// EnvEndpoint. EnvToken, EnvDomain, EnvUser and EnvPassword are cloudkeys'
// own names, in the SDK's style.
const (
	// EnvEndpoint is the NES/BCS endpoint; default DefaultEndpoint.
	EnvEndpoint = "HUAWEICLOUD_BCS_ENDPOINT"
	// EnvProjectID is the 32-character project id (required).
	EnvProjectID = "HUAWEICLOUD_SDK_PROJECT_ID"
	// EnvAK is the access key of AK/SK signing (with EnvSK).
	EnvAK = "HUAWEICLOUD_SDK_AK"
	// EnvSK is the secret key of AK/SK signing; it may instead be read from
	// the file named by HUAWEICLOUD_SDK_SK_FILE.
	EnvSK = "HUAWEICLOUD_SDK_SK"
	// EnvSecurityToken is the security token of a temporary AK/SK
	// (optional); it may instead be read from the file named by
	// HUAWEICLOUD_SDK_SECURITY_TOKEN_FILE.
	EnvSecurityToken = "HUAWEICLOUD_SDK_SECURITY_TOKEN"
	// EnvToken is an IAM user token (X-Auth-Token), used when no AK/SK is
	// set; it may instead be read from the file named by
	// HUAWEICLOUD_SDK_TOKEN_FILE.
	EnvToken = "HUAWEICLOUD_SDK_TOKEN"
	// EnvIAMEndpoint is the IAM endpoint of a password login (with
	// EnvDomain, EnvUser and EnvPassword), e.g.
	// https://iam.ap-southeast-3.myhuaweicloud.com.
	EnvIAMEndpoint = "HUAWEICLOUD_SDK_IAM_ENDPOINT"
	// EnvDomain is the account (domain) name of a password login.
	EnvDomain = "HUAWEICLOUD_SDK_DOMAIN"
	// EnvUser is the IAM user name of a password login.
	EnvUser = "HUAWEICLOUD_SDK_USER"
	// EnvPassword is the IAM user's password; it may instead be read from
	// the file named by HUAWEICLOUD_SDK_PASSWORD_FILE.
	EnvPassword = "HUAWEICLOUD_SDK_PASSWORD"
)

// NewFromEnv builds a client from environment variables read with getenv
// (os.Getenv): the project id from HUAWEICLOUD_SDK_PROJECT_ID (required);
// the endpoint is endpoint if not "", else HUAWEICLOUD_BCS_ENDPOINT, else
// DefaultEndpoint. The credentials are, in this order:
//
//   - HUAWEICLOUD_SDK_AK or HUAWEICLOUD_SDK_SK set: [AKSK] with both (both
//     required then), or [TemporaryAKSK] when HUAWEICLOUD_SDK_SECURITY_TOKEN
//     is set too;
//   - HUAWEICLOUD_SDK_TOKEN set: [Token];
//   - HUAWEICLOUD_SDK_USER or HUAWEICLOUD_SDK_PASSWORD set: [Password] with
//     HUAWEICLOUD_SDK_IAM_ENDPOINT, HUAWEICLOUD_SDK_DOMAIN,
//     HUAWEICLOUD_SDK_USER and HUAWEICLOUD_SDK_PASSWORD (all required then).
//
// The AK, SK, project id, security token and IAM endpoint variables are the
// ones Huawei's Go SDK reads (see the constants).
//
// HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN, HUAWEICLOUD_SDK_TOKEN
// and HUAWEICLOUD_SDK_PASSWORD may instead be read from files: the same name
// with _FILE appended names the file (Docker and Kubernetes secrets); one
// trailing newline is removed. Setting both VAR and VAR_FILE is an error, as
// is a file that cannot be read, is a directory, is empty or is larger than
// 64 KiB.
//
// A nil getenv, missing credentials or project id, or a bad file is an
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
	projectID := env.Get(EnvProjectID)
	if projectID == "" {
		return nil, env.Missing(EnvProjectID, false)
	}
	if endpoint == "" {
		endpoint = env.Get(EnvEndpoint) // "": New uses DefaultEndpoint
	}
	return New(endpoint, projectID, creds, opts...)
}

func credsFromEnv(env envcfg.Env) (Credentials, error) {
	ak := env.Get(EnvAK)
	sk, skSet, err := env.Secret(EnvSK)
	if err != nil {
		return Credentials{}, err
	}
	if ak != "" || skSet {
		switch {
		case ak == "":
			return Credentials{}, env.Missing(EnvAK, false)
		case !skSet:
			return Credentials{}, env.Missing(EnvSK, true)
		}
		st, stSet, err := env.Secret(EnvSecurityToken)
		switch {
		case err != nil:
			return Credentials{}, err
		case stSet:
			return TemporaryAKSK(ak, sk, st), nil
		}
		return AKSK(ak, sk), nil
	}
	token, tokenSet, err := env.Secret(EnvToken)
	switch {
	case err != nil:
		return Credentials{}, err
	case tokenSet:
		return Token(token), nil
	}
	user := env.Get(EnvUser)
	password, passwordSet, err := env.Secret(EnvPassword)
	if err != nil {
		return Credentials{}, err
	}
	if user != "" || passwordSet {
		for _, name := range []string{EnvIAMEndpoint, EnvDomain, EnvUser} {
			if env.Get(name) == "" {
				return Credentials{}, env.Missing(name, false)
			}
		}
		if !passwordSet {
			return Credentials{}, env.Missing(EnvPassword, true)
		}
		return Password(env.Get(EnvIAMEndpoint), env.Get(EnvDomain), user, password), nil
	}
	return Credentials{}, cloudkeys.InvalidInput(Vendor, "environment",
		"set "+EnvAK+" and "+EnvSK+", or "+EnvToken+", or "+EnvIAMEndpoint+", "+EnvDomain+", "+EnvUser+" and "+EnvPassword+" (environment variables not set)")
}
