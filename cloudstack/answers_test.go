package cloudstack_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

const phpNotice = "\n<br />\n<b>Notice</b>: Undefined index: x in /srv/x.php on line 3<br />\n"

// corrupting answers through the in-memory fake and rewrites the first
// answer whose request command and body match, keeping what it sent.
type corrupting struct {
	base    http.RoundTripper
	command string
	when    func(body []byte) bool
	rewrite func(body []byte) []byte

	mu   sync.Mutex
	done bool
	sent []byte // the rewritten answer
}

func (c *corrupting) RoundTrip(r *http.Request) (*http.Response, error) {
	cmd := r.URL.Query().Get("command")
	if cmd == "" && r.Body != nil {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		q, _ := url.ParseQuery(string(b))
		cmd = q.Get("command")
	}
	resp, err := c.base.RoundTrip(r)
	if err != nil || cmd != c.command {
		return resp, err
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.done && resp.StatusCode == http.StatusOK && (c.when == nil || c.when(body)) {
		c.done = true
		body = c.rewrite(body)
		c.sent = body
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

func appendNotice(b []byte) []byte { return append(b, phpNotice...) }
func bannerBefore(b []byte) []byte { return append([]byte("<!-- cache: MISS -->\n"), b...) }
func holdsSecret(b []byte) bool    { return bytes.Contains(b, []byte(`"secretkey"`)) }

// TestUnreadableRegistration: the answer that holds a new pair's secret —
// registerUserKeys' own, or on 4.23 the queryAsyncJobResult answer of its
// job — cannot be read: the registration's outcome is unknown, that answer
// is kept, one pair exists, no text quotes it.
func TestUnreadableRegistration(t *testing.T) {
	t.Parallel()
	dropSecret := func(b []byte) []byte { return bytes.Replace(b, []byte(`"secretkey"`), []byte(`"secretkeyX"`), 1) }
	tests := []struct {
		name    string
		opts    []cloudstacktest.Option
		command string
		rewrite func([]byte) []byte
		rotate  bool
	}{
		{"4.23 job result with a PHP notice", []cloudstacktest.Option{cloudstacktest.WithVersion("4.23.0.0")}, "queryAsyncJobResult", appendNotice, false},
		{"4.23 job result without secretkey", []cloudstacktest.Option{cloudstacktest.WithVersion("4.23.0.0")}, "queryAsyncJobResult", dropSecret, false},
		{"4.23 synchronous answer with a banner", []cloudstacktest.Option{cloudstacktest.WithVersion("4.23.0.0"), cloudstacktest.WithSyncRegister()}, "registerUserKeys", bannerBefore, false},
		{"4.22 answer with a PHP notice", nil, "registerUserKeys", appendNotice, false},
		{"4.22 rotation with a banner", nil, "registerUserKeys", bannerBefore, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := cloudstacktest.NewServer(append([]cloudstacktest.Option{cloudstacktest.WithInMemory(), cloudstacktest.WithEnforcement()}, tt.opts...)...)
			defer srv.Close()
			rt := &corrupting{base: srv.Transport(), command: tt.command, when: holdsSecret, rewrite: tt.rewrite, done: tt.rotate}
			c := srv.Client(cloudkeys.WithHTTPClient(&http.Client{Transport: rt}))
			ctx := context.Background()
			u := srv.AddUser(cloudstacktest.UserSpec{Username: "alice", Password: "pw-alice-1"})
			var err error
			if tt.rotate {
				first, cerr := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID})
				require.NoError(t, cerr)
				rt.mu.Lock()
				rt.done = false
				rt.mu.Unlock()
				_, err = c.RotateKey(ctx, first.ID)
			} else {
				_, err = c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID, Name: "ci"})
			}
			require.Error(t, err)
			pairs := srv.UserKeys(u.ID)
			require.Len(t, pairs, 1, "exactly one pair")
			secret := pairs[0].SecretKey.Reveal()

			require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
			assert.ErrorIs(t, err, cloudkeys.ErrServer)
			var ue *cloudkeys.UndecodableAnswerError
			require.ErrorAs(t, err, &ue)
			assert.Equal(t, "registerUserKeys", ue.Operation)
			rt.mu.Lock()
			assert.Equal(t, string(rt.sent), ue.Answer.Reveal(), "the answer that holds the pair")
			rt.mu.Unlock()
			assert.Contains(t, ue.Answer.Reveal(), secret)
			assert.NotContains(t, err.Error(), secret)
			assert.NotContains(t, err.Error(), "Notice")
		})
	}
}

