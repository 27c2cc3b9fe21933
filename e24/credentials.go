package e24

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/redact"
)

// Credentials authenticate every call. e24cloud has one kind: an API key and
// its secret (the pair created by PUT /v2/account/api, which serves both the
// e24cloud REST API and the EC2-compatible API).
//
// A Credentials value prints, logs and marshals as "[REDACTED]", exactly like
// [cloudkeys.Secret].
type Credentials struct {
	redact.Redacted
	apiKey string
	secret cloudkeys.Secret
}

// APIKey returns credentials for the API key key and its secret (the panel's
// "API key" and "secret key", usually in E24_API_KEY and E24_API_SECRET).
// The secret is used as raw bytes for HMAC-SHA256; it is not decoded.
func APIKey(key, secret string) Credentials {
	return Credentials{apiKey: key, secret: cloudkeys.NewSecret(secret)}
}
