package e24_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/md5"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/e24"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
)

func newFake(t *testing.T, opts ...e24test.Option) (*e24test.Server, *e24.Client) {
	t.Helper()
	srv := e24test.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv, srv.Client(fastRetry())
}

// printableASCII is every printable ASCII character, space to tilde.
func printableASCII() string {
	var b strings.Builder
	for c := byte(0x20); c <= 0x7e; c++ {
		b.WriteByte(c)
	}
	return b.String()
}

func TestSigningVerifiedByFake(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	all := printableASCII()
	tests := []struct {
		name, method, query, body string
	}{
		{"no query no body", "GET", "", ""},
		{"simple query", "GET", "limit=10&offset=0", ""},
		{"escaped printable ASCII", "GET", "q=" + url.QueryEscape(all), ""},
		{"path-escaped printable ASCII", "GET", "q=" + url.PathEscape(all), ""},
		{"legal raw query characters", "GET", "a=~!$'()*+,;=:@/?&b=%7e%7E&c=", ""},
		{"unicode query", "GET", "name=" + url.QueryEscape("Zażółć gęślą jaźń ✓ 🔑"), ""},
		{"raw unicode query", "GET", "name=Zażółć", ""},
		{"unsorted duplicate keys", "GET", "z=1&a=2&a=1", ""},
		{"body printable ASCII", "POST", "", all},
		{"body unicode", "PUT", "", `{"name":"Zażółć ✓ 🔑"}`},
		{"body and query", "DELETE", "x=" + url.QueryEscape(all), `{"api_key":"` + strings.ReplaceAll(all, `"`, `\"`) + `"}`},
		{"body with newlines", "POST", "", "a\nb\r\n\tc\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// /v2/account answers only GET; a 405 (not a 401) proves the
			// signature of the other methods verified.
			status, err := c.RawCall(context.Background(), tc.method, "/account", tc.query, []byte(tc.body))
			if tc.method == "GET" {
				require.NoError(t, err)
				assert.Equal(t, 200, status)
				return
			}
			require.Error(t, err)
			assert.Equal(t, 405, status, "%v", err)
		})
	}

	// Typed endpoint: every printable ASCII character and Unicode in values.
	first, last := all, "Gęślą ✓ 🔑 "+all
	require.NoError(t, c.UpdateAccount(context.Background(), e24.UpdateAccountRequest{FirstName: first, LastName: last, Phone: "+48 61 000"}))
	f, l, p := srv.Profile()
	assert.Equal(t, first, f)
	assert.Equal(t, last, l)
	assert.Equal(t, "+48 61 000", p)
}

func TestFakeRejectsBadSignatures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newFake(t)
	key, _ := srv.AdminKey()

	bad := srv.ClientFor(key, cloudkeys.NewSecret("wrong-secret"), fastRetry())
	_, err := bad.GetAccount(ctx)
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 401, ae.StatusCode)
	assert.Equal(t, 1, ae.Attempts, "a 401 is not retried")
	assert.Contains(t, ae.Message, "invalid signature")

	unknown := srv.ClientFor("NOPE", cloudkeys.NewSecret("x"), fastRetry())
	_, err = unknown.GetAccount(ctx)
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)

	// X-Date skew: 10 minutes is inside the default window, 20 is not.
	for _, tc := range []struct {
		skew time.Duration
		ok   bool
	}{{10 * time.Minute, true}, {-10 * time.Minute, true}, {20 * time.Minute, false}, {-20 * time.Minute, false}} {
		skewed := srv.Client(fastRetry(), cloudkeys.WithClock(func() time.Time { return srv.Now().Add(tc.skew) }))
		_, err := skewed.GetAccount(ctx)
		if tc.ok {
			assert.NoError(t, err, tc.skew)
		} else {
			assert.ErrorIs(t, err, cloudkeys.ErrUnauthorized, tc.skew)
		}
	}
	srv.SetSkewWindow(time.Hour)
	skewed := srv.Client(fastRetry(), cloudkeys.WithClock(func() time.Time { return srv.Now().Add(50 * time.Minute) }))
	_, err = skewed.GetAccount(ctx)
	require.NoError(t, err)

	// The fake's clock is settable: freeze it far away and every call fails.
	srv.Clock().Set(time.Date(2016, 7, 4, 14, 1, 2, 0, time.UTC))
	_, err = c.GetAccount(ctx)
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
	fixed := srv.Client(fastRetry(), cloudkeys.WithClock(srv.Now))
	_, err = fixed.GetAccount(ctx)
	require.NoError(t, err)
}

