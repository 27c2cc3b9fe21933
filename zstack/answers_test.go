package zstack_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/zstack"
)

const (
	invSecret = "XAlrsYvswmnEV3X1KWNs1WfZHD6aBIIphmI0rX9S" // in invJSON
	phpNotice = "\n<br />\n<b>Notice</b>: Undefined index: x in /srv/x.php on line 3<br />\n"
	jobPath   = "/zstack/v1/api-jobs/f00dfeedf00dfeedf00dfeedf00dfeed"
	location  = `{"location":"http://10.0.0.9:8080` + jobPath + `"}`
)

// TestUnreadableJobResult: the secret of CreateAccessKey is in the job's
// result, so a result that cannot be read is the create's outcome unknown
// with the job's answer kept; a session's unreadable answer is a plain
// error; an unreadable query answer matches ErrServer only. No error text
// quotes an answer.
func TestUnreadableJobResult(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	create := func(c *zstack.Client) error {
		_, err := c.CreateAccessKey(ctx, zstack.CreateAccessKeyRequest{AccountUUID: "dff4"})
		return err
	}
	tests := []struct {
		name       string
		call       func(*zstack.Client) error
		method     string
		path       string
		first      string // the call's own answer (202 + location for a job)
		result     string // the job's 200 result ("" for a synchronous call)
		outcome    bool
		keptAnswer string
	}{
		{"create: PHP notice after the result", create, http.MethodPost, "/zstack/v1/accesskeys", location, invJSON + phpNotice, true, invJSON + phpNotice},
		{"create: proxy banner before the result", create, http.MethodPost, "/zstack/v1/accesskeys", location, "<!-- MISS -->\n" + invJSON, true, "<!-- MISS -->\n" + invJSON},
		{"create: result without the secret", create, http.MethodPost, "/zstack/v1/accesskeys", location, strings.Replace(invJSON, `"AccessKeySecret":"`+invSecret+`",`, "", 1), true, strings.Replace(invJSON, `"AccessKeySecret":"`+invSecret+`",`, "", 1)},
		{"create: empty result", create, http.MethodPost, "/zstack/v1/accesskeys", location, "", true, ""},
		{"create: synchronous answer with a notice", create, http.MethodPost, "/zstack/v1/accesskeys", invJSON + phpNotice, "", true, invJSON + phpNotice},
		{"create: 202 without a location", create, http.MethodPost, "/zstack/v1/accesskeys", `{"apiTimeout":1}` + phpNotice, "", true, `{"apiTimeout":1}` + phpNotice},
		{"change state: truncated result", func(c *zstack.Client) error {
			_, err := c.ChangeAccessKeyState(ctx, "ae353717ca7b4182bb87fb5d010235e8", zstack.StateEventDisable)
			return err
		}, http.MethodPut, "/zstack/v1/accesskeys/ae353717ca7b4182bb87fb5d010235e8/actions", location, invJSON[:40], true, invJSON[:40]},
		{"query: PHP notice", func(c *zstack.Client) error {
			_, err := c.QueryAccessKeysPage(ctx, zstack.Query{})
			return err
		}, http.MethodGet, "/zstack/v1/accesskeys", `{"inventories":[` + strings.TrimPrefix(strings.TrimSuffix(invJSON, "}"), `{"inventory":`) + `]}` + phpNotice, "", false, ""},
		{"login: answer without a session", func(c *zstack.Client) error {
			_, err := c.LogInByAccount(ctx, "admin", "password-1")
			return err
		}, http.MethodPut, "/zstack/v1/accounts/login", `{"inventory":{}}` + phpNotice, "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := newMocked(t, zstack.SessionID("0123456789abcdef0123456789abcdef"))
			rec := &recorder{}
			status := http.StatusOK
			if tt.first == location || strings.HasPrefix(tt.first, `{"apiTimeout"`) {
				status = http.StatusAccepted
			}
			mock.RegisterResponder(tt.method, mn+tt.path, rec.responder(status, tt.first))
			mock.RegisterResponder(http.MethodGet, mn+jobPath, rec.responder(http.StatusOK, tt.result))
			err := tt.call(c)
			require.Error(t, err)
			var ue *cloudkeys.UndecodableAnswerError
			require.ErrorAs(t, err, &ue)
			assert.ErrorIs(t, err, cloudkeys.ErrServer)
			assert.Equal(t, tt.outcome, errors.Is(err, cloudkeys.ErrOutcomeUnknown))
			if tt.outcome && ue.Write {
				assert.Equal(t, tt.keptAnswer, ue.Answer.Reveal(), "the answer that holds the result")
			} else {
				assert.True(t, ue.Answer.IsZero())
			}
			assert.NotContains(t, err.Error(), invSecret)
			assert.NotContains(t, err.Error(), "Notice")
			for _, r := range rec.all() {
				if r.method != http.MethodGet || r.path != jobPath {
					assert.Equal(t, tt.method, r.method, "the call is sent once")
				}
			}
		})
	}
}

// TestErrorTextIsCleaned: ZStack's description and details, 1 MiB with
// terminal escapes, reach the caller cleaned, from a call and from a job.
func TestErrorTextIsCleaned(t *testing.T) {
	t.Parallel()
	evil := `\u001b[2K\r\u202e` + strings.Repeat("x", 1<<20)
	body := `{"error":{"code":"SYS.1007","description":"invalid argument` + evil + `","details":"` + evil + `"}}`
	for _, viaJob := range []bool{false, true} {
		c, mock := newMocked(t, zstack.SessionID("0123456789abcdef0123456789abcdef"))
		rec := &recorder{}
		if viaJob {
			mock.RegisterResponder(http.MethodPost, mn+"/zstack/v1/accesskeys", rec.responder(http.StatusAccepted, location))
			mock.RegisterResponder(http.MethodGet, mn+jobPath, rec.responder(http.StatusServiceUnavailable, body))
		} else {
			mock.RegisterResponder(http.MethodPost, mn+"/zstack/v1/accesskeys", rec.responder(http.StatusServiceUnavailable, body))
		}
		_, err := c.CreateAccessKey(context.Background(), zstack.CreateAccessKeyRequest{AccountUUID: "dff4"})
		var ae *cloudkeys.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "SYS.1007", ae.Code)
		for _, s := range []string{ae.Message, err.Error()} {
			assert.LessOrEqual(t, len(s), 1200)
			assert.False(t, strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == '\u202E' }))
		}
	}
}
