package transport

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newScrubClient(t *testing.T, pinned ...string) *Client {
	t.Helper()
	c, err := New(Config{Vendor: "test", BaseURL: "https://api.example.com", Secrets: pinned}, nil)
	require.NoError(t, err)
	return c
}

func TestScrubKeepsTheNewestShortLivedSecrets(t *testing.T) {
	t.Parallel()
	c := newScrubClient(t, "pinned-credential")
	c.PinSecret("pinned-password")
	name := func(i int) string { return fmt.Sprintf("session-%04d", i) }
	for i := range maxRecentSecrets + 10 {
		c.AddSecret(name(i))
	}
	c.mu.RLock()
	n := len(c.recent)
	c.mu.RUnlock()
	assert.Equal(t, maxRecentSecrets, n, "the short-lived list is bounded")

	tests := []struct {
		in, want string
	}{
		{"x " + name(maxRecentSecrets+9) + " y", "x [REDACTED] y"}, // newest
		{name(10), "[REDACTED]"},                                   // oldest kept
		{name(9), name(9)},                                         // evicted
		{"pinned-credential", "[REDACTED]"},                        // config secrets never leave
		{"pinned-password", "[REDACTED]"},                          // PinSecret never leaves
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, c.Scrub(tc.in), tc.in)
	}
}

func TestAddSecretAgainMakesItNewest(t *testing.T) {
	t.Parallel()
	c := newScrubClient(t)
	c.AddSecret("token-zero")
	for i := range maxRecentSecrets - 1 {
		c.AddSecret(fmt.Sprintf("token-%04d", i))
		c.AddSecret("token-zero") // renewed answers repeat it
	}
	c.AddSecret("token-last")
	assert.Equal(t, "[REDACTED]", c.Scrub("token-zero"))
	assert.Equal(t, "token-0000", c.Scrub("token-0000"), "the oldest other value left instead")
}

func TestPinSecretMovesAShortLivedOne(t *testing.T) {
	t.Parallel()
	c := newScrubClient(t)
	c.AddSecret("own-key-secret")
	c.PinSecret("own-key-secret")
	for i := range 2 * maxRecentSecrets {
		c.AddSecret(fmt.Sprintf("created-%04d", i))
	}
	assert.Equal(t, "[REDACTED]", c.Scrub("own-key-secret"))
	c.mu.RLock()
	defer c.mu.RUnlock()
	assert.Len(t, c.pinned, 1)
	assert.Len(t, c.recent, maxRecentSecrets)
}

func TestScrubReplacesTheLongestSecretFirst(t *testing.T) {
	t.Parallel()
	c := newScrubClient(t)
	c.AddSecret("abcd1234")              // registered first
	c.AddSecret("abcd1234-and-the-rest") // contains it
	assert.Equal(t, "key=[REDACTED]&x=[REDACTED]", c.Scrub("key=abcd1234-and-the-rest&x=abcd1234"))
	assert.Equal(t, "ab", c.Scrub("ab"))
	c.AddSecret("ab") // too short to register
	assert.Equal(t, "ab", c.Scrub("ab"))
}
