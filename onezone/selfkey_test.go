package onezone_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
)

func credentialKeyID(t *testing.T, c *onezone.Client) string {
	t.Helper()
	id, err := c.CredentialKeyID(context.Background())
	require.NoError(t, err)
	return id
}

func namedIDs(srv *onezonetest.Server) []string {
	var ids []string
	for _, nt := range srv.NamedTokens() {
		ids = append(ids, nt.ID)
	}
	return ids
}

// ownToken seeds a user with one named access token and returns a client
// authenticating with it, the token's id and the token.
func ownToken(t *testing.T) (*onezonetest.Server, *onezone.Client, string, string) {
	t.Helper()
	srv := onezonetest.NewServer(onezonetest.WithInMemory())
	t.Cleanup(srv.Close)
	user := srv.AddUser(onezonetest.User{Username: "alice"})
	id, tok := srv.IssueAccessToken(user, "ci")
	return srv, srv.ClientWith(onezone.Token(tok), fastRetry()), id, tok
}

func TestRotateOwnToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c, old, oldTok := ownToken(t)
	before := len(srv.NamedTokens())
	require.Equal(t, old, credentialKeyID(t, c))
	own, err := cloudkeys.IsOwnCredential(ctx, c, old)
	require.NoError(t, err)
	require.True(t, own)

	var stored string
	nk, err := cloudkeys.Rotate(ctx, c, old, func(_ context.Context, k *cloudkeys.Key) error {
		stored = k.Secret.Reveal()
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, nk.Secret.Reveal(), stored, "store got the new token")

	_, err = cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	require.NoError(t, err, "the client still works")
	assert.NotContains(t, namedIDs(srv), old, "the old token is gone")
	assert.Contains(t, namedIDs(srv), nk.ID)
	assert.Len(t, srv.NamedTokens(), before)
	assert.Equal(t, nk.ID, credentialKeyID(t, c))

	var deletes int
	for _, r := range srv.Requests() {
		if r.Method == http.MethodDelete {
			deletes++
			assert.True(t, strings.HasSuffix(r.Path, "/tokens/named/"+old))
			assert.Equal(t, nk.Secret.Reveal(), r.Header.Get("X-Auth-Token"), "the old token is deleted with the new one")
		}
	}
	assert.Equal(t, 1, deletes)

	_, err = cloudkeys.Collect(srv.ClientWith(onezone.Token(oldTok), fastRetry()).ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	assert.ErrorIs(t, err, cloudkeys.ErrUnauthorized, "the old token is refused")
}

func TestRotateOwnTokenStoreFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c, old, _ := ownToken(t)
	before := namedIDs(srv)
	boom := errors.New("vault down")
	var stored string
	nk, err := cloudkeys.Rotate(ctx, c, old, func(_ context.Context, k *cloudkeys.Key) error {
		stored = k.Secret.Reveal()
		return boom
	})
	require.ErrorIs(t, err, boom)
	assert.Nil(t, nk)
	assert.NotEmpty(t, stored)
	assert.Equal(t, before, namedIDs(srv), "the new token was deleted, the old one kept")
	assert.Equal(t, old, credentialKeyID(t, c))
	_, err = c.GetKey(ctx, old)
	assert.NoError(t, err, "the client still works with the old token")
}

// A client authenticating with a confined copy of a named token: deleting
// the named token locks it out (it is its credential), and Rotate refuses
// before creating anything, since it would switch the client to an
// unconfined token.
func TestRotateOwnConfinedTokenRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c, old, tok := ownToken(t)
	confined, err := c.ConfineToken(ctx, cloudkeys.NewSecret(tok), onezone.Caveats{onezone.Until(time.Now().Add(time.Hour))})
	require.NoError(t, err)
	cc := srv.ClientWith(onezone.Token(confined.Reveal()), fastRetry())
	require.Equal(t, old, credentialKeyID(t, cc))
	before := namedIDs(srv)

	stored := false
	_, err = cloudkeys.Rotate(ctx, cc, old, func(context.Context, *cloudkeys.Key) error { stored = true; return nil })
	require.ErrorIs(t, err, cloudkeys.ErrUnsupported)
	assert.Contains(t, err.Error(), "confined copy")
	assert.False(t, stored)
	assert.Equal(t, before, namedIDs(srv), "nothing created")
	_, err = cc.GetKey(ctx, old)
	assert.NoError(t, err)

	// The unconfined token's own client may rotate it.
	_, err = cloudkeys.Rotate(ctx, c, old, func(context.Context, *cloudkeys.Key) error { return nil })
	require.NoError(t, err)
}

