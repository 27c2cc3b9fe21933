package transport

import (
	"time"

	"github.com/cloudkeys/cloudkeys"
)

// CheckExpiry is the one check every vendor's CreateKey (and ReplaceKey)
// makes of ExpiresAt against the vendor's capabilities, before any request
// that creates: a non-zero expiresAt where caps.Expiry is false is refused
// with cloudkeys.Unsupported (matching cloudkeys.ErrUnsupported), naming
// ExpiresAt — an expiry is a security property, never dropped silently.
func CheckExpiry(vendor string, caps cloudkeys.Capabilities, expiresAt time.Time) error {
	if expiresAt.IsZero() || caps.Expiry {
		return nil
	}
	return cloudkeys.Unsupported(vendor, "CreateKey", "ExpiresAt: keys cannot expire here (Capabilities.Expiry is false); leave it zero and rotate on a schedule")
}
