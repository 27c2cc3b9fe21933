package transport

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
)

func TestExcerptRedactsCredentialFields(t *testing.T) {
	t.Parallel()
	const v = "s3cr3tV4lue"
	tests := []struct {
		name, in, want string
	}{
		{"JSON string", `{"error":"denied","secret_key":"` + v + `"}`, `{"error":"denied","secret_key":"[REDACTED]"}`},
		{"JSON with spaces", `{"Password" : "` + v + `", "user": "bob"}`, `{"Password" : "[REDACTED]", "user": "bob"}`},
		{"JSON escaped quote inside", `{"token":"a\"` + v + `","x":1}`, `{"token":"[REDACTED]","x":1}`},
		{"JSON number", `{"apiKey":12345678,"n":2}`, `{"apiKey":[REDACTED],"n":2}`},
		{"JSON bare word", `{"sessionkey":` + v + `}`, `{"sessionkey":[REDACTED]}`},
		{"JSON object value", `{"credentials":{"ak":"AK1","sk":"` + v + `"},"ok":false}`, `{"credentials":[REDACTED],"ok":false}`},
		{"JSON array value", `{"private_keys":["` + v + `"]}`, `{"private_keys":[REDACTED]}`},
		{"JSON unterminated", `{"access_key":"` + v, `{"access_key":"[REDACTED]"`},
		{"single quotes", `{'passwd': '` + v + `'}`, `{'passwd': '[REDACTED]'}`},
		{"form", "user=bob&password=" + v + "&x=1", "user=bob&password=[REDACTED]&x=1"},
		{"query in a URL", "GET /api?command=login&apiKey=" + v + "&signature=" + v + "%3D", "GET /api?command=login&apiKey=[REDACTED]&signature=[REDACTED]"},
		{"form with spaces", "api_key = " + v + " rest", "api_key = [REDACTED] rest"},
		{"header style", "X-Auth-Token: " + v + " sent", "X-Auth-Token: [REDACTED] sent"},
		{"authorization scheme and value", "Authorization: Bearer " + v + " refused", "Authorization: [REDACTED] refused"},
		{"YAML style", "secret: " + v, "secret: [REDACTED]"},
		{"cookie", "Cookie: JSESSIONID=" + v + "; sessionkey=" + v, "Cookie: JSESSIONID=[REDACTED]; sessionkey=[REDACTED]"},
		{"case-insensitive and separators", "SECRET-ACCESS-KEY=" + v + ", Session_Id=" + v, "SECRET-ACCESS-KEY=[REDACTED], Session_Id=[REDACTED]"},
		{"credential word inside a name", `{"userPrivateKeyPem":"` + v + `"}`, `{"userPrivateKeyPem":"[REDACTED]"}`},
		{"XML element", "<Error><Code>403</Code><SecretKey>" + v + "</SecretKey></Error>", "403 [REDACTED]"},
		{"XML element with attributes", `<p>no</p><token type="x">` + v + `</token>`, "no [REDACTED]"},
		{"empty value", `password=&user=bob`, `password=[REDACTED]&user=bob`},
		{"other fields kept", `{"error":"badValueToken","description":"Bad value: provided token could not be understood"}`, `{"error":"badValueToken","description":"Bad value: provided token could not be understood"}`},
		{"times and URLs kept", "at 12:30:01 see https://example.com/a?b=c", "at 12:30:01 see https://example.com/a?b=c"},
		{"no credential word", "plain error", "plain error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Excerpt([]byte(tt.in))
			assert.Equal(t, tt.want, got)
			if strings.Contains(tt.in, v) {
				assert.NotContains(t, got, v)
				assert.NotContains(t, got, "s3cr3t", "no part of the value")
			}
		})
	}
}

func TestExcerptRedactsBeforeTheCap(t *testing.T) {
	t.Parallel()
	// The value starts inside the first 200 bytes and runs past them: no
	// prefix of it may survive the cut.
	long := strings.Repeat("k", 400)
	in := strings.Repeat("x", 170) + ` "secret":"` + long + `"`
	got := Excerpt([]byte(in))
	assert.NotContains(t, got, "kkk")
	assert.Contains(t, got, `"secret":"[REDACTED]"`)
}

func FuzzRedactCredentials(f *testing.F) {
	for _, s := range []string{`{"secret":"v"}`, "token=v&x", "Authorization: Bearer v", `{"k":{"password":[1,{"a":"b"}]}}`, `"\"`, "::==", "<SecretKey>v"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		const planted = "Zq9PLANTEDvalue"
		for _, shape := range []string{`"password":"` + planted + `"`, "password=" + planted, "password: " + planted} {
			// Prefixes that keep the shape's field intact: any text,
			// then a separator a field can follow.
			in := strings.Map(func(r rune) rune {
				if r == 'Z' {
					return 'z'
				}
				return r
			}, s) + " " + shape
			if got := RedactCredentials(in); strings.Contains(got, planted) {
				t.Fatalf("value kept: %q -> %q", in, got)
			}
		}
		_ = Excerpt([]byte(s))
	})
}

