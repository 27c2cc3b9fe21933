package cloudstack

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A success answer is told apart from an error envelope without decoding:
// parseError runs twice on every answer (classify and check).
func TestParseErrorSuccessAnswerDoesNotDecode(t *testing.T) {
	users := strings.Repeat(`{"id":"u","apikey":"k","state":"enabled"},`, 100)
	body := []byte(`{"listusersresponse":{"count":100,"user":[` + strings.TrimSuffix(users, ",") + `]}}`)
	allocs := testing.AllocsPerRun(100, func() {
		_, ok := parseError(body)
		require.False(t, ok)
	})
	assert.Zero(t, allocs)
}

// The fast path never hides an envelope encoding/json would find: keys
// match case-insensitively and may be escaped.
func TestParseErrorKeySpellings(t *testing.T) {
	for _, body := range []string{
		`{"x":{"errorcode":431,"errortext":"bad"}}`,
		`{"x":{"ErrorCode":431,"errortext":"bad"}}`,
		`{"x":{"ERRORCODE":431}}`,
		`{"x":{"\u0065rrorcode":431}}`,
	} {
		e, ok := parseError([]byte(body))
		require.True(t, ok, body)
		assert.Equal(t, 431, *e.ErrorCode, body)
	}
	for _, body := range []string{`{"x":{"count":1}}`, `{"x":{"errortext":"no code"}}`, `{"x":{"errorcod":1}}`} {
		_, ok := parseError([]byte(body))
		assert.False(t, ok, body)
	}
}
