package cloudstacktest_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

// post sends a command signed with the given keys (signature version 3) as
// a POST form.
func (c *client) post(apiKey, secret, command string, p url.Values) answer {
	c.t.Helper()
	all := url.Values{"command": {command}, "apiKey": {apiKey}, "response": {"json"},
		"signatureversion": {"3"}, "expires": {c.expires(time.Minute)}}
	for k, v := range p {
		all[k] = v
	}
	return c.send(http.MethodPost, "", goSign(all, secret))
}

func (c *client) asAdmin(command string, p url.Values) answer {
	return c.post(c.srv.AdminAPIKey(), c.srv.AdminSecretKey().Reveal(), command, p)
}

// keyState lists a user's pairs as id, API key and secret.
func keyState(srv *cloudstacktest.Server, userID string) [][3]string {
	var out [][3]string
	for _, k := range srv.UserKeys(userID) {
		out = append(out, [3]string{k.ID, k.APIKey, k.SecretKey.Reveal()})
	}
	return out
}

const (
	newKey    = "chosen-api-key-0123456789"
	newSecret = "chosen-secret-key-0123456789"
)

// TestUpdateUserKeys: updateUser with userapikey/usersecretkey
// (UpdateUserCmd; AccountManagerImpl.updateUser and
// validateAndUpdateApiAndSecretKeyIfNeeded, apache/cloudstack @43d42b0).
func TestUpdateUserKeys(t *testing.T) {
	t.Parallel()
	t.Run("the admin sets a user's keys; the user signs with them, the old key is dead", func(t *testing.T) {
		t.Parallel()
		c := newClient(t, cloudstacktest.WithEnforcement())
		alice := c.srv.AddUser(cloudstacktest.UserSpec{Username: "alice"})
		old, ok := c.srv.GenerateKeys(alice.ID)
		require.True(t, ok)
		a := c.asAdmin("updateUser", url.Values{"id": {alice.ID}, "userapikey": {newKey}, "usersecretkey": {newSecret}})
		require.Equal(t, 200, a.status, "%v", a.body)
		assert.Equal(t, "updateuserresponse", a.name)
		user := a.body["user"].(map[string]any)
		assert.Equal(t, alice.ID, user["id"])
		assert.Equal(t, newKey, user["apikey"])
		assert.NotContains(t, user, "secretkey", "UserResponse carries no secret since 4.10")

		assert.Equal(t, 200, c.post(newKey, newSecret, "listUsers", nil).status, "the chosen keys authenticate")
		assert.Equal(t, 401, c.post(old.APIKey, old.SecretKey.Reveal(), "listUsers", nil).status, "the old pair was replaced")
		keys := c.srv.UserKeys(alice.ID)
		require.Len(t, keys, 1)
		assert.Equal(t, old.ID, keys[0].ID, "the same pair, new keys")
		assert.Equal(t, newSecret, keys[0].SecretKey.Reveal())
	})
	t.Run("a user without keys gets them", func(t *testing.T) {
		t.Parallel()
		c := newClient(t)
		bob := c.srv.AddUser(cloudstacktest.UserSpec{Username: "bob"})
		require.Equal(t, 200, c.asAdmin("updateUser", url.Values{"id": {bob.ID}, "userapikey": {newKey}, "usersecretkey": {newSecret}}).status)
		assert.Equal(t, 200, c.post(newKey, newSecret, "getUserKeys", url.Values{"id": {bob.ID}}).status)
	})
	t.Run("a user sets their own keys", func(t *testing.T) {
		t.Parallel()
		c := newClient(t)
		carol := c.srv.AddUser(cloudstacktest.UserSpec{Username: "carol"})
		kp, _ := c.srv.GenerateKeys(carol.ID)
		a := c.post(kp.APIKey, kp.SecretKey.Reveal(), "updateUser", url.Values{"id": {carol.ID}, "userapikey": {kp.APIKey}, "usersecretkey": {newSecret}})
		require.Equal(t, 200, a.status, "%v", a.body)
		assert.Equal(t, 200, c.post(kp.APIKey, newSecret, "listUsers", nil).status, "the user's own API key may be kept (4.22)")
	})

	cases := []struct {
		name    string
		version string
		params  func(c *client, alice, bob cloudstacktest.User) url.Values
		status  int
		text    string
	}{
		{"API key without secret", "", func(_ *client, a, _ cloudstacktest.User) url.Values {
			return url.Values{"id": {a.ID}, "userapikey": {newKey}}
		}, 431, "Please provide a userApiKey/userSecretKey pair"},
		{"secret without API key", "", func(_ *client, a, _ cloudstacktest.User) url.Values {
			return url.Values{"id": {a.ID}, "usersecretkey": {newSecret}}
		}, 431, "Please provide a userApiKey/userSecretKey pair"},
		{"blank secret", "", func(_ *client, a, _ cloudstacktest.User) url.Values {
			return url.Values{"id": {a.ID}, "userapikey": {newKey}, "usersecretkey": {"   "}}
		}, 431, "Please provide a userApiKey/userSecretKey pair"},
		{"another user's API key", "", func(c *client, a, _ cloudstacktest.User) url.Values {
			return url.Values{"id": {a.ID}, "userapikey": {c.srv.AdminAPIKey()}, "usersecretkey": {newSecret}}
		}, 431, "The API key [$ADMINKEY] already exists in the system. Please provide a unique key."},
		{"the SYSTEM user", "", func(_ *client, _, _ cloudstacktest.User) url.Values {
			return url.Values{"id": {cloudstacktest.SystemUserID}, "userapikey": {newKey}, "usersecretkey": {newSecret}}
		}, 531, ""},
		{"an unknown user", "", func(_ *client, _, _ cloudstacktest.User) url.Values {
			return url.Values{"id": {"00000000-0000-0000-0000-00000000dead"}, "userapikey": {newKey}, "usersecretkey": {newSecret}}
		}, 431, ""},
		{"no id", "", func(_ *client, _, _ cloudstacktest.User) url.Values {
			return url.Values{"userapikey": {newKey}, "usersecretkey": {newSecret}}
		}, 431, "Unable to execute API command updateuser due to missing parameter id"},
		{"bad apikeyaccess", "", func(_ *client, a, _ cloudstacktest.User) url.Values {
			return url.Values{"id": {a.ID}, "apikeyaccess": {"sometimes"}}
		}, 431, "ApiKeyAccess value can only be Enabled/Disabled/Inherit"},
		{"blank first name", "", func(_ *client, a, _ cloudstacktest.User) url.Values {
			return url.Values{"id": {a.ID}, "firstname": {" "}}
		}, 431, "Firstname cannot be empty."},
		{"taken username", "", func(_ *client, a, b cloudstacktest.User) url.Values {
			return url.Values{"id": {a.ID}, "username": {b.Username}}
		}, 431, ""},
		{"4.23: pair message", "4.23.0.0", func(_ *client, a, _ cloudstacktest.User) url.Values {
			return url.Values{"id": {a.ID}, "userapikey": {newKey}}
		}, 431, "Please provide a valid API and secret key pair."},
		{"4.23: a user without pairs", "4.23.0.0", func(_ *client, _, b cloudstacktest.User) url.Values {
			return url.Values{"id": {b.ID}, "userapikey": {newKey}, "usersecretkey": {newSecret}}
		}, 431, "User [bob] has no active API key pairs to be updated."},
		{"4.23: even the user's own API key is taken", "4.23.0.0", func(c *client, a, _ cloudstacktest.User) url.Values {
			return url.Values{"id": {a.ID}, "userapikey": {c.srv.UserKeys(a.ID)[0].APIKey}, "usersecretkey": {newSecret}}
		}, 431, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newClient(t, cloudstacktest.WithVersion(tc.version))
			alice := c.srv.AddUser(cloudstacktest.UserSpec{Username: "alice"})
			bob := c.srv.AddUser(cloudstacktest.UserSpec{Username: "bob"})
			_, _ = c.srv.GenerateKeys(alice.ID)
			before := keyState(c.srv, alice.ID)
			a := c.asAdmin("updateUser", tc.params(c, alice, bob))
			require.Equal(t, tc.status, a.status, "%v", a.body)
			assert.Equal(t, "updateuserresponse", a.name)
			if tc.text != "" {
				want := tc.text
				if want == "The API key [$ADMINKEY] already exists in the system. Please provide a unique key." {
					want = "The API key [" + c.srv.AdminAPIKey() + "] already exists in the system. Please provide a unique key."
				}
				assert.Equal(t, want, a.errorText())
			}
			assert.Equal(t, before, keyState(c.srv, alice.ID), "a refused update changes nothing")
		})
	}

	t.Run("a user may not update another account's user", func(t *testing.T) {
		t.Parallel()
		c := newClient(t)
		alice := c.srv.AddUser(cloudstacktest.UserSpec{Username: "alice"})
		mallory := c.srv.AddUser(cloudstacktest.UserSpec{Username: "mallory"})
		kp, _ := c.srv.GenerateKeys(mallory.ID)
		a := c.post(kp.APIKey, kp.SecretKey.Reveal(), "updateUser", url.Values{"id": {alice.ID}, "userapikey": {newKey}, "usersecretkey": {newSecret}})
		assert.Equal(t, 531, a.status)
	})
	t.Run("4.23: the newest pair gets the keys", func(t *testing.T) {
		t.Parallel()
		c := newClient(t, cloudstacktest.WithVersion("4.23.0.0"))
		alice := c.srv.AddUser(cloudstacktest.UserSpec{Username: "alice"})
		first, _ := c.srv.GenerateKeys(alice.ID)
		c.srv.Clock().Advance(time.Second)
		second, _ := c.srv.GenerateKeys(alice.ID)
		require.Equal(t, 200, c.asAdmin("updateUser", url.Values{"id": {alice.ID}, "userapikey": {newKey}, "usersecretkey": {newSecret}}).status)
		keys := c.srv.UserKeys(alice.ID)
		require.Len(t, keys, 2)
		assert.Equal(t, first.APIKey, keys[0].APIKey, "older pairs stay")
		assert.Equal(t, second.ID, keys[1].ID)
		assert.Equal(t, newKey, keys[1].APIKey)
	})
	t.Run("password: a user needs the current one, an admin does not", func(t *testing.T) {
		t.Parallel()
		c := newClient(t)
		dave := c.srv.AddUser(cloudstacktest.UserSpec{Username: "dave", Password: "old-pass"})
		kp, _ := c.srv.GenerateKeys(dave.ID)
		as := func(p url.Values) answer {
			p.Set("id", dave.ID)
			return c.post(kp.APIKey, kp.SecretKey.Reveal(), "updateUser", p)
		}
		assert.Equal(t, "To set a new password the current password must be provided.", as(url.Values{"password": {"new-pass"}}).errorText())
		assert.Equal(t, "Current password is incorrect.", as(url.Values{"password": {"new-pass"}, "currentpassword": {"nope"}}).errorText())
		assert.Equal(t, 200, as(url.Values{"password": {"new-pass"}, "currentpassword": {"old-pass"}}).status)
		assert.Equal(t, 200, c.asAdmin("updateUser", url.Values{"id": {dave.ID}, "password": {"admin-set"}}).status)
		login := c.send(http.MethodPost, "", "command=login&username=dave&password=admin-set&response=json")
		assert.Equal(t, 200, login.status)
	})
	t.Run("integration port", func(t *testing.T) {
		t.Parallel()
		c := newClient(t, cloudstacktest.WithIntegrationPort())
		alice := c.srv.AddUser(cloudstacktest.UserSpec{Username: "alice"})
		a := c.send(http.MethodGet, "command=updateUser&response=json&id="+alice.ID+"&password=x", "")
		assert.Equal(t, 531, a.status)
		assert.Equal(t, "Parameter password can't be passed through the API integration port", a.errorText())
		a = c.send(http.MethodGet, "command=updateUser&response=json&id="+alice.ID+"&userapikey="+newKey+"&usersecretkey="+newSecret, "")
		assert.Equal(t, 200, a.status, "%v", a.body)
	})
}
