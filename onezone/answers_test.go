package onezone_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/onezone"
)

const (
	answerToken = "MDAxY2xvY2F0aW9uIG9uZXpvbmUKMDAzYmlkZW50aWZpZXIgTEVBS0VE"
	phpNotice   = "\n<br />\n<b>Notice</b>: Undefined index: x in /srv/x.php on line 3<br />\n"
	proxyBanner = "<!-- cache: MISS from proxy.example -->\n"
)

// TestUnreadableAnswers: a 2xx answer that cannot be read, or a create's
// answer without the token or its id, is an *UndecodableAnswerError that
// never quotes it; a write's matches ErrOutcomeUnknown and keeps the body.
func TestUnreadableAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	created := `{"tokenId":"tid1","token":"` + answerToken + `"}`
	named := func(c *onezone.Client) error {
		_, err := c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "ci"})
		return err
	}
	key := func(c *onezone.Client) error {
		_, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Name: "ci"})
		return err
	}
	temporary := func(c *onezone.Client) error {
		_, err := c.CreateTemporaryToken(ctx, onezone.CurrentUser(), onezone.TemporaryTokenRequest{Caveats: onezone.Caveats{onezone.Until(time.Unix(2e9, 0))}})
		return err
	}
	provider := func(c *onezone.Client) error { _, err := c.CreateProviderRegistrationToken(ctx, ""); return err }
	get := func(c *onezone.Client) error { _, err := c.GetNamedToken(ctx, "tid1"); return err }
	list := func(c *onezone.Client) error { _, err := c.ListNamedTokensPage(ctx, onezone.CurrentUser()); return err }
	tests := []struct {
		name   string
		call   func(*onezone.Client) error
		status int
		body   string
		write  bool
	}{
		{"createNamedToken: PHP notice appended", named, 201, created + phpNotice, true},
		{"createNamedToken: proxy banner before", named, 201, proxyBanner + created, true},
		{"createNamedToken: no token", named, 201, `{"tokenId":"tid1"}`, true},
		{"createNamedToken: no id, no Location", named, 201, `{"token":"` + answerToken + `"}`, true},
		{"createNamedToken: empty", named, 201, ``, true},
		{"CreateKey: truncated", key, 201, created[:30], true},
		{"createTemporaryToken: PHP notice appended", temporary, 201, `{"token":"` + answerToken + `"}` + phpNotice, true},
		{"createTemporaryToken: no token", temporary, 201, `{}`, true},
		{"createProviderRegistrationToken: wrong shape", provider, 200, `["` + answerToken + `"]`, true},
		{"getNamedToken: PHP notice appended", get, 200, `{"id":"tid1","token":"` + answerToken + `"}` + phpNotice, false},
		{"listNamedTokens: empty", list, 200, ``, false},
		{"listNamedTokens: garbage", list, 200, proxyBanner + `{"tokens":["tid1"]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, reqs := mockClient(t, onezone.Token(wireToken), answer(tt.status, tt.body))
			err := tt.call(c)
			require.Error(t, err)
			require.Len(t, reqs(), 1, "sent once")
			var ue *cloudkeys.UndecodableAnswerError
			require.ErrorAs(t, err, &ue)
			assert.Equal(t, "onezone", ue.Vendor)
			assert.ErrorIs(t, err, cloudkeys.ErrServer)
			assert.Equal(t, tt.write, errors.Is(err, cloudkeys.ErrOutcomeUnknown))
			if tt.write {
				assert.Equal(t, tt.body, ue.Answer.Reveal())
			} else {
				assert.True(t, ue.Answer.IsZero())
			}
			assert.NotContains(t, err.Error(), answerToken)
			assert.NotContains(t, err.Error(), "Notice")
			assert.NotContains(t, err.Error(), "proxy.example")
		})
	}
}

// TestErrorTextIsCleaned: an Onezone error body whose description is 1 MiB
// of terminal escapes reaches the caller cleaned, in the APIError and in
// the parsed body kept in *onezone.Error.
func TestErrorTextIsCleaned(t *testing.T) {
	t.Parallel()
	desc := "bad\x1b[2K\r\u202E" + strings.Repeat("x", 1<<20)
	c, _ := mockClient(t, onezone.Token(wireToken), answer(400, `{"error":{"id":"badValueName","description":"`+strings.ReplaceAll(strings.ReplaceAll(desc, "\x1b", `\u001b`), "\r", `\r`)+`"}}`))
	_, err := c.GetNamedToken(context.Background(), "tid1")
	var oe *onezone.Error
	require.ErrorAs(t, err, &oe)
	for _, s := range []string{oe.API.Message, oe.Body.Description, err.Error()} {
		assert.LessOrEqual(t, len(s), 1200)
		assert.False(t, strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == '\u202E' }))
	}
	assert.Equal(t, "badValueName", oe.Body.ID)
}