func TestDecodeProblemNeverQuotesTheAnswer(t *testing.T) {
	t.Parallel()
	const secret = "SECRET-in-the-answer"
	var v struct {
		N int `json:"n"`
	}
	syntaxErr := json.Unmarshal([]byte(`{"n":1}<b>Notice</b> `+secret), &v)
	typeErr := json.Unmarshal([]byte(`{"n":"`+secret+`"}`), &v)
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, "unexpected answer"},
		{"syntax", syntaxErr, "invalid JSON at offset 8"},
		{"type", typeErr, `unexpected JSON string for field "n"`},
		{"bad answer", &BadAnswer{Problem: "no key in the answer"}, "no key in the answer"},
		{"undecodable answer", &cloudkeys.UndecodableAnswerError{Problem: "invalid JSON at offset 3"}, "invalid JSON at offset 3"},
		{"any other error", errors.New("e24: " + secret), "unexpected answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DecodeProblem(tt.err)
			assert.Equal(t, tt.want, got)
			assert.NotContains(t, got, secret)
		})
	}
}

// TestUndecodableAnswer: a Check's *BadAnswer for a 2xx becomes an
// *UndecodableAnswerError; for a write it matches ErrOutcomeUnknown and
// keeps the body, for a read only ErrServer; the text never quotes it.
func TestUndecodableAnswer(t *testing.T) {
	t.Parallel()
	const body = `{"key":"new-SECRET-0001"}` + "\n<br />\n<b>Notice</b>: Undefined index"
	tests := []struct {
		name      string
		req       *Request
		outcome   bool
		keepsBody bool
	}{
		{"write", write("/keys"), true, true},
		{"read", read("/keys"), false, false},
		{"idempotent write", &Request{Operation: "delete", Class: IdempotentWrite, Method: http.MethodDelete, Path: "/keys/1"}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, true, Config{Check: func(_ *Request, resp *Response) error {
				var v map[string]string
				if err := json.Unmarshal(resp.Body, &v); err != nil {
					return NewBadAnswer(err)
				}
				return nil
			}})
			e.fs.FailNextWith(1, fakeserver.Fault{Status: http.StatusOK, Body: []byte(body)})
			resp, err := e.c.Do(context.Background(), tt.req)
			require.NotNil(t, resp)
			var ue *cloudkeys.UndecodableAnswerError
			require.ErrorAs(t, err, &ue)
			assert.Equal(t, "test", ue.Vendor)
			assert.Equal(t, tt.req.Operation, ue.Operation)
			assert.Equal(t, http.StatusOK, ue.StatusCode)
			assert.Equal(t, len(body), ue.Size)
			assert.Equal(t, "invalid JSON at offset 27", ue.Problem)
			assert.ErrorIs(t, err, cloudkeys.ErrServer)
			assert.Equal(t, tt.outcome, errors.Is(err, cloudkeys.ErrOutcomeUnknown))
			if tt.keepsBody {
				assert.Equal(t, body, ue.Answer.Reveal())
			} else {
				assert.True(t, ue.Answer.IsZero())
			}
			var ae *cloudkeys.APIError
			require.ErrorAs(t, err, &ae, "wraps an *APIError")
			for _, s := range []string{err.Error(), ae.Error()} {
				assert.NotContains(t, s, "SECRET")
				assert.NotContains(t, s, "Notice")
			}
			assert.Len(t, e.fs.Requests(), 1, "never re-sent")
		})
	}
}

func TestAPIErrorCleansServerText(t *testing.T) {
	t.Parallel()
	c := newScrubClient(t, "pinned-credential-value")
	ae := c.APIError("job", 0, "530\x1b]0;title\x07",
		"job failed:\x1b[2K\r"+strings.Repeat("m", 2<<10)+" pinned-credential-value", cloudkeys.ErrServer)
	assert.Equal(t, "test", ae.Vendor)
	assert.Equal(t, "job", ae.Operation)
	assert.Zero(t, ae.StatusCode)
	checkClean(t, ae.Message)
	assert.True(t, strings.HasPrefix(ae.Message, "job failed: [2K mmm"))
	assert.LessOrEqual(t, len(ae.Message), maxServerText+len("…"))
	assert.Equal(t, "530 ]0;title", ae.Code)
	assert.NotContains(t, ae.Error(), "\x1b")
	assert.NotContains(t, ae.Error(), "pinned-credential-value")
	assert.ErrorIs(t, ae, cloudkeys.ErrServer)
	assert.ErrorIs(t, c.APIError("get", 404, "", "key not found", nil), cloudkeys.ErrNotFound, "nil kind: by status")
}
