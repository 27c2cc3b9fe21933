package huaweibcs

import (
	"unicode"
	"unicode/utf8"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/redact"
)

type credKind int

const (
	kindNone credKind = iota
	kindToken
	kindAKSK
	kindPassword
)

// Credentials authenticate a [Client]. Build them with [Token], [AKSK] or
// [Password]. They print, log and marshal as "[REDACTED]", exactly like
// cloudkeys.Secret.
type Credentials struct {
	redact.Redacted

	kind credKind

	token cloudkeys.Secret // Token

	ak            string           // AKSK: the access key id (not secret)
	sk            cloudkeys.Secret // AKSK: the secret key
	securityToken cloudkeys.Secret // AKSK: temporary credentials' session token

	iam      string           // Password: IAM endpoint
	domain   string           // Password: account (domain) name
	user     string           // Password: IAM user name
	password cloudkeys.Secret // Password
}

// Token authenticates with an existing project-scoped IAM user token, sent
// as the X-Auth-Token header on every request. The client cannot renew it:
// once it expires (24 h after issue) every call fails with ErrUnauthorized.
func Token(token string) Credentials {
	return Credentials{kind: kindToken, token: cloudkeys.NewSecret(token)}
}

// AKSK authenticates with a permanent access key pair: every attempt is
// signed with SDK-HMAC-SHA256, Huawei's API-gateway signature (as its own
// SDK computes it), over the host, X-Project-Id and X-Sdk-Date headers.
// The secret key never leaves the process.
func AKSK(ak, sk string) Credentials {
	return Credentials{kind: kindAKSK, ak: ak, sk: cloudkeys.NewSecret(sk)}
}

// TemporaryAKSK is [AKSK] for temporary credentials: the session token is
// sent, and signed, as X-Security-Token.
func TemporaryAKSK(ak, sk, securityToken string) Credentials {
	c := AKSK(ak, sk)
	c.securityToken = cloudkeys.NewSecret(securityToken)
	return c
}

// Password authenticates as an IAM user: the client logs in with
// POST <iamEndpoint>/v3/auth/tokens (password method, scoped to the
// client's project id), takes the token from the X-Subject-Token header of
// the 201 answer, caches it until shortly before its expires_at, and logs in
// again when it expires or a call answers 401. Concurrent callers share one
// login. iamEndpoint is e.g. https://iam.ap-southeast-3.myhuaweicloud.com;
// domain is the account name, user the IAM user name.
func Password(iamEndpoint, domain, user, password string) Credentials {
	return Credentials{kind: kindPassword, iam: iamEndpoint, domain: domain, user: user, password: cloudkeys.NewSecret(password)}
}

// validate checks the credentials before any request: present, and free
// of control characters (a token or key read from a file with its trailing
// newline would otherwise fail every call, and AK/SK failures lock the AK).
// Errors name the field, never its value.
func (c Credentials) validate() error {
	for _, f := range []struct {
		field, value string
	}{
		{"Token", c.token.Reveal()},
		{"AKSK.ak", c.ak},
		{"AKSK.sk", c.sk.Reveal()},
		{"TemporaryAKSK.securityToken", c.securityToken.Reveal()},
		{"Password.domain", c.domain},
		{"Password.user", c.user},
		{"Password.password", c.password.Reveal()},
	} {
		if hasControl(f.value) {
			return cloudkeys.InvalidInput(Vendor, f.field, "must not contain control characters (e.g. a trailing newline) or invalid UTF-8")
		}
	}
	switch c.kind {
	case kindToken:
		if c.token.IsZero() {
			return cloudkeys.InvalidInput(Vendor, "Token", "must not be empty")
		}
		if len(c.token.Reveal()) > 65535 {
			return cloudkeys.InvalidInput(Vendor, "Token", "longer than 65535 characters")
		}
	case kindAKSK:
		if c.ak == "" {
			return cloudkeys.InvalidInput(Vendor, "AKSK.ak", "must not be empty")
		}
		if c.sk.IsZero() {
			return cloudkeys.InvalidInput(Vendor, "AKSK.sk", "must not be empty")
		}
	case kindPassword:
		switch {
		case c.iam == "":
			return cloudkeys.InvalidInput(Vendor, "Password.iamEndpoint", "must not be empty")
		case c.domain == "":
			return cloudkeys.InvalidInput(Vendor, "Password.domain", "must not be empty")
		case c.user == "":
			return cloudkeys.InvalidInput(Vendor, "Password.user", "must not be empty")
		case c.password.IsZero():
			return cloudkeys.InvalidInput(Vendor, "Password.password", "must not be empty")
		}
	default:
		return cloudkeys.InvalidInput(Vendor, "creds", "use Token, AKSK or Password")
	}
	return nil
}

// secrets lists the values to scrub from every error.
func (c Credentials) secrets() []string {
	var out []string
	for _, s := range []cloudkeys.Secret{c.token, c.sk, c.securityToken, c.password} {
		if !s.IsZero() {
			out = append(out, s.Reveal())
		}
	}
	return out
}

// hasControl reports whether s holds a control character (C0, DEL or C1)
// or is not valid UTF-8.
func hasControl(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}
