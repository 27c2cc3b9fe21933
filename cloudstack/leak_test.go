package cloudstack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
	"github.com/cloudkeys/cloudkeys/internal/cloudstackwire"
)

// TestNoSecretLeaks runs the lifecycle in every mode with a Debug JSON
// logger, collects every error and the %v/%+v/%#v/JSON of every result, and
// checks that no secret, API key, signature, password or session id shows.
func TestNoSecretLeaks(t *testing.T) {
	t.Parallel()
	var logs logBuffer
	var out []string
	add := func(vs ...any) {
		for _, v := range vs {
			if err, ok := v.(error); ok && err != nil {
				out = append(out, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
				continue
			}
			b, _ := json.Marshal(v)
			out = append(out, fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v), string(b))
		}
	}
	var secrets []string // values that must never appear anywhere
	var apiKeys []string // public halves: never in logs or errors
	ctx := context.Background()
	const password = "S3cret~pass*word"

	for _, version := range []string{"4.22.0.0", "4.23.0.0"} {
		srv := cloudstacktest.NewServer(cloudstacktest.WithInMemory(), cloudstacktest.WithEnforcement(), cloudstacktest.WithVersion(version))
		t.Cleanup(srv.Close)
		secrets = append(secrets, srv.AdminSecretKey().Reveal())
		apiKeys = append(apiKeys, srv.AdminAPIKey())
		log := cloudkeys.WithLogger(debugLogger(&logs))
		c := srv.Client(fastRetry, log)
		u := srv.AddUser(cloudstacktest.UserSpec{Username: "leo", Password: password})

		caps, err := c.Capabilities(ctx)
		add(caps, err)
		k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID, Name: "n"})
		require.NoError(t, err)
		secrets = append(secrets, k.Secret.Reveal())
		apiKeys = append(apiKeys, k.AccessKey)
		add(k, *k, []*cloudkeys.Key{k})
		_, err = c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID})
		add(err)
		keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: u.ID}))
		add(keys, err)
		uk, err := c.GetUserKeys(ctx, u.ID)
		add(uk, *uk, err)
		kp, err := c.RegisterUserKeys(ctx, cloudstack.RegisterUserKeysRequest{ID: u.ID})
		require.NoError(t, err)
		secrets = append(secrets, kp.SecretKey.Reveal())
		apiKeys = append(apiKeys, kp.APIKey)
		add(kp, *kp)
		users, err := collect(c.ListUsers(ctx, cloudstack.ListUsersOptions{}))
		add(users, err)
		_, err = c.GetKey(ctx, "nope")
		add(err)

		// Lost answers, bad credentials, transport failures.
		srv.CommitThenDrop(1)
		_, err = c.RegisterUserKeys(ctx, cloudstack.RegisterUserKeysRequest{ID: u.ID})
		require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
		add(err)
		srv.DropNext(3)
		_, err = c.ListCapabilities(ctx)
		require.Error(t, err)
		add(err)
		bad, err := srv.ClientWith(cloudstack.APIKey(k.AccessKey, "not-the-secret"), fastRetry, log)
		require.NoError(t, err)
		_, err = bad.ListCapabilities(ctx)
		add(err)

		// Login mode.
		lc, err := srv.ClientWith(cloudstack.Login("leo", password, "/"), fastRetry, log)
		require.NoError(t, err)
		lr, err := lc.Login(ctx)
		require.NoError(t, err)
		add(lr, *lr)
		_, err = lc.GetUserKeys(ctx, u.ID)
		add(err)
		srv.ExpireSessions()
		_, err = lc.GetUserKeys(ctx, u.ID)
		add(err)
		srv.DropNext(3)
		_, err = lc.GetUserKeys(ctx, u.ID)
		add(err)
		wrong, err := srv.ClientWith(cloudstack.Login("leo", password+"x", "/"), fastRetry, log)
		require.NoError(t, err)
		_, err = wrong.ListCapabilities(ctx)
		add(err)
		add(cloudstack.Login("leo", password, "/"), cloudstack.APIKey(k.AccessKey, k.Secret.Reveal()))

		// Every signature and session id that went over the wire.
		for _, r := range srv.Requests() {
			q, _ := url.ParseQuery(r.RawQuery)
			b, _ := url.ParseQuery(string(r.Body))
			for _, v := range []url.Values{q, b} {
				if s := v.Get("signature"); s != "" {
					secrets = append(secrets, s, url.QueryEscape(s), cloudstackwire.EncodeValue(s))
				}
				if s := v.Get("sessionkey"); s != "" {
					secrets = append(secrets, s)
				}
			}
			for _, ck := range strings.Split(r.Header.Get("Cookie"), ";") {
				if _, v, ok := strings.Cut(strings.TrimSpace(ck), "="); ok && len(v) > 8 {
					secrets = append(secrets, v)
				}
			}
		}
	}
	secrets = append(secrets, password)
	all := strings.Join(out, "\n")
	log := logs.String()
	require.NotEmpty(t, log)
	require.Contains(t, log, `"level":"DEBUG"`)
	for _, s := range secrets {
		require.NotEmpty(t, s)
		assert.NotContains(t, all, s, "a secret in a result or error")
		assert.NotContains(t, log, s, "a secret in the log")
	}
	for _, k := range apiKeys {
		assert.NotContains(t, log, k, "an API key in the log")
		for _, line := range out {
			if strings.Contains(line, "cloudstack:") || strings.Contains(line, "transport") {
				assert.NotContains(t, line, k, "an API key in an error")
			}
		}
	}
	assert.NotContains(t, log, "signature=")
	assert.NotContains(t, log, "expires=")
}
