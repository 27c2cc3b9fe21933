package cloudstack

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

var answerSeeds = []string{
	`{"listusersresponse":{}}`,
	`{"listusersresponse":{"count":1,"user":[{"id":"u","apikey":"k"}]}}`,
	`{"getuserkeysresponse":{"uuidList":[],"errorcode":431,"cserrorcode":4350,"errortext":"bad"}}`,
	`{"errorresponse":{"errorcode":401,"errortext":"unable to verify user credentials and/or request signature"}}`,
	`{"registeruserkeysresponse":{"jobid":"j","id":"x"}}`,
	`{"queryasyncjobresultresponse":{"jobstatus":2,"jobresulttype":"text","jobresult":"no"}}`,
	`{"a":1,"b":2}`, `[]`, `null`, `<html>`, ``, `{"x":{"errorcode":"431"}}`,
}

// FuzzParseAnswer feeds arbitrary bodies with arbitrary statuses through the
// answer parsers: no panic, and an error envelope always yields an APIError.
func FuzzParseAnswer(f *testing.F) {
	for _, s := range answerSeeds {
		f.Add(s, 200)
		f.Add(s, 431)
	}
	jc, err := New("http://127.0.0.1:1/client/api", APIKey("fuzz-key", "fuzz-secret"))
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, body string, status int) {
		resp := &transport.Response{StatusCode: status, Body: []byte(body)}
		err := jc.check(&transport.Request{Operation: "x"}, resp)
		_ = classify(resp)
		if e, ok := parseError([]byte(body)); ok {
			var ae *cloudkeys.APIError
			require.True(t, errors.As(err, &ae))
			assert.Equal(t, kindFor(*e.ErrorCode), ae.Kind)
		} else if status != 200 {
			require.Error(t, err)
		}
		if _, inner, err := unwrap([]byte(body)); err == nil {
			_, _ = jobID(inner)
			var w keyPairWire
			_ = json.Unmarshal(inner, &w)
			_ = w.pair()
			var lw loginWire
			_ = json.Unmarshal(inner, &lw)
			var jw jobWire
			if json.Unmarshal(inner, &jw) == nil {
				_ = jc.jobError("x", &AsyncJobResult{JobResultType: string(jw.JobResultType), result: cloudkeys.NewSecret(string(jw.JobResult))})
			}
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-08-20T08:51:52-0300", "2026-08-20T08:51:52Z", "2026-08-20", "", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d := parseDate(s); !d.IsZero() && s == "" {
			t.Fatal("empty date parsed")
		}
	})
}

func FuzzVersionAtLeast(f *testing.F) {
	for _, s := range []string{"4.22.0.0", "4.23.0.0-SNAPSHOT", "5.0", "4", "", "x.y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) { _ = VersionAtLeast(v, 4, 23) })
}

func TestVersionAtLeast(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{"4.22.0.0": false, "4.22.1.0": false, "4.23.0.0": true, "4.23.0.0-SNAPSHOT": true, "4.24": true, "5.0.0": true, "3.99": false, "": false, "garbage": false} {
		assert.Equal(t, want, VersionAtLeast(v, 4, 23), v)
	}
}

func TestFlexString(t *testing.T) {
	t.Parallel()
	var w struct{ A, B, C, D flexString }
	require.NoError(t, json.Unmarshal([]byte(`{"A":"1800","B":1800,"C":true,"D":null}`), &w))
	assert.Equal(t, 1800, w.A.int())
	assert.Equal(t, 1800, w.B.int())
	assert.True(t, w.C.bool())
	assert.Equal(t, flexString(""), w.D)
}
