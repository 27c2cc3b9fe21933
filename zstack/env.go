package zstack

import (
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/envcfg"
)

// Environment variables [NewFromEnv] reads.
const (
	// EnvEndpoint is the management node, e.g. http://mn:8080 (required
	// unless NewFromEnv is given an endpoint).
	EnvEndpoint = "ZSTACK_ENDPOINT"
	// EnvAccount is the account name of a session login (with EnvPassword).
	EnvAccount = "ZSTACK_ACCOUNT"
	// EnvUser is an IAM user name within EnvAccount: log in as that user
	// (optional).
	EnvUser = "ZSTACK_USER"
	// EnvPassword is the password of the account or user; it may instead be
	// read from the file named by ZSTACK_PASSWORD_FILE.
	EnvPassword = "ZSTACK_PASSWORD"
	// EnvAccessKeyID is an AccessKey id, for signed requests (with
	// EnvAccessKeySecret); it takes precedence over a login.
	EnvAccessKeyID = "ZSTACK_ACCESS_KEY_ID"
	// EnvAccessKeySecret is the AccessKey's secret; it may instead be read
	// from the file named by ZSTACK_ACCESS_KEY_SECRET_FILE.
	EnvAccessKeySecret = "ZSTACK_ACCESS_KEY_SECRET"
	// EnvTimezone is the server's time zone, e.g. Asia/Shanghai (an IANA
	// name for time.LoadLocation); default: this machine's. AccessKey dates
	// must match it.
	EnvTimezone = "ZSTACK_TIMEZONE"
)

// NewFromEnv builds a client from environment variables read with getenv
// (os.Getenv). The endpoint is endpoint if not "", else ZSTACK_ENDPOINT
// (required). ZSTACK_TIMEZONE, when set, is the server's zone (as
// [WithServerLocation]; an option in opts that sets the zone wins).
// The credentials are, in this order:
//
//   - ZSTACK_ACCESS_KEY_ID set: AccessKey signing with it and
//     ZSTACK_ACCESS_KEY_SECRET (required then);
//   - ZSTACK_ACCOUNT set: a session login with ZSTACK_PASSWORD (required
//     then), as the IAM user ZSTACK_USER of that account when it is set
//     ([UserLogin]), else as the account ([AccountLogin]).
//
// ZSTACK_PASSWORD and ZSTACK_ACCESS_KEY_SECRET may instead be read from
// files: ZSTACK_PASSWORD_FILE and ZSTACK_ACCESS_KEY_SECRET_FILE name them
// (Docker and Kubernetes secrets); one trailing newline is removed. Setting
// both VAR and VAR_FILE is an error, as is a file that cannot be read, is a
// directory, is empty or is larger than 64 KiB.
//
// A nil getenv, a missing variable, an unknown time zone or a bad file is
// an [*cloudkeys.InvalidInputError] (matching cloudkeys.ErrInvalidRequest)
// that names the variables and never contains a value.
func NewFromEnv(getenv func(string) string, endpoint string, opts ...cloudkeys.Option) (*Client, error) {
	env, err := envcfg.New(Vendor, getenv)
	if err != nil {
		return nil, err
	}
	if endpoint == "" {
		endpoint = env.Get(EnvEndpoint)
	}
	if endpoint == "" {
		return nil, env.Missing(EnvEndpoint, false)
	}
	if tz := env.Get(EnvTimezone); tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return nil, cloudkeys.InvalidInput(Vendor, EnvTimezone, "unknown time zone")
		}
		opts = append([]cloudkeys.Option{WithServerLocation(loc)}, opts...)
	}
	var creds Credentials
	switch {
	case env.Get(EnvAccessKeyID) != "":
		secret, ok, err := env.Secret(EnvAccessKeySecret)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, env.Missing(EnvAccessKeySecret, true)
		}
		creds = AccessKey(env.Get(EnvAccessKeyID), secret)
	case env.Get(EnvAccount) != "":
		pw, ok, err := env.Secret(EnvPassword)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, env.Missing(EnvPassword, true)
		}
		if user := env.Get(EnvUser); user != "" {
			creds = UserLogin(env.Get(EnvAccount), user, pw)
		} else {
			creds = AccountLogin(env.Get(EnvAccount), pw)
		}
	default:
		return nil, cloudkeys.InvalidInput(Vendor, EnvAccount,
			"set "+EnvAccount+" and "+EnvPassword+", or "+EnvAccessKeyID+" and "+EnvAccessKeySecret+" (environment variables not set)")
	}
	return New(endpoint, creds, opts...)
}