func TestFakeEndpoints(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newFake(t, e24test.WithAccount("owner@example.com", "Olga", "Owner"))

	acc, err := c.GetAccount(ctx)
	require.NoError(t, err)
	assert.Equal(t, srv.AccountID(), acc.ID)
	assert.Equal(t, "Olga Owner", acc.Name)
	assert.Equal(t, "owner@example.com", acc.Email)
	key, sec := srv.AdminKey()
	require.Len(t, acc.API, 1)
	assert.Equal(t, key, acc.API[0].APIKey)
	assert.True(t, sec.Equal(acc.API[0].SecretKey))
	assert.Equal(t, []e24.Group{{ID: "1", Name: "admins"}}, acc.Groups)
	files := srv.FilesKeys()
	assert.Equal(t, files.S3.APIID, acc.E24Files.S3.APIID)
	assert.True(t, files.S3.SecretKey.Equal(acc.E24Files.S3.SecretKey))

	t.Run("UpdateAccount", func(t *testing.T) {
		require.NoError(t, c.UpdateAccount(ctx, e24.UpdateAccountRequest{Phone: "+48 1", Password: cloudkeys.NewSecret("n3w-pass")}))
		f, _, p := srv.Profile()
		assert.Equal(t, "Olga", f)
		assert.Equal(t, "+48 1", p)
		assert.True(t, srv.CheckPassword("owner@example.com", "n3w-pass"))
	})

	t.Run("API keys", func(t *testing.T) {
		pair, err := c.CreateAPIKey(ctx)
		require.NoError(t, err)
		assert.Contains(t, srv.APIKeys(), pair.APIKey)
		other := srv.ClientFor(pair.APIKey, pair.SecretKey, fastRetry())
		_, err = other.GetAccount(ctx)
		require.NoError(t, err)

		renewed, err := c.RegenerateAPISecret(ctx, pair.APIKey)
		require.NoError(t, err)
		assert.Equal(t, pair.APIKey, renewed.APIKey)
		assert.False(t, renewed.SecretKey.Equal(pair.SecretKey))
		_, err = other.GetAccount(ctx)
		require.ErrorIs(t, err, cloudkeys.ErrUnauthorized, "old secret is dead")
		_, err = srv.ClientFor(pair.APIKey, renewed.SecretKey, fastRetry()).GetAccount(ctx)
		require.NoError(t, err)

		require.NoError(t, c.DeleteAPIKey(ctx, pair.APIKey))
		assert.NotContains(t, srv.APIKeys(), pair.APIKey)
		err = c.DeleteAPIKey(ctx, pair.APIKey)
		require.ErrorIs(t, err, cloudkeys.ErrNotFound)
		_, err = c.RegenerateAPISecret(ctx, "missing")
		require.ErrorIs(t, err, cloudkeys.ErrNotFound)
	})

	t.Run("own secret renewed", func(t *testing.T) {
		own := c.APIKeyID()
		_, err := c.RegenerateAPISecret(ctx, own)
		require.NoError(t, err)
		_, err = c.GetAccount(ctx)
		require.NoError(t, err, "the client switched to its new secret")
		_, sec := srv.AdminKey()
		_, err = srv.ClientFor(own, sec).GetAccount(ctx)
		require.NoError(t, err)
	})

	t.Run("SSH keys", func(t *testing.T) {
		line, blob := ed25519Line(t, "me@laptop")
		up, err := c.AddSSHKey(ctx, e24.AddSSHKeyRequest{Name: "laptop", Method: e24.SSHKeyUpload, Content: line})
		require.NoError(t, err)
		assert.Equal(t, md5Colon(blob), up.Fingerprint)
		assert.Equal(t, "laptop", up.Name)
		assert.True(t, up.PrivateKey.IsZero())

		gen, err := c.AddSSHKey(ctx, e24.AddSSHKeyRequest{Name: "ci", Method: e24.SSHKeyGenerate})
		require.NoError(t, err)
		assert.NotEqual(t, up.ID, gen.ID)
		require.False(t, gen.PrivateKey.IsZero(), "the generated private key is kept")
		block, _ := pem.Decode([]byte(gen.PrivateKey.Reveal()))
		require.NotNil(t, block)
		assert.Equal(t, "PRIVATE KEY", block.Type)
		priv, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		require.NoError(t, err)
		edPriv, ok := priv.(ed25519.PrivateKey)
		require.True(t, ok)
		wantLine := "ssh-ed25519 " + base64.StdEncoding.EncodeToString(sshBlob(edPriv.Public().(ed25519.PublicKey)))
		assert.True(t, strings.HasPrefix(gen.PublicKey, wantLine), gen.PublicKey)
		assert.Equal(t, md5Colon(sshBlob(edPriv.Public().(ed25519.PublicKey))), gen.Fingerprint)

		acc, err := c.GetAccount(ctx)
		require.NoError(t, err)
		require.Len(t, acc.SSHKeys, 2)
		assert.Equal(t, up.ID, acc.SSHKeys[0].ID)
		assert.True(t, acc.SSHKeys[1].PrivateKey.IsZero(), "listing never shows the private key")

		_, err = c.AddSSHKey(ctx, e24.AddSSHKeyRequest{Name: "bad", Method: e24.SSHKeyUpload, Content: "ssh-rsa AAAA"})
		require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)

		require.NoError(t, c.DeleteSSHKey(ctx, up.ID))
		require.ErrorIs(t, c.DeleteSSHKey(ctx, up.ID), cloudkeys.ErrNotFound)
		require.Len(t, srv.SSHKeys(), 1)
	})

	t.Run("e24files", func(t *testing.T) {
		before := srv.FilesKeys()
		got, err := c.RegenerateFilesSecret(ctx, "")
		require.NoError(t, err)
		after := srv.FilesKeys()
		assert.False(t, before.S3.SecretKey.Equal(after.S3.SecretKey))
		assert.True(t, after.S3.SecretKey.Equal(got.S3.SecretKey))
		assert.True(t, after.Swift.SecretKey.Equal(got.Swift.SecretKey))
		assert.Equal(t, before.S3.APIID, got.S3.APIID)
		_, err = c.RegenerateFilesSecret(ctx, "unknown")
		require.ErrorIs(t, err, cloudkeys.ErrNotFound)
	})

	t.Run("sub-accounts", func(t *testing.T) {
		for i := range 4 {
			srv.AddUser(fmt.Sprintf("seed%d@example.com", i), "pw")
		}
		u, err := c.CreateAccount(ctx, e24.CreateAccountRequest{Email: "new@example.com", FirstName: "N", LastName: "U", Password: cloudkeys.NewSecret("s3cret-pw")})
		require.NoError(t, err)
		assert.Equal(t, "new@example.com", u.Email)
		require.Len(t, u.API, 1)
		require.NotNil(t, u.E24Files)
		assert.True(t, srv.CheckPassword("new@example.com", "s3cret-pw"))

		_, err = c.CreateAccount(ctx, e24.CreateAccountRequest{Email: "new@example.com", Password: cloudkeys.NewSecret("x")})
		require.ErrorIs(t, err, cloudkeys.ErrConflict)

		var emails []string
		for u, err := range c.ListAccounts(ctx, e24.ListAccountsOptions{PageSize: 2}) {
			require.NoError(t, err)
			emails = append(emails, u.Email)
		}
		assert.Equal(t, []string{"seed0@example.com", "seed1@example.com", "seed2@example.com", "seed3@example.com", "new@example.com"}, emails)
		for _, size := range []int{1, 2, 5, 6} {
			var paged []string
			pages := 0
			for next := &(e24.ListAccountsOptions{PageSize: size}); next != nil; pages++ {
				p, err := c.ListAccountsPage(ctx, *next)
				require.NoError(t, err)
				for _, u := range p.Users {
					paged = append(paged, u.Email)
				}
				next = p.Next
			}
			assert.Equal(t, emails, paged, "page size %d", size)
			assert.Equal(t, 5/size+1, pages, "page size %d: full pages, then a short one", size)
		}
		var fromOffset []string
		for u, err := range c.ListAccounts(ctx, e24.ListAccountsOptions{PageSize: 2, Offset: 3}) {
			require.NoError(t, err)
			fromOffset = append(fromOffset, u.Email)
		}
		assert.Equal(t, emails[3:], fromOffset)

		sub := srv.ClientFor(u.API[0].APIKey, u.API[0].SecretKey, fastRetry())
		subAcc, err := sub.GetAccount(ctx)
		require.NoError(t, err)
		assert.Equal(t, u.ID, subAcc.ID)
		_, err = sub.ListAccountsPage(ctx, e24.ListAccountsOptions{PageSize: 10})
		require.ErrorIs(t, err, cloudkeys.ErrForbidden)
	})
}

