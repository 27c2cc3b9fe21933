package cloudstack_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

const (
	chosenKey    = "chosen-api-key-for-alice-0123456789"
	chosenSecret = "chosen-secret-for-alice-0123456789"
)

func TestWireUpdateUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	answer := `{"updateuserresponse":{"user":{"id":"u1","username":"alice","apikey":"` + chosenKey + `","state":"enabled"}}}`
	cases := []struct {
		name   string
		p      cloudstack.UpdateUserRequest
		params url.Values
	}{
		{"keys", cloudstack.UpdateUserRequest{ID: "u1", UserAPIKey: chosenKey, UserSecretKey: cloudkeys.NewSecret("s3cr~t*/+ x")},
			url.Values{"command": {"updateUser"}, "id": {"u1"}, "userapikey": {chosenKey}, "usersecretkey": {"s3cr~t*/+ x"}}},
		{"every field", cloudstack.UpdateUserRequest{ID: "u1", UserAPIKey: "k", UserSecretKey: cloudkeys.NewSecret("s"),
			Email: "a@example.com", FirstName: "Alice", LastName: "Liddell", Username: "alice2", Timezone: "Europe/Warsaw",
			Password: cloudkeys.NewSecret("new pass"), CurrentPassword: cloudkeys.NewSecret("old pass"), APIKeyAccess: "Disabled"},
			url.Values{"command": {"updateUser"}, "id": {"u1"}, "userapikey": {"k"}, "usersecretkey": {"s"}, "email": {"a@example.com"},
				"firstname": {"Alice"}, "lastname": {"Liddell"}, "username": {"alice2"}, "timezone": {"Europe/Warsaw"},
				"password": {"new pass"}, "currentpassword": {"old pass"}, "apikeyaccess": {"Disabled"}}},
		{"only an email", cloudstack.UpdateUserRequest{ID: "u1", Email: "a@example.com"},
			url.Values{"command": {"updateUser"}, "id": {"u1"}, "email": {"a@example.com"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, w := newWire(t, cloudstack.APIKey(mockAK, mockSK), answer)
			u, err := c.UpdateUser(ctx, tc.p)
			require.NoError(t, err)
			assert.Equal(t, "u1", u.ID)
			assert.Equal(t, chosenKey, u.APIKey)
			r := w.last(t)
			assert.Equal(t, http.MethodPost, r.Method)
			assert.Empty(t, r.RawQuery)
			assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
			assert.Equal(t, signed(tc.params), r.Body)
			assert.Contains(t, r.Body, "&signature=")
			assert.Equal(t, 1, w.mock.GetTotalCallCount())
		})
	}
}

func TestUpdateUserRefusesBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cases := []struct {
		name  string
		p     cloudstack.UpdateUserRequest
		field string
	}{
		{"no id", cloudstack.UpdateUserRequest{UserAPIKey: "k", UserSecretKey: cloudkeys.NewSecret("s")}, "ID"},
		{"key without secret", cloudstack.UpdateUserRequest{ID: "u1", UserAPIKey: "k"}, "UserSecretKey"},
		{"secret without key", cloudstack.UpdateUserRequest{ID: "u1", UserSecretKey: cloudkeys.NewSecret("s")}, "UserAPIKey"},
		{"blank key", cloudstack.UpdateUserRequest{ID: "u1", UserAPIKey: "  ", UserSecretKey: cloudkeys.NewSecret("s")}, "UserAPIKey"},
		{"TAB in the secret", cloudstack.UpdateUserRequest{ID: "u1", UserAPIKey: "k", UserSecretKey: cloudkeys.NewSecret("a\tb")}, "UserSecretKey"},
		{"DEL in a name", cloudstack.UpdateUserRequest{ID: "u1", FirstName: "x\x7f"}, "FirstName"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, w := newWire(t, cloudstack.APIKey(mockAK, mockSK), `{}`)
			_, err := c.UpdateUser(ctx, tc.p)
			require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
			var ie *cloudkeys.InvalidInputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tc.field, ie.Field)
			assert.NotContains(t, err.Error(), "a\tb")
			assert.Equal(t, 0, w.mock.GetTotalCallCount(), "nothing sent")
		})
	}
}

