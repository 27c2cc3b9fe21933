package e24

import (
	"encoding/json"
	"net/http"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// referenceAccountKeys is the way a GET /v2/account answer went before
// readAccountKeys, kept as the reference: checkAnswer on a 200, then the
// plain decode (accountKeysPlain). ok is false where either refused it (the
// lenient decode then had its turn, which readAccountKeys never takes).
func referenceAccountKeys(c *Client, body []byte) (*accountKeysPart, bool) {
	if c.checkAnswer(&transport.Request{}, &transport.Response{StatusCode: http.StatusOK, Body: body}) != nil {
		return nil, false
	}
	var plain accountKeysPlain
	if json.Unmarshal(body, &plain) != nil || plain.Account == nil {
		return nil, false
	}
	part := &accountKeysPart{ID: plain.Account.ID, API: make(oneOrMany[APIKeyPair], len(plain.Account.API))}
	for i, k := range plain.Account.API {
		part.API[i] = APIKeyPair{APIKey: k.APIKey, SecretKey: k.SecretKey}
	}
	return part, true
}

func recordedAccount(tb testing.TB) []byte {
	b, err := os.ReadFile("../bench/testdata/answers/e24-account.json")
	require.NoError(tb, err)
	return b
}

// FuzzReadAccountKeys holds readAccountKeys to the reference
// (referenceAccountKeys): whatever it reads, checkAnswer accepts and the
// plain decode reads the same account id and keys.
func FuzzReadAccountKeys(f *testing.F) {
	f.Add(recordedAccount(f))
	for _, s := range []string{
		`{"success":true,"account":{"id":7,"api":[{"api_key":"K","secret_key":"S"}]}}`,
		`{"success":"TRUE","account":{"id":"a","api":null}}`, `{"success":1,"account":{"id":null}}`,
		`{"success":"1","account":{"api":[]}}`, `{"success":"\u0031","account":{}}`, `{"success":false,"account":{}}`,
		`{"success":true,"account":null}`, `{"success":true}`, `{"Success":true,"account":{}}`,
		`{"success":true,"account":{"ID":"x"}}`, `{"success":true,"account":{"api":{"api_key":"K"}}}`,
		`{"success":true,"account":{"api":[{"api_key":1}]}}`, `{"success":true,"account":{"api":[null]}}`,
		`{"success":true,"account":{"id":true,"api":[{"secret_key":null,"api_key":null}]}}`,
		`{"success":true,"success":false,"account":{}}`, `[]`, `{"success":true,"account":{}} x`,
		`{"success":true,"error":"no","account":{"id":"1"}}`,
	} {
		f.Add([]byte(s))
	}
	c, err := New("http://127.0.0.1:1/v2", APIKey("key-0123", "secret-0123"))
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, body []byte) {
		got := readAccountKeys(body)
		if got == nil {
			return
		}
		want, ok := referenceAccountKeys(c, body)
		if !ok {
			t.Fatalf("read what the reference refuses: %q", body)
		}
		if got.ID != want.ID || len(got.API) != len(want.API) {
			t.Fatalf("read %q with %d keys, the reference %q with %d: %q", got.ID, len(got.API), want.ID, len(want.API), body)
		}
		for i := range got.API {
			if got.API[i].APIKey != want.API[i].APIKey || got.API[i].SecretKey.Reveal() != want.API[i].SecretKey.Reveal() {
				t.Fatalf("key %d differs: %q", i, body)
			}
		}
	})
}

// TestReadAccountKeysReadsTheRecordedAnswer: the answer the benchmarks
// record goes the one-pass way.
func TestReadAccountKeysReadsTheRecordedAnswer(t *testing.T) {
	part := readAccountKeys(recordedAccount(t))
	require.NotNil(t, part)
	assert.NotEmpty(t, part.ID)
	assert.Len(t, part.API, 10)
}
