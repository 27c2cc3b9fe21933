package onezone

import (
	"context"
	"encoding/base64"
	"strings"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/redact"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// Credentials authenticate a [Client]. Build them with [Token] or [Basic].
//
// Credentials print, log and marshal as "[REDACTED]", exactly like
// [cloudkeys.Secret].
type Credentials struct {
	redact.Redacted

	token    cloudkeys.Secret
	username string
	password cloudkeys.Secret
	basic    bool
}

// Token authenticates every request with an Onezone access token, sent in
// the X-Auth-Token header (the header the onezone-rest-cli sends from
// ONEZONE_API_KEY). The token is a serialized macaroon such as "MDAx…"; it
// is treated as opaque.
func Token(token string) Credentials {
	return Credentials{token: cloudkeys.NewSecret(strings.TrimSpace(token))}
}

// Basic authenticates every request with HTTP basic auth
// ("Authorization: Basic …"). Onezone accepts it only for users that come
// from Onepanel and have basic auth enabled; other users must use [Token].
func Basic(username, password string) Credentials {
	return Credentials{username: username, password: cloudkeys.NewSecret(password), basic: true}
}

// validate reports unusable credentials before any request is sent.
func (c Credentials) validate() error {
	if c.basic {
		switch {
		case c.username == "":
			return cloudkeys.InvalidInput(Vendor, "username", "must not be empty")
		case strings.Contains(c.username, ":"):
			return cloudkeys.InvalidInput(Vendor, "username", "must not contain ':'")
		case c.password.IsZero():
			return cloudkeys.InvalidInput(Vendor, "password", "must not be empty")
		}
		return nil
	}
	if c.token.IsZero() {
		return cloudkeys.InvalidInput(Vendor, "token", "must not be empty (use Token or Basic)")
	}
	if strings.ContainsAny(c.token.Reveal(), "\r\n") {
		return cloudkeys.InvalidInput(Vendor, "token", "must not contain line breaks")
	}
	return nil
}

// secrets returns the values to scrub from every error.
func (c Credentials) secrets() []string {
	if c.basic {
		return []string{c.password.Reveal(), c.basicValue()}
	}
	return []string{c.token.Reveal()}
}

func (c Credentials) basicValue() string {
	return base64.StdEncoding.EncodeToString([]byte(c.username + ":" + c.password.Reveal()))
}

// signer returns the transport signer for creds: it sets exactly one
// credential header on every attempt — "X-Auth-Token: <token>" for
// [Token], "Authorization: Basic base64(user:password)" for [Basic] — and
// removes any other credential header a caller may have set. It is a pure
// function of its inputs.
func signer(creds Credentials) transport.Signer {
	return func(_ context.Context, o *transport.Outgoing) error {
		setCredential(creds, o)
		return nil
	}
}

func setCredential(creds Credentials, o *transport.Outgoing) {
	for _, h := range []string{"X-Auth-Token", "Authorization", "Macaroon"} {
		o.Header.Del(h)
	}
	if creds.basic {
		o.Header.Set("Authorization", "Basic "+creds.basicValue())
		return
	}
	o.Header.Set("X-Auth-Token", creds.token.Reveal())
}

// sign is the client's signer: the credentials current at this attempt.
func (c *Client) sign(_ context.Context, o *transport.Outgoing) error {
	setCredential(c.cred.Load().creds, o)
	return nil
}