// TestUpdateUserScrubsSecrets: an error answer that quotes the secret or a
// password (a proxy, a future server) never shows it, nor does the log.
func TestUpdateUserScrubsSecrets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var logs logBuffer
	const password = "new-password-1234"
	body := `{"updateuserresponse":{"uuidList":[],"errorcode":431,"cserrorcode":4350,"errortext":"bad values ` + chosenSecret + ` and ` + password + `"}}`
	c, err := cloudstack.New(mockURL, cloudstack.APIKey(mockAK, mockSK), cloudkeys.WithLogger(debugLogger(&logs)), fastRetry,
		cloudkeys.WithHTTPClient(&http.Client{Transport: roundTrip(func(*http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: 431, Header: http.Header{"Content-Type": {"application/json"}},
				Body: ioNopCloser(body)}, nil
		})}))
	require.NoError(t, err)
	_, err = c.UpdateUser(ctx, cloudstack.UpdateUserRequest{ID: "u1", UserAPIKey: chosenKey, UserSecretKey: cloudkeys.NewSecret(chosenSecret),
		Password: cloudkeys.NewSecret(password)})
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	assert.NotContains(t, err.Error(), chosenSecret)
	assert.NotContains(t, err.Error(), password)
	assert.Contains(t, err.Error(), "[REDACTED]")
	assert.NotContains(t, logs.String(), chosenSecret)
	assert.NotContains(t, logs.String(), password)
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func ioNopCloser(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }

// TestUpdateUserKeysAuthenticate: against the fake, enforced and stock, on
// both key models: the admin sets a user's keys, a client with those keys
// works and the old key does not.
func TestUpdateUserKeysAuthenticate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		stock   bool
		version string
	}{
		{"4.22 enforced", false, "4.22.0.0"},
		{"4.22 stock", true, "4.22.0.0"},
		{"4.23 enforced", false, "4.23.0.0"},
		{"4.23 stock", true, "4.23.0.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			start := newFake
			if tc.stock {
				start = newStockFake
			}
			srv, admin := start(t, cloudstacktest.WithVersion(tc.version))
			alice := srv.AddUser(cloudstacktest.UserSpec{Username: "alice"})
			old, ok := srv.GenerateKeys(alice.ID)
			require.True(t, ok)

			u, err := admin.UpdateUser(ctx, cloudstack.UpdateUserRequest{ID: alice.ID, UserAPIKey: chosenKey, UserSecretKey: cloudkeys.NewSecret(chosenSecret)})
			require.NoError(t, err)
			assert.Equal(t, alice.ID, u.ID)
			assert.Equal(t, chosenKey, u.APIKey)
			assert.True(t, u.SecretKey.IsZero(), "the answer never carries the secret")

			ac := clientAs(t, srv, cloudstack.APIKey(chosenKey, chosenSecret))
			keys, err := ac.GetUserKeys(ctx, alice.ID)
			require.NoError(t, err, "the chosen keys authenticate")
			assert.Equal(t, chosenKey, keys.APIKey)
			assert.Equal(t, chosenSecret, keys.SecretKey.Reveal())

			oc := clientAs(t, srv, cloudstack.APIKey(old.APIKey, old.SecretKey.Reveal()))
			_, err = oc.ListCapabilities(ctx)
			require.ErrorIs(t, err, cloudkeys.ErrUnauthorized, "the old key was replaced")

			// Another user's API key is refused, and nothing changes.
			bob := srv.AddUser(cloudstacktest.UserSpec{Username: "bob"})
			_, _ = srv.GenerateKeys(bob.ID)
			_, err = admin.UpdateUser(ctx, cloudstack.UpdateUserRequest{ID: bob.ID, UserAPIKey: chosenKey, UserSecretKey: cloudkeys.NewSecret("other")})
			require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
			var ae *cloudkeys.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, 431, ae.StatusCode)
			assert.Equal(t, "4350", ae.Code)
			assert.Equal(t, "updateUser", ae.Operation)
			_, err = ac.ListCapabilities(ctx)
			require.NoError(t, err)
		})
	}
}