func TestFakeRetriesReads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newFake(t)

	srv.FailNext(2, 503)
	_, err := c.GetAccount(ctx)
	require.NoError(t, err)
	assert.Len(t, srv.Requests(), 3)

	srv.ResetRequests()
	srv.FailNext(3, 502)
	_, err = c.GetAccount(ctx)
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 3, ae.Attempts)
	assert.Equal(t, "Bad Gateway", ae.Message, "the fake's error body is read")
	assert.ErrorIs(t, err, cloudkeys.ErrServer)

	// Each retry is signed afresh (a new X-Date from the clock).
	srv.ResetRequests()
	srv.FailNext(1, 429)
	_, err = c.GetAccount(ctx)
	require.NoError(t, err)
	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	assert.NotEmpty(t, reqs[1].Header.Get("X-Date"))

	// Writes are not retried on a status.
	srv.ResetRequests()
	srv.FailNext(1, 503)
	_, err = c.CreateAPIKey(ctx)
	require.ErrorIs(t, err, cloudkeys.ErrServer)
	assert.Len(t, srv.Requests(), 1)
	assert.Len(t, srv.APIKeys(), 1)
}

func TestLostCreateIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	srv.CommitThenDrop(1)
	_, err := c.CreateAPIKey(context.Background())
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.Len(t, srv.APIKeys(), 2, "exactly one key was created")
	assert.Len(t, srv.Requests(), 1, "never re-sent")

	srv.CommitThenDrop(1)
	_, err = c.CreateKey(context.Background(), cloudkeys.CreateKeyRequest{})
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.Len(t, srv.APIKeys(), 3)

	srv.CommitThenDrop(1)
	_, err = c.AddSSHKey(context.Background(), e24.AddSSHKeyRequest{Name: "x", Method: e24.SSHKeyGenerate})
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.Len(t, srv.SSHKeys(), 1)
}

func TestDeletesAreIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newFake(t)
	k, _ := srv.AddAPIKey()
	srv.CommitThenDrop(1)
	require.NoError(t, c.DeleteAPIKey(ctx, k), "404 after a retry is success")
	assert.Len(t, srv.Requests(), 2)
	assert.NotContains(t, srv.APIKeys(), k)

	gen, err := c.AddSSHKey(ctx, e24.AddSSHKeyRequest{Name: "x", Method: e24.SSHKeyGenerate})
	require.NoError(t, err)
	srv.FailNextWith(1, e24test.Fault{Commit: true, Status: 504})
	require.NoError(t, c.DeleteSSHKey(ctx, gen.ID))
	assert.Empty(t, srv.SSHKeys())
}

func TestKeyManagerLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newFake(t)
	var km cloudkeys.KeyManager = c
	assert.Equal(t, "e24", km.Vendor())
	caps, err := km.Capabilities(ctx)
	require.NoError(t, err)
	assert.Equal(t, cloudkeys.Capabilities{MultipleKeys: true, Delete: true, Rotate: true}, caps)

	k, err := km.CreateKey(ctx, cloudkeys.CreateKeyRequest{})
	require.NoError(t, err)
	assert.Equal(t, "e24", k.Vendor)
	assert.Equal(t, k.ID, k.AccessKey)
	assert.False(t, k.Secret.IsZero())
	assert.True(t, k.Enabled)

	k2, err := km.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: srv.AccountID(), Description: "ci", Name: "n"})
	require.NoError(t, err)
	assert.Equal(t, srv.AccountID(), k2.Owner)
	assert.Empty(t, k2.Description, "e24cloud stores no description")

	keys, err := cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	require.NoError(t, err)
	require.Len(t, keys, 3)
	assert.Equal(t, k.ID, keys[1].ID)
	assert.True(t, k.Secret.Equal(keys[1].Secret))
	_, err = cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: "someone-else"}))
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)

	got, err := km.GetKey(ctx, k.ID)
	require.NoError(t, err)
	assert.Equal(t, srv.AccountID(), got.Owner)

	rot, err := km.RotateKey(ctx, k.ID)
	require.NoError(t, err)
	assert.Equal(t, k.ID, rot.ID)
	assert.False(t, rot.Secret.Equal(k.Secret))

	require.ErrorIs(t, km.SetKeyEnabled(ctx, k.ID, false), cloudkeys.ErrUnsupported)
	_, err = km.CreateKey(ctx, cloudkeys.CreateKeyRequest{ExpiresAt: time.Now().Add(time.Hour)})
	require.ErrorIs(t, err, cloudkeys.ErrUnsupported)
	_, err = km.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: "other"})
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)

	require.NoError(t, km.DeleteKey(ctx, k.ID))
	require.NoError(t, km.DeleteKey(ctx, k2.ID))
	_, err = km.GetKey(ctx, k.ID)
	require.ErrorIs(t, err, cloudkeys.ErrNotFound)
	require.ErrorIs(t, km.DeleteKey(ctx, k.ID), cloudkeys.ErrNotFound)
	assert.Len(t, srv.APIKeys(), 1)
}

