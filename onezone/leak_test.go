package onezone_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
)

// TestNoSecretLeaks drives every operation (successes and failures)
// against the fake with a Debug logger and checks that no token, password
// or basic-auth value appears in the log, in any error or in %v/%+v/%#v of
// any result.
func TestNoSecretLeaks(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := onezonetest.NewServer()
	defer srv.Close()
	opts := []cloudkeys.Option{cloudkeys.WithLogger(logger), fastRetry()}
	admin := srv.Client(opts...)
	ctx := context.Background()

	var secrets []string
	var outputs []string
	record := func(v any, err error) {
		if err != nil {
			outputs = append(outputs, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
			var oe *onezone.Error
			if errors.As(err, &oe) && oe.Body != nil {
				outputs = append(outputs, fmt.Sprintf("%+v", *oe.Body), string(oe.Body.Details))
			}
		}
		if v != nil {
			b, _ := json.Marshal(v)
			outputs = append(outputs, fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v), fmt.Sprintf("%s", v), string(b))
		}
	}
	secrets = append(secrets, srv.AdminPassword())

	created, err := admin.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "leak"})
	require.NoError(t, err)
	secrets = append(secrets, created.Token.Reveal())
	record(created, err)
	record(admin.GetNamedToken(ctx, created.TokenID))
	record(admin.GetNamedTokenByName(ctx, onezone.CurrentUser(), "leak"))
	k, err := admin.CreateKey(ctx, cloudkeys.CreateKeyRequest{Name: "leak-key", ExpiresAt: time.Now().Add(time.Hour)})
	require.NoError(t, err)
	secrets = append(secrets, k.Secret.Reveal())
	record(k, err)
	record(admin.GetKey(ctx, k.ID))
	keys, err := cloudkeys.Collect(admin.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	record(keys, err)
	tmp, err := admin.CreateTemporaryToken(ctx, onezone.CurrentUser(), onezone.TemporaryTokenRequest{Caveats: onezone.Caveats{onezone.Until(time.Now().Add(time.Hour))}})
	require.NoError(t, err)
	secrets = append(secrets, tmp.Reveal())
	record(tmp, err)
	reg, err := admin.CreateProviderRegistrationToken(ctx, "") //nolint:staticcheck // deprecated on purpose
	require.NoError(t, err)
	secrets = append(secrets, reg.Reveal())
	conf, err := admin.ConfineToken(ctx, created.Token, onezone.Caveats{onezone.InterfaceCaveat{Interface: "rest"}})
	require.NoError(t, err)
	secrets = append(secrets, conf.Reveal())
	record(admin.ExamineToken(ctx, created.Token))
	record(admin.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: created.Token, ConsumerToken: tmp}))
	record(admin.InferAccessTokenScope(ctx, onezone.InferAccessTokenScopeRequest{Token: created.Token}))

	// Failures.
	tc := srv.ClientWith(onezone.Token(created.Token.Reveal()), opts...)
	require.NoError(t, admin.SetKeyEnabled(ctx, created.TokenID, false))
	record(tc.ListNamedTokensPage(ctx, onezone.CurrentUser()))
	record(admin.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: created.Token}))
	record(admin.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: cloudkeys.NewSecret("MDAxbogusTOKENvalue")}))
	secrets = append(secrets, "MDAxbogusTOKENvalue")
	record(admin.ExamineToken(ctx, cloudkeys.NewSecret("MDAxbogusTOKENvalue")))
	bad := srv.ClientWith(onezone.Basic(onezonetest.AdminUsername, "wrong-password-value"), opts...)
	secrets = append(secrets, "wrong-password-value")
	record(bad.ListNamedTokensPage(ctx, onezone.CurrentUser()))
	srv.CommitThenDrop(1)
	record(admin.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: "lost"}))
	srv.FailNext(3, http.StatusServiceUnavailable)
	record(admin.GetNamedToken(ctx, created.TokenID))
	// A server that echoes the token in an error description.
	srv.FailNextWith(1, onezonetest.Fault{Status: 400, Body: []byte(`{"error":{"id":"badValueToken","description":"bad token ` + created.Token.Reveal() +
		`","details":{"tokenError":{"id":"badToken","description":"` + created.Token.Reveal() + `"}}}}`)})
	record(admin.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: created.Token}))
	srv.FailNextWith(1, onezonetest.Fault{Status: 401, Body: []byte(`{"error":{"id":"unauthorized","description":"pw ` + srv.AdminPassword() + `"}}`)})
	record(admin.ListNamedTokensPage(ctx, onezone.CurrentUser()))
	srv.Close()
	record(admin.GetNamedToken(ctx, created.TokenID))
	record(onezone.Token(created.Token.Reveal()), nil)
	record(onezone.Basic("admin", srv.AdminPassword()), nil)

	// Everything the logger wrote and every output must be clean.
	require.NotEmpty(t, logs.String())
	for _, s := range secrets {
		require.NotEmpty(t, s)
		assert.NotContains(t, logs.String(), s, "log leaks a secret")
		for _, o := range outputs {
			if strings.Contains(o, s) {
				t.Errorf("output leaks a secret: %q", o)
			}
		}
	}
	basicVal := "Basic"
	assert.NotContains(t, logs.String(), basicVal+" ")
	assert.NotContains(t, logs.String(), "X-Auth-Token")
}
