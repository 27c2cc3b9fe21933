package huaweibcs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
	"github.com/cloudkeys/cloudkeys/internal/huaweiwire"
)

// TestNoSecretLeaks runs every operation and failure with a Debug-level JSON
// logger and checks that no SK, password, token, signature or API-key secret
// appears in a log line, an error text or a printed result.
func TestNoSecretLeaks(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts := []cloudkeys.Option{fastRetry, cloudkeys.WithLogger(logger)}
	token := srv.IssueToken()
	tokenClient, err := huaweibcs.New(srv.URL(), huaweibcstest.ProjectID, huaweibcs.Token(token), append(opts, cloudkeys.WithClock(srv.Now))...)
	require.NoError(t, err)
	cls := []*huaweibcs.Client{srv.Client(opts...), tokenClient, srv.PasswordClient(opts...)}

	ctx := context.Background()
	var printed []string
	record := func(vs ...any) {
		for _, v := range vs {
			if err, ok := v.(error); ok && err != nil {
				printed = append(printed, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
				continue
			}
			printed = append(printed, fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v), fmt.Sprintf("%s", v))
			if b, err := json.Marshal(v); err == nil {
				printed = append(printed, string(b))
			}
		}
	}
	creds := []huaweibcs.Credentials{
		huaweibcs.AKSK(huaweibcstest.AccessKey, huaweibcstest.SecretKey),
		huaweibcs.Token(token),
		huaweibcs.Password(srv.IAMEndpoint(), huaweibcstest.Domain, huaweibcstest.User, huaweibcstest.Password),
		huaweibcs.TemporaryAKSK("ak", "temp-secret-key", "temp-session-token"),
	}
	for _, c := range creds {
		record(c, &c, []huaweibcs.Credentials{c})
		slog.New(slog.NewJSONHandler(&logs, nil)).Info("creds", "c", c)
	}

	type holder struct{ c *huaweibcs.Client } // fmt cannot call methods on unexported fields
	for _, c := range cls {
		record(c, holder{c}, &holder{c}, []*huaweibcs.Client{c})
		cc, err := c.CreateCredential(ctx, huaweibcs.CreateCredentialRequest{Description: "leak"})
		require.NoError(t, err)
		record(cc, *cc, []*huaweibcs.CreatedCredential{cc})
		k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Description: "leak2"})
		require.NoError(t, err)
		record(k, *k, []*cloudkeys.Key{k})
		keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
		require.NoError(t, err)
		record(keys)

		for _, st := range []int{400, 401, 404, 429, 500, 503} {
			srv.FailNext(3, st)
			_, err = c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
			require.Error(t, err)
			record(err)
		}
		srv.ClearFaults()
		_, err = c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{}) // a fresh token first
		require.NoError(t, err)
		srv.CommitThenDrop(1)
		_, err = c.CreateCredential(ctx, huaweibcs.CreateCredentialRequest{Description: "lost"})
		require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
		record(err)
		srv.DropNext(3)
		_, err = c.GetKey(ctx, cc.ID)
		require.Error(t, err)
		record(err)
		require.NoError(t, c.DeleteCredential(ctx, cc.ID))
		record(c.DeleteCredential(ctx, cc.ID))
	}

	// Failing credentials.
	bad, err := huaweibcs.New(srv.URL(), huaweibcstest.ProjectID, huaweibcs.AKSK(huaweibcstest.AccessKey, "wrong-secret-key-xyz"), opts...)
	require.NoError(t, err)
	_, err = bad.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	require.Error(t, err)
	record(err)
	badPW, err := huaweibcs.New(srv.URL(), huaweibcstest.ProjectID, huaweibcs.Password(srv.IAMEndpoint(), huaweibcstest.Domain, huaweibcstest.User, "wrong-password-xyz"), opts...)
	require.NoError(t, err)
	_, err = badPW.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	require.Error(t, err)
	record(err)
	// A server that echoes the token back in its error body.
	srv.FailNextWith(1, huaweibcstest.Fault{Status: http.StatusBadRequest,
		Body: []byte(`{"code":"400","error_code":"BCS.03400001","error_msg":"Invalid request.","message":"token ` + token + ` rejected"}`)})
	_, err = tokenClient.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	require.Error(t, err)
	record(err)

	// Everything secret that went over the wire.
	secrets := []string{huaweibcstest.SecretKey, huaweibcstest.Password, token, "wrong-secret-key-xyz", "wrong-password-xyz",
		"temp-secret-key", "temp-session-token"}
	for _, r := range srv.Requests() {
		if v := r.Header.Get("X-Auth-Token"); v != "" {
			secrets = append(secrets, v)
		}
		if p, err := huaweiwire.ParseAuthorization(r.Header.Get("Authorization")); err == nil {
			secrets = append(secrets, p.Signature)
		}
	}
	for _, rec := range srv.Credentials() {
		secrets = append(secrets, rec.Secret.Reveal())
	}
	require.Greater(t, len(secrets), 20)
	require.NotEmpty(t, logs.String())
	all := strings.Join(printed, "\n") + "\n" + logs.String()
	for _, s := range secrets {
		require.NotEmpty(t, s)
		assert.NotContains(t, all, s)
	}
	// The created secrets of deleted keys too: every create's file was redacted.
	assert.Contains(t, all, "[REDACTED]")
}