// TestUnreadableReadsAndLogin: unreadable answers to reads, and to a login
// (a session, not a key), are plain errors matching ErrServer only, and
// quote nothing.
func TestUnreadableReadsAndLogin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name    string
		command string
		login   bool
		call    func(c *cloudstack.Client, owner string) error
	}{
		{"listUserKeys", "listUserKeys", false, func(c *cloudstack.Client, owner string) error {
			_, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: owner}))
			return err
		}},
		{"getUserKeys", "getUserKeys", false, func(c *cloudstack.Client, owner string) error {
			_, err := c.GetUserKeys(ctx, owner)
			return err
		}},
		{"login", "login", true, func(c *cloudstack.Client, _ string) error {
			_, err := c.Login(ctx)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := cloudstacktest.NewServer(cloudstacktest.WithInMemory(), cloudstacktest.WithEnforcement(), cloudstacktest.WithVersion("4.23.0.0"))
			defer srv.Close()
			u := srv.AddUser(cloudstacktest.UserSpec{Username: "bob", Password: "pw-bob-1"})
			seed := srv.Client()
			k, err := seed.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID, Name: "seed"})
			require.NoError(t, err)
			rt := &corrupting{base: srv.Transport(), command: tt.command, rewrite: appendNotice}
			opt := cloudkeys.WithHTTPClient(&http.Client{Transport: rt})
			c := srv.Client(opt)
			if tt.login {
				c, err = srv.ClientWith(cloudstack.Login(cloudstacktest.AdminUsername, cloudstacktest.AdminPassword, "/"), opt)
				require.NoError(t, err)
			}
			err = tt.call(c, u.ID)
			require.Error(t, err)
			var ue *cloudkeys.UndecodableAnswerError
			require.ErrorAs(t, err, &ue)
			assert.ErrorIs(t, err, cloudkeys.ErrServer)
			assert.NotErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
			assert.True(t, ue.Answer.IsZero())
			assert.NotContains(t, err.Error(), k.Secret.Reveal())
			assert.NotContains(t, err.Error(), "Notice")
		})
	}
}

// TestJobErrorTextIsCleaned: a failed job's errortext (server text that
// arrives after the call, in the job's result) is cleaned and bounded.
func TestJobErrorTextIsCleaned(t *testing.T) {
	t.Parallel()
	srv := cloudstacktest.NewServer(cloudstacktest.WithInMemory(), cloudstacktest.WithEnforcement(), cloudstacktest.WithVersion("4.23.0.0"))
	defer srv.Close()
	srv.FailJobs(1, 530, "failed\x1b[2K\r\u202E"+strings.Repeat("x", 1<<20))
	c := srv.Client()
	_, err := c.CreateKey(context.Background(), cloudkeys.CreateKeyRequest{Owner: srv.AdminID(), Name: "ci"})
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.True(t, strings.HasPrefix(ae.Message, "failed"), ae.Message[:20])
	for _, s := range []string{ae.Message, err.Error()} {
		assert.LessOrEqual(t, len(s), 1200)
		assert.False(t, strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == '\u202E' }))
	}
	assert.False(t, errors.Is(err, cloudkeys.ErrOutcomeUnknown), "the job failed: nothing was created")
}
