package cloudstack

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/redact"
)

type credKind int

const (
	credAPIKey credKind = iota + 1
	credLogin
	credIntegration
)

// Credentials say how the client authenticates. Build them with [APIKey],
// [Login] or [IntegrationPort]. They print, log and marshal as "[REDACTED]",
// exactly like cloudkeys.Secret.
//
// The API key, secret key and password are held as cloudkeys.Secret values
// (behind a pointer), so even where fmt prints a Credentials without calling
// its methods — in an unexported field of another struct — it shows
// addresses, never the values.
type Credentials struct {
	redact.Redacted

	kind      credKind
	apiKey    cloudkeys.Secret
	secretKey cloudkeys.Secret
	username  string
	password  cloudkeys.Secret
	domain    string
}

// APIKey signs every request with the user's API key and secret key (the
// pair registerUserKeys returns): HMAC-SHA1 as the management server
// verifies it, with signatureversion=3 and a fresh expires on every attempt.
func APIKey(apiKey, secretKey string) Credentials {
	return Credentials{kind: credAPIKey, apiKey: cloudkeys.NewSecret(apiKey), secretKey: cloudkeys.NewSecret(secretKey)}
}

// Login authenticates with a user name and password: the client POSTs the
// login command on first use, keeps the sessionkey and the JSESSIONID cookie,
// and sends both with every later call. domain is the domain path, e.g.
// "/" (ROOT, the default when empty) or "/customers/acme/". On a 401 the
// client logs in once more and repeats a read; a write fails with the 401.
func Login(username, password, domain string) Credentials {
	return Credentials{kind: credLogin, username: username, password: cloudkeys.NewSecret(password), domain: domain}
}

// IntegrationPort talks to the unauthenticated integration API port
// (integration.api.port, conventionally 8096): every call is a GET with its
// parameters in the query only, no key and no signature, and runs as the
// SYSTEM user. Writes are never replayed there either.
func IntegrationPort() Credentials { return Credentials{kind: credIntegration} }