func TestCredentialOfNonKeyClients(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c, _, _ := ownToken(t)
	tmp, err := c.CreateTemporaryToken(ctx, onezone.CurrentUser(), onezone.TemporaryTokenRequest{Caveats: onezone.Caveats{onezone.Until(time.Now().Add(time.Hour))}})
	require.NoError(t, err)
	assert.Empty(t, credentialKeyID(t, srv.ClientWith(onezone.Token(tmp.Reveal()), fastRetry())), "a temporary token is not a key")

	basic := srv.Client(fastRetry())
	assert.Empty(t, credentialKeyID(t, basic))
	assert.ErrorIs(t, basic.UseCredential(&cloudkeys.Key{ID: "x", Secret: tmp}), cloudkeys.ErrUnsupported)
	assert.Empty(t, srv.Requests()[len(srv.Requests())-1].Header.Get("X-Auth-Token"))
}

func TestUseCredentialRefusesUnusableKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, c, old, _ := ownToken(t)
	for name, k := range map[string]*cloudkeys.Key{
		"nil":        nil,
		"no token":   {ID: "abc"},
		"line break": {ID: "abc", Secret: cloudkeys.NewSecret("MDAx\r\nX-Evil: 1")},
	} {
		assert.ErrorIs(t, c.UseCredential(k), cloudkeys.ErrInvalidRequest, name)
	}
	assert.Equal(t, old, credentialKeyID(t, c))
	_, err := c.GetKey(ctx, old)
	assert.NoError(t, err, "nothing changed")
}

// Switching while other goroutines call: every request carries one of the
// two valid tokens.
func TestUseCredentialConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c, old, tok := ownToken(t)
	user := srv.NamedTokens()[0].SubjectID
	id2, tok2 := srv.IssueAccessToken(user, "second")
	keys := []*cloudkeys.Key{{ID: old, Secret: cloudkeys.NewSecret(tok)}, {ID: id2, Secret: cloudkeys.NewSecret(tok2)}}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 4 {
		wg.Go(func() {
			for range 10 {
				if _, err := c.GetKey(ctx, old); err != nil {
					errs <- err
				}
			}
		})
	}
	for i := range 21 { // ends on the first token
		require.NoError(t, c.UseCredential(keys[i%2]))
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Equal(t, old, credentialKeyID(t, c))
}

// The token given to UseCredential is scrubbed from errors, even when the
// client never saw it before: the server below quotes the token it got.
func TestUseCredentialRegistersSecret(t *testing.T) {
	t.Parallel()
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = fmt.Fprintf(w, `{"error":{"id":"unauthorized","description":"bad token %s"}}`, r.Header.Get("X-Auth-Token"))
	}))
	defer echo.Close()
	c, err := onezone.New(echo.URL, onezone.Token("MDAxOldTokenOfTheClient"), fastRetry())
	require.NoError(t, err)
	fresh := "MDAxFreshTokenTheClientNeverSaw0123"
	require.NoError(t, c.UseCredential(&cloudkeys.Key{ID: "abc", Secret: cloudkeys.NewSecret(fresh)}))
	_, err = c.GetKey(context.Background(), "abc")
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
	assert.Contains(t, err.Error(), "bad token")
	assert.NotContains(t, err.Error(), fresh)
}
