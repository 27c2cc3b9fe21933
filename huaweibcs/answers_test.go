package huaweibcs_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/huaweibcs"
)

const answerSecret = "NESsecretFromTheAnswer0123456789"

// TestUnreadableAnswers: a create answer that is no key file at all, and a
// list answer that cannot be read, are *UndecodableAnswerErrors that never
// quote the answer; the create's matches ErrOutcomeUnknown and keeps it, the
// list's matches ErrServer only. A key file that could not be read keeps
// its *CreateFileError and matches ErrOutcomeUnknown too.
func TestUnreadableAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	csv := "id,api_key\n" + wireID + "," + answerSecret + "\n"
	tests := []struct {
		name     string
		method   string
		body     []byte
		write    bool
		fileErr  bool // a *CreateFileError with the partial result
		nilValue bool
	}{
		{"create: proxy banner before the CSV", "POST", []byte("<!-- cache: MISS -->\n" + csv), true, false, true},
		{"create: broken JSON", "POST", []byte(`{"credential":{"id":"` + wireID + `","api_key":"` + answerSecret + `"`), true, false, true},
		{"create: HTML page", "POST", []byte("<html><body>Service Unavailable " + answerSecret + "</body></html>"), true, false, true},
		{"create: ZIP that cannot be read", "POST", append([]byte("PK\x03\x04"), answerSecret...), true, true, false},
		{"create: CSV without an id", "POST", []byte("api_key\n" + answerSecret + "\n"), true, true, false},
		{"list: PHP notice appended", "GET", []byte(`{"credentials":[],"count":0}` + "\n<b>Notice</b>: " + answerSecret), false, false, true},
		{"list: negative count", "GET", []byte(`{"credentials":[],"count":-1}`), false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock, _ := mockClient(t, huaweibcs.AKSK(wireAK, wireSK))
			mock.RegisterResponder(tt.method, `=~/credentials\z`, httpmock.NewBytesResponder(200, tt.body))
			var err error
			var got any
			if tt.write {
				var cc *huaweibcs.CreatedCredential
				cc, err = c.CreateCredential(ctx, huaweibcs.CreateCredentialRequest{Description: "x"})
				if cc != nil {
					got = cc
				}
			} else {
				var page *huaweibcs.CredentialsPage
				page, err = c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
				if page != nil {
					got = page
				}
			}
			require.Error(t, err)
			assert.Equal(t, 1, mock.GetTotalCallCount(), "sent once")
			assert.Equal(t, tt.nilValue, got == nil)
			var ue *cloudkeys.UndecodableAnswerError
			require.ErrorAs(t, err, &ue)
			assert.ErrorIs(t, err, cloudkeys.ErrServer)
			assert.Equal(t, tt.write, errors.Is(err, cloudkeys.ErrOutcomeUnknown))
			if tt.write {
				assert.Equal(t, string(tt.body), ue.Answer.Reveal())
			} else {
				assert.True(t, ue.Answer.IsZero())
			}
			var cfe *huaweibcs.CreateFileError
			assert.Equal(t, tt.fileErr, errors.As(err, &cfe))
			if tt.fileErr {
				var fe *huaweibcs.FileError
				assert.ErrorAs(t, err, &fe, "still wraps the *FileError")
				assert.Equal(t, string(tt.body), cfe.File.Reveal())
			}
			assert.NotContains(t, err.Error(), answerSecret)
			assert.NotContains(t, err.Error(), "Notice")
		})
	}
}

// TestErrorTextIsCleaned: a Huawei error body whose message is 1 MiB with
// terminal escapes, and a login answer without a token whose request id is
// such text, reach the caller cleaned and bounded.
func TestErrorTextIsCleaned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	evil := "\x1b[2K\r\u202E" + strings.Repeat("x", 1<<20)
	jsonEvil := strings.NewReplacer("\x1b", `\u001b`, "\r", `\r`).Replace(evil)
	c, mock, _ := mockClient(t, huaweibcs.AKSK(wireAK, wireSK))
	mock.RegisterResponder("GET", `=~/credentials\z`, httpmock.NewStringResponder(400,
		`{"error_code":"BCS.03400001","error_msg":"Invalid request.`+jsonEvil+`","request_id":"r1"}`))
	_, err := c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "BCS.03400001", ae.Code)
	checkCleaned(t, ae.Message)
	checkCleaned(t, err.Error())

	mock2 := httpmock.NewMockTransport()
	c2, err := huaweibcs.New(wireEndpoint, wirePID, huaweibcs.Password("https://iam.example.test", "acct", "bob", "pw-secret"),
		cloudkeys.WithHTTPClient(&http.Client{Transport: mock2}), fastRetry)
	require.NoError(t, err)
	mock2.RegisterResponder("POST", "https://iam.example.test/v3/auth/tokens",
		httpmock.NewStringResponder(201, `{}`).HeaderSet(http.Header{huaweibcs.RequestIDHeader: {"id\x1b]0;x\x07" + strings.Repeat("y", 4096)}}))
	_, err = c2.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{})
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, huaweibcs.LoginOperation, ae.Operation)
	checkCleaned(t, ae.RequestID)
	checkCleaned(t, err.Error())
	assert.NotErrorIs(t, err, cloudkeys.ErrOutcomeUnknown, "a login answer is not a key")
}

func checkCleaned(t *testing.T, s string) {
	t.Helper()
	assert.LessOrEqual(t, len(s), 1300)
	assert.False(t, strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == '\u202E' }), "control characters")
}
