package cloudstack

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/jsonscan"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// The answers the client-only benchmarks record (bench/testdata/answers).
func recordedAnswers(tb testing.TB) [][]byte {
	var out [][]byte
	for _, name := range []string{"cloudstack-getuser.json", "cloudstack-listusers.json"} {
		b, err := os.ReadFile("../bench/testdata/answers/" + name)
		require.NoError(tb, err)
		out = append(out, b)
	}
	return out
}

// shortPage cuts a recorded answer's user list to n users, keeping the
// recorded text of each (a 100-user seed slows the fuzzer down to a crawl).
func shortPage(tb testing.TB, body []byte, n int) []byte {
	var env map[string]map[string]json.RawMessage
	require.NoError(tb, json.Unmarshal(body, &env))
	for _, inner := range env {
		var users []json.RawMessage
		if json.Unmarshal(inner["user"], &users) == nil && len(users) > n {
			inner["user"], _ = json.Marshal(users[:n])
		}
	}
	out, err := json.Marshal(env)
	require.NoError(tb, err)
	return out
}

// referenceAnswer is the way every answer went before the one-pass
// readers, kept as the reference: check (an error envelope in a 200),
// unwrap, then json.Unmarshal of the inside into out. ok is false where
// any of them refused the answer.
func referenceAnswer(body []byte, out any) bool {
	if _, isErr := parseError(body); isErr {
		return false
	}
	_, inner, err := unwrap(body)
	if err != nil {
		return false
	}
	return json.Unmarshal(inner, out) == nil
}

// FuzzFastAnswers holds the one-pass readers of getUser and listUsers
// answers (readAnswer with readGetUser, readListUsers) to the reference
// way (referenceAnswer): whatever a reader takes, the reference takes with
// the same user, users and count.
func FuzzFastAnswers(f *testing.F) {
	for _, s := range answerSeeds {
		f.Add([]byte(s))
	}
	for _, b := range recordedAnswers(f) {
		f.Add(shortPage(f, b, 3))
	}
	for _, s := range []string{
		`{"getuserresponse":{"user":{"id":"u","state":"enabled","apikey":"k","apikeyaccess":"Inherit","accounttype":0}}}`,
		`{"getuserresponse":{"user":null}}`, `{"getuserresponse":{}}`, `{"getuserresponse":{"User":{"id":"u"}}}`,
		`{"getuserresponse":{"user":{"ID":"u"}}}`, `{"getuserresponse":{"user":{"id":"a","id":"b"}}}`,
		`{"getuserresponse":{"user":{"id":"\u0075"}},"x":1}`, `{"getuserresponse":{"errorcode":431,"user":{}}}`,
		`{"listusersresponse":{"count":"2","user":[{"id":"a"},{"id":"b","apikey":"k"}]}}`,
		`{"listusersresponse":{"count":true,"user":null}}`, `{"listusersresponse":{"count":1.5,"user":[null]}}`,
		`{"listusersresponse":{"ErrorCode":431}}`, `{"listusersresponse":{"count":{"a":1}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var u *keyUser
		if readAnswer(body, readGetUser(&u)) {
			var w struct {
				User *keyUser `json:"user"`
			}
			if !referenceAnswer(body, &w) {
				t.Fatalf("getUser: read what the reference refuses: %q", body)
			}
			if !reflect.DeepEqual(u, w.User) {
				t.Fatalf("getUser: read %+v, the reference %+v: %q", u, w.User, body)
			}
		}
		var users []keyUser
		var count int
		if readAnswer(body, readListUsers(&users, &count)) {
			var w struct {
				Count flexString `json:"count"`
				User  []keyUser  `json:"user"`
			}
			if !referenceAnswer(body, &w) {
				t.Fatalf("listUsers: read what the reference refuses: %q", body)
			}
			if count != w.Count.int() || !reflect.DeepEqual(users, w.User) {
				t.Fatalf("listUsers: read %d %+v, the reference %d %+v: %q", count, users, w.Count.int(), w.User, body)
			}
		}
	})
}

// TestFastAnswersReadTheRecordedAnswers: the answers the benchmarks record
// go the one-pass way (else the fast path would be dead code).
func TestFastAnswersReadTheRecordedAnswers(t *testing.T) {
	t.Parallel()
	b := recordedAnswers(t)
	var u *keyUser
	require.True(t, readAnswer(b[0], readGetUser(&u)))
	require.NotNil(t, u)
	assert.NotEmpty(t, u.APIKey)
	var users []keyUser
	var count int
	require.True(t, readAnswer(b[1], readListUsers(&users, &count)))
	assert.Len(t, users, 100)
	assert.Equal(t, 100, count)
}

// TestFastPathErrorsAreTheReferenceErrors: an error envelope inside a 200,
// and answers that cannot be read, give the errors they gave before the
// one-pass readers (an APIError with the envelope's codes; an
// UndecodableAnswerError), for GetKey (getUser) and ListKeys (listUsers).
func TestFastPathErrorsAreTheReferenceErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		body      string
		errorcode int
	}{
		{`{"getuserresponse":{"uuidList":[],"errorcode":530,"cserrorcode":9999,"errortext":"boom"}}`, 530},
		{`{"getuserresponse":{"user":{"id":"u","errorcode":1}},"errorcode":2}`, 0},
		{`{"getuserresponse":{"user":{"id":"u"}}} trailing`, 0},
		{`{"getuserresponse":{"user":{"id":1}}}`, 0},
	} {
		for _, read := range []func(s *jsonscan.Scanner){readGetUser(new(*keyUser)), readListUsers(new([]keyUser), new(int))} {
			assert.False(t, readAnswer([]byte(tt.body), read), tt.body)
		}
		c, err := New("http://127.0.0.1:1/client/api", APIKey("key-0123", "secret-0123"))
		require.NoError(t, err)
		cerr := c.check(&transport.Request{}, &transport.Response{StatusCode: 200, Body: []byte(tt.body)})
		if tt.errorcode != 0 {
			var ae *cloudkeys.APIError
			require.ErrorAs(t, cerr, &ae, tt.body)
			assert.Equal(t, tt.errorcode, ae.StatusCode)
		}
	}
}
