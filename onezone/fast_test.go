package onezone

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
)

func recordedToken(tb testing.TB) []byte {
	b, err := os.ReadFile("../bench/testdata/answers/onezone-token.json")
	require.NoError(tb, err)
	return b
}

// sameKey reports whether two Keys are equal, secrets compared by value.
func sameKey(a, b *cloudkeys.Key) bool {
	if a.Secret.Reveal() != b.Secret.Reveal() {
		return false
	}
	x, y := *a, *b
	x.Secret, y.Secret = cloudkeys.Secret{}, cloudkeys.Secret{}
	return reflect.DeepEqual(x, y)
}

// FuzzReadKeyToken holds readKeyToken to the reference, the way GetKey
// read a token before it (kept here): json.Unmarshal into a NamedToken
// (TokenType's and Caveats' decoders included), then keyOf. Whatever
// readKeyToken reads, the reference reads without error, as the same Key.
func FuzzReadKeyToken(f *testing.F) {
	f.Add(recordedToken(f))
	for _, s := range []string{
		`{"id":"t","name":"n","subject":{"type":"user","id":"u"},"type":{"accessToken":{}},"caveats":[{"type":"time","validUntil":1900000000},{"validUntil":1800000000,"type":"time"},{"type":"ip","whitelist":["1.2.3.0/24"]}],"metadata":{"creationTime":1700000000,"custom":{"description":"d","x":[1,2.5,{"y":null}]}},"revoked":true,"token":"secret"}`,
		`{"type":{"identityToken":{}},"caveats":null,"metadata":null,"subject":null,"token":null,"revoked":null}`,
		`{"type":{"inviteToken":{"inviteType":"userJoinGroup","groupId":"g"}}}`, `{"type":{}}`,
		`{"type":{"accessToken":{"sessionId":"s"},"identityToken":{}}}`, `{"type":{"accessToken":{"SessionID":"s"}}}`,
		`{"type":{"AccessToken":{}}}`, `{"type":"accessToken"}`, `{"caveats":[{"type":"time"}]}`,
		`{"caveats":[{"type":"time","validUntil":1.5}]}`, `{"caveats":[{"type":"time","validUntil":1,"x":2}]}`,
		`{"caveats":[{"TYPE":"time","validUntil":1}]}`, `{"caveats":[{"type":"time","validuntil":1}]}`,
		`{"caveats":[null,{"type":"api"},{"type":7}]}`, `{"caveats":[1]}`, `{"caveats":{}}`,
		`{"metadata":{"custom":{"description":7}}}`, `{"metadata":{"custom":{"description":"a","description":"b"}}}`,
		`{"metadata":{"custom":{"n":1e400}}}`, `{"metadata":{"usageLimit":"infinity","usageCount":3,"privileges":["a",null]}}`,
		`{"metadata":{"usageLimit":"\u0069nfinity"}}`, `{"metadata":{"usageLimit":2.0}}`, `{"metadata":{"creationTime":-5}}`,
		`{"ID":"x"}`, `{"id":"a","id":"b"}`, `{"revoked":"true"}`, `{"token":5}`, `[]`, `{} x`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var kt keyToken
		if !readKeyToken(body, &kt) {
			return
		}
		var nt NamedToken
		if err := json.Unmarshal(body, &nt); err != nil {
			t.Fatalf("read what the reference refuses (%v): %q", err, body)
		}
		got, want := kt.key(), keyOf(&nt)
		if !sameKey(got, want) {
			t.Fatalf("read %+v, the reference %+v: %q", got, want, body)
		}
	})
}

// TestReadKeyTokenReadsTheRecordedAnswer: the answer the benchmarks record
// goes the one-pass way.
func TestReadKeyTokenReadsTheRecordedAnswer(t *testing.T) {
	var kt keyToken
	require.True(t, readKeyToken(recordedToken(t), &kt))
	assert.NotEmpty(t, kt.id)
	assert.NotEmpty(t, kt.token.Reveal())
}

// TestReadKeyTokenTimeCaveats: the earliest time caveat is the expiry, the
// description comes from metadata.custom, other caveats are ignored.
func TestReadKeyTokenTimeCaveats(t *testing.T) {
	body := `{"id":"t","name":"n","subject":{"type":"user","id":"u"},"type":{"accessToken":{}},"caveats":[{"type":"time","validUntil":1900000000},{"validUntil":1800000000,"type":"time"},{"type":"ip","whitelist":["1.2.3.0/24"]}],"metadata":{"creationTime":1700000000,"custom":{"description":"d","x":[1,2.5,{"y":null}]}},"revoked":true,"token":"secret"}`
	var kt keyToken
	require.True(t, readKeyToken([]byte(body), &kt))
	k := kt.key()
	assert.Equal(t, int64(1800000000), k.ExpiresAt.Unix())
	assert.Equal(t, int64(1700000000), k.CreatedAt.Unix())
	assert.Equal(t, "d", k.Description)
	assert.Equal(t, "u", k.Owner)
	assert.False(t, k.Enabled)
	assert.Equal(t, "secret", k.Secret.Reveal())
}
