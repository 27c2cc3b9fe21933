package e24_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/e24"
)

const (
	newSecret   = "NEWSECRETfromTheAnswer0123456789"
	phpNotice   = "\n<br />\n<b>Notice</b>: Undefined index: x in /var/www/api.php on line 12<br />\n"
	proxyBanner = "<!-- cache: MISS from proxy.example -->\n"
)

// TestUnreadableAnswers: a 2xx answer that cannot be read is an
// *UndecodableAnswerError that never quotes it; for a write it matches
// ErrOutcomeUnknown and keeps the body (with the new secret), for a read it
// matches ErrServer only.
func TestUnreadableAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	created := `{"success":true,"api":[{"api_key":"NEWKEY","secret_key":"` + newSecret + `"}]}`
	files := `{"success":true,"e24files":{"s3":{"api_id":"S3","secret_key":"` + newSecret + `"},"swift":{"api_id":"SW","secret_key":"` + newSecret + `"}}}`
	account := `{"success":true,"account":{"id":"7","api":[{"api_key":"K1","secret_key":"` + newSecret + `"}]}}`
	create := func(c *e24.Client) error { _, err := c.CreateAPIKey(ctx); return err }
	createKey := func(c *e24.Client) error { _, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{}); return err }
	regenerate := func(c *e24.Client) error { _, err := c.RegenerateAPISecret(ctx, "K1"); return err }
	rotate := func(c *e24.Client) error { _, err := c.RotateKey(ctx, "K1"); return err }
	regenFiles := func(c *e24.Client) error { _, err := c.RegenerateFilesSecret(ctx, ""); return err }
	getAccount := func(c *e24.Client) error { _, err := c.GetAccount(ctx); return err }
	listKeys := func(c *e24.Client) error {
		_, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
		return err
	}
	getKey := func(c *e24.Client) error { _, err := c.GetKey(ctx, "K1"); return err }
	tests := []struct {
		name   string
		call   func(*e24.Client) error
		answer string
		write  bool
	}{
		{"CreateAPIKey: PHP notice appended", create, created + phpNotice, true},
		{"CreateAPIKey: proxy banner before", create, proxyBanner + created, true},
		{"CreateAPIKey: no secret_key", create, `{"success":true,"api":[{"api_key":"NEWKEY"}]}`, true},
		{"CreateAPIKey: no api", create, `{"success":true}`, true},
		{"CreateAPIKey: neither success nor error", create, `{"api":[{"api_key":"NEWKEY","secret_key":"` + newSecret + `"}]}`, true},
		{"CreateKey: PHP notice appended", createKey, created + phpNotice, true},
		{"RegenerateAPISecret: PHP notice appended", regenerate, created + phpNotice, true},
		{"RotateKey: truncated", rotate, created[:len(created)-5], true},
		{"RegenerateFilesSecret: PHP notice appended", regenFiles, files + phpNotice, true},
		{"GetAccount: PHP notice appended", getAccount, account + phpNotice, false},
		{"ListKeys: proxy banner before", listKeys, proxyBanner + account, false},
		{"GetKey: truncated", getKey, account[:len(account)-3], false},
		{"GetAccount: no account", getAccount, `{"success":true}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, got := wireClient(t, 200, tt.answer)
			err := tt.call(c)
			require.Error(t, err)
			assert.Len(t, *got, 1, "sent once")
			var ue *cloudkeys.UndecodableAnswerError
			require.ErrorAs(t, err, &ue)
			assert.Equal(t, "e24", ue.Vendor)
			assert.Equal(t, len(tt.answer), ue.Size)
			assert.ErrorIs(t, err, cloudkeys.ErrServer)
			assert.Equal(t, tt.write, errors.Is(err, cloudkeys.ErrOutcomeUnknown))
			if tt.write {
				assert.Equal(t, tt.answer, ue.Answer.Reveal(), "the raw answer is kept")
			} else {
				assert.True(t, ue.Answer.IsZero(), "a read keeps nothing")
			}
			for _, s := range []string{err.Error(), ue.Problem} {
				assert.NotContains(t, s, newSecret)
				assert.NotContains(t, s, "Notice")
				assert.NotContains(t, s, "proxy.example")
			}
		})
	}
}

// TestErrorAnswerRedaction: a non-2xx body not in e24's format, or a
// message naming a credential, never shows the credential's value.
func TestErrorAnswerRedaction(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`<html><body>denied: secret_key=` + newSecret + `</body></html>`,
		`{"success":false,"message":"bad signature for {\"secret_key\":\"` + newSecret + `\"}"}`,
		`{"success":false,"error":{"code":1,"message":"token: ` + newSecret + `"}}`,
	} {
		c, _ := wireClient(t, 403, body)
		_, err := c.GetAccount(context.Background())
		require.Error(t, err)
		assert.ErrorIs(t, err, cloudkeys.ErrForbidden)
		assert.NotContains(t, err.Error(), newSecret, body)
		assert.Contains(t, err.Error(), "[REDACTED]", body)
	}
}
