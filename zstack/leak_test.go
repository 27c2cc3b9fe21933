package zstack_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/zstackwire"
	"github.com/cloudkeys/cloudkeys/zstack"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

// No password, password hash, session uuid, signature or secret appears in
// a Debug log, an error string, or a printed result.
func TestNoSecretLeaks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := zstacktest.NewServer()
	defer srv.Close()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var printed []string
	record := func(vs ...any) {
		for _, v := range vs {
			printed = append(printed, fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v), fmt.Sprintf("%s", v))
		}
	}
	recErr := func(err error) {
		if err != nil {
			printed = append(printed, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		}
	}

	acct := srv.CreateAccount("team", "Team-Password-1")
	creds := zstack.AccountLogin("team", "Team-Password-1")
	record(creds)
	c, err := zstack.New(srv.URL(), creds, fast(), cloudkeys.WithLogger(logger))
	require.NoError(t, err)
	s, err := c.LogIn(ctx)
	require.NoError(t, err)
	record(s, *s)
	k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: acct})
	require.NoError(t, err)
	record(k, *k, []*cloudkeys.Key{k})
	inv, err := c.CreateAccessKey(ctx, zstack.CreateAccessKeyRequest{AccountUUID: acct, AccessKeyID: "Chosen-ID-1", AccessKeySecret: cloudkeys.NewSecret("Chosen-Secret-0123456789")})
	require.NoError(t, err)
	record(inv, *inv)
	_, err = c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: acct})
	recErr(err) // over the limit
	srv.CommitThenDrop(1)
	_, err = c.CreateAccessKey(ctx, zstack.CreateAccessKeyRequest{AccountUUID: zstacktest.AdminAccountUUID})
	recErr(err)
	_, err = c.ValidateSession(ctx, s.UUID.Reveal())
	recErr(err)
	srv.FailNext(3, http.StatusServiceUnavailable)
	recErr(c.LogOut(ctx, s.UUID.Reveal()))
	srv.DropNext(3)
	recErr(c.LogOut(ctx, ""))
	srv.ExpireSessions()
	_, err = c.GetKey(ctx, k.ID)
	recErr(err)
	record(c)

	// AccessKey-signed calls, including refused ones.
	ak := zstack.AccessKey(k.AccessKey, k.Secret.Reveal())
	record(ak)
	a, err := zstack.New(srv.URL(), ak, fast(), cloudkeys.WithLogger(logger), zstack.WithServerLocation(time.UTC))
	require.NoError(t, err)
	_, err = cloudkeys.Collect(a.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	require.NoError(t, err)
	bad, err := zstack.New(srv.URL(), zstack.AccessKey(k.AccessKey, "Wrong-Secret-0123456789"), fast(), cloudkeys.WithLogger(logger), zstack.WithServerLocation(time.FixedZone("", 3600)))
	require.NoError(t, err)
	_, err = bad.GetKey(ctx, k.ID)
	recErr(err)

	wrong, err := zstack.New(srv.URL(), zstack.AccountLogin("team", "Wrong-Password-2"), fast(), cloudkeys.WithLogger(logger))
	require.NoError(t, err)
	_, err = wrong.LogIn(ctx)
	recErr(err)

	secrets := []string{
		"Team-Password-1", zstackwire.HashPassword("Team-Password-1"), "Wrong-Password-2", zstackwire.HashPassword("Wrong-Password-2"),
		s.UUID.Reveal(), k.Secret.Reveal(), "Chosen-Secret-0123456789", "Wrong-Secret-0123456789",
	}
	for _, r := range srv.Requests() {
		h := r.Header.Get("Authorization")
		if h == "" {
			continue
		}
		secrets = append(secrets, strings.TrimPrefix(h, "OAuth "))
		if _, sig, ok := strings.Cut(h, ":"); ok {
			secrets = append(secrets, sig)
		}
	}
	for _, k := range srv.AccessKeys() {
		secrets = append(secrets, k.Secret.Reveal())
	}
	require.NotEmpty(t, logs.String())
	all := logs.String() + "\n" + strings.Join(printed, "\n")
	for i, sec := range secrets {
		if sec == "" {
			continue
		}
		if at := strings.Index(all, sec); at >= 0 {
			lo, hi := max(0, at-120), min(len(all), at+len(sec)+40)
			t.Errorf("secret #%d leaked: ...%s...", i, strings.ReplaceAll(all[lo:hi], sec, "<SECRET>"))
		}
	}
	assert.Contains(t, logs.String(), "/zstack/v1/accounts/sessions/[REDACTED]/valid")
}