func TestRotateKeepsOldKeyUntilStored(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, admin := newFake(t)
	old, err := admin.CreateKey(ctx, cloudkeys.CreateKeyRequest{})
	require.NoError(t, err)
	oldClient := srv.ClientFor(old.ID, old.Secret, fastRetry())

	stored := 0
	nk, err := cloudkeys.Rotate(ctx, admin, old.ID, func(ctx context.Context, k *cloudkeys.Key) error {
		stored++
		_, err := oldClient.GetAccount(ctx)
		require.NoError(t, err, "old key still works while the new one is stored")
		_, err = srv.ClientFor(k.ID, k.Secret).GetAccount(ctx)
		require.NoError(t, err, "new key works before it is stored")
		assert.Contains(t, srv.APIKeys(), old.ID)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 1, stored)
	assert.NotEqual(t, old.ID, nk.ID)
	assert.NotContains(t, srv.APIKeys(), old.ID)
	_, err = oldClient.GetAccount(ctx)
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized, "old key deleted after the store")
	_, err = srv.ClientFor(nk.ID, nk.Secret).GetAccount(ctx)
	require.NoError(t, err)

	// A failing store deletes the new key and keeps the old one.
	before := srv.APIKeys()
	_, err = cloudkeys.Rotate(ctx, admin, nk.ID, func(context.Context, *cloudkeys.Key) error { return errors.New("vault down") })
	require.Error(t, err)
	assert.Equal(t, before, srv.APIKeys())
	_, err = srv.ClientFor(nk.ID, nk.Secret).GetAccount(ctx)
	require.NoError(t, err)
}

func TestInMemoryFake(t *testing.T) {
	t.Parallel()
	srv := e24test.NewServer(e24test.WithInMemory())
	defer srv.Close()
	c := srv.Client(fastRetry())
	srv.FailNext(1, 503)
	k, err := c.CreateKey(context.Background(), cloudkeys.CreateKeyRequest{})
	require.ErrorIs(t, err, cloudkeys.ErrServer)
	require.Nil(t, k)
	k, err = c.CreateKey(context.Background(), cloudkeys.CreateKeyRequest{})
	require.NoError(t, err)
	srv.CommitThenDrop(1)
	require.NoError(t, c.DeleteKey(context.Background(), k.ID))
	assert.Len(t, srv.APIKeys(), 1)
	assert.Equal(t, 0, srv.Connections())
}

func sshBlob(pub ed25519.PublicKey) []byte {
	var buf bytes.Buffer
	for _, s := range [][]byte{[]byte("ssh-ed25519"), pub} {
		_ = binary.Write(&buf, binary.BigEndian, uint32(len(s)))
		buf.Write(s)
	}
	return buf.Bytes()
}

func ed25519Line(t *testing.T, comment string) (string, []byte) {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	blob := sshBlob(pub)
	return "ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob) + " " + comment, blob
}

func md5Colon(b []byte) string {
	sum := md5.Sum(b)
	parts := make([]string, len(sum))
	for i, x := range sum {
		parts[i] = fmt.Sprintf("%02x", x)
	}
	return strings.Join(parts, ":")
}
