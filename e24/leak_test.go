package e24_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/e24"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
)

// TestNoSecretLeaks runs every endpoint (successes, failures, retries and a
// lost answer) with a Debug JSON logger and checks that no secret, password,
// private key or signature appears in the log, in any error string, or in
// the %v/%+v/%#v output of any result.
func TestNoSecretLeaks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := e24test.NewServer()
	defer srv.Close()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := srv.Client(fastRetry(), cloudkeys.WithLogger(logger))

	var secrets []string
	var printed []string
	var errs []error
	keep := func(vs ...any) {
		for _, v := range vs {
			printed = append(printed, fmt.Sprintf("%v %+v %#v %s", v, v, v, v))
		}
	}
	sec := func(s cloudkeys.Secret) {
		if !s.IsZero() {
			secrets = append(secrets, s.Reveal())
		}
	}
	_, adminSecret := srv.AdminKey()
	sec(adminSecret)
	files := srv.FilesKeys()
	sec(files.S3.SecretKey)
	keep(c, e24.APIKey("AK", adminSecret.Reveal()))

	acc, err := c.GetAccount(ctx)
	require.NoError(t, err)
	keep(acc, *acc)

	pw := cloudkeys.NewSecret("Pa55-word-never-shown")
	sec(pw)
	require.NoError(t, c.UpdateAccount(ctx, e24.UpdateAccountRequest{Password: pw}))

	pair, err := c.CreateAPIKey(ctx)
	require.NoError(t, err)
	sec(pair.SecretKey)
	keep(pair, *pair)
	renewed, err := c.RegenerateAPISecret(ctx, pair.APIKey)
	require.NoError(t, err)
	sec(renewed.SecretKey)
	keep(renewed)

	gen, err := c.AddSSHKey(ctx, e24.AddSSHKeyRequest{Name: "ci", Method: e24.SSHKeyGenerate})
	require.NoError(t, err)
	sec(gen.PrivateKey)
	keep(gen, *gen)

	nf, err := c.RegenerateFilesSecret(ctx, "")
	require.NoError(t, err)
	sec(nf.S3.SecretKey)
	keep(nf)

	subPw := cloudkeys.NewSecret("sub-account-password")
	sec(subPw)
	u, err := c.CreateAccount(ctx, e24.CreateAccountRequest{Email: "s@example.com", Password: subPw})
	require.NoError(t, err)
	sec(u.API[0].SecretKey)
	sec(u.E24Files.S3.SecretKey)
	keep(u, *u)
	for u, err := range c.ListAccounts(ctx, e24.ListAccountsOptions{}) {
		require.NoError(t, err)
		keep(u)
	}

	k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{})
	require.NoError(t, err)
	sec(k.Secret)
	keep(k, *k)
	keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	require.NoError(t, err)
	keep(keys)
	rk, err := c.RotateKey(ctx, k.ID)
	require.NoError(t, err)
	sec(rk.Secret)
	keep(rk)

	// Failures of every kind.
	_, err = srv.ClientFor(k.ID, cloudkeys.NewSecret("wrong-secret-value"), fastRetry(), cloudkeys.WithLogger(logger)).GetAccount(ctx)
	errs = append(errs, err)
	secrets = append(secrets, "wrong-secret-value")
	srv.FailNext(3, 503)
	_, err = c.GetAccount(ctx)
	errs = append(errs, err)
	srv.CommitThenDrop(1)
	_, err = c.CreateAPIKey(ctx)
	errs = append(errs, err)
	errs = append(errs, c.DeleteAPIKey(ctx, "missing"))
	_, err = c.CreateAccount(ctx, e24.CreateAccountRequest{Email: "s@example.com", Password: subPw})
	errs = append(errs, err)
	errs = append(errs, c.UpdateAccount(ctx, e24.UpdateAccountRequest{Password: cloudkeys.NewSecret("")}))
	_, err = c.AddSSHKey(ctx, e24.AddSSHKeyRequest{Name: "x", Method: e24.SSHKeyUpload, Content: "ssh-ed25519 " + adminSecret.Reveal()})
	errs = append(errs, err)

	for _, r := range srv.Requests() {
		if a := r.Header.Get("Authorization"); a != "" {
			if _, sig, ok := strings.Cut(a, ":"); ok {
				secrets = append(secrets, sig)
			}
		}
	}
	require.NotEmpty(t, errs)
	var all strings.Builder
	all.WriteString(logs.String())
	for _, e := range errs {
		require.Error(t, e)
		all.WriteString(e.Error())
		all.WriteString(fmt.Sprintf("%+v %#v", e, e))
	}
	for _, p := range printed {
		all.WriteString(p)
	}
	text := all.String()
	require.Contains(t, text, "cloudkeys: request", "the debug log was captured")
	for _, s := range secrets {
		assert.NotContains(t, text, s)
	}
	assert.NotContains(t, text, "PRIVATE KEY")
}