func TestUpdateUserAsTheUserAndByOthers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, _ := newFake(t)
	carol := srv.AddUser(cloudstacktest.UserSpec{Username: "carol", Password: "carol-old-pass"})
	kp, _ := srv.GenerateKeys(carol.ID)
	cc := clientAs(t, srv, cloudstack.APIKey(kp.APIKey, kp.SecretKey.Reveal()))

	_, err := cc.UpdateUser(ctx, cloudstack.UpdateUserRequest{ID: carol.ID, Password: cloudkeys.NewSecret("carol-new-pass")})
	require.ErrorIs(t, err, cloudkeys.ErrInvalidRequest, "a user must give the current password")
	u, err := cc.UpdateUser(ctx, cloudstack.UpdateUserRequest{ID: carol.ID, Password: cloudkeys.NewSecret("carol-new-pass"),
		CurrentPassword: cloudkeys.NewSecret("carol-old-pass"), FirstName: "Carol"})
	require.NoError(t, err)
	assert.Equal(t, "Carol", u.FirstName)
	lc := clientAs(t, srv, cloudstack.Login("carol", "carol-new-pass", "/"))
	_, err = lc.Login(ctx)
	require.NoError(t, err)

	dan := srv.AddUser(cloudstacktest.UserSpec{Username: "dan"})
	_, err = cc.UpdateUser(ctx, cloudstack.UpdateUserRequest{ID: dan.ID, FirstName: "Mallory"})
	require.ErrorIs(t, err, cloudkeys.ErrForbidden, "another account's user: 531")
	_, err = cc.UpdateUser(ctx, cloudstack.UpdateUserRequest{ID: cloudstacktest.SystemUserID, FirstName: "x"})
	require.ErrorIs(t, err, cloudkeys.ErrForbidden)
}

// TestLostUpdateUserIsOutcomeUnknown: updateUser is a write; a lost answer
// is never re-sent.
func TestLostUpdateUserIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newFake(t)
	alice := srv.AddUser(cloudstacktest.UserSpec{Username: "alice"})
	_, err := c.ListCapabilities(ctx)
	require.NoError(t, err)
	srv.FailNextWith(1, cloudstacktest.Fault{Commit: true, Drop: true, Match: commandIs("updateUser")})
	_, err = c.UpdateUser(ctx, cloudstack.UpdateUserRequest{ID: alice.ID, UserAPIKey: chosenKey, UserSecretKey: cloudkeys.NewSecret(chosenSecret)})
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.NotContains(t, err.Error(), chosenSecret)
	assert.Equal(t, 1, countCommand(srv, "updateUser"), "never re-sent")
	keys := srv.UserKeys(alice.ID)
	require.Len(t, keys, 1, "it was applied")
	assert.Equal(t, chosenKey, keys[0].APIKey)
}

func TestUpdateUserOnTheIntegrationPort(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newStockFake(t, cloudstacktest.WithIntegrationPort())
	alice := srv.AddUser(cloudstacktest.UserSpec{Username: "alice"})
	u, err := c.UpdateUser(ctx, cloudstack.UpdateUserRequest{ID: alice.ID, UserAPIKey: chosenKey, UserSecretKey: cloudkeys.NewSecret(chosenSecret)})
	require.NoError(t, err)
	assert.Equal(t, chosenKey, u.APIKey)
	_, err = c.UpdateUser(ctx, cloudstack.UpdateUserRequest{ID: alice.ID, Password: cloudkeys.NewSecret("pw-1234")})
	require.ErrorIs(t, err, cloudkeys.ErrForbidden, "password is not accepted on the admin port (531)")
}
