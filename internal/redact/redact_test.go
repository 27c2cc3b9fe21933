package redact_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/internal/redact"
)

type creds struct {
	redact.Redacted
	user     string
	password string
}

func TestRedactedCredentials(t *testing.T) {
	t.Parallel()
	c := creds{user: "admin", password: "pa55word-never"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		assert.Equal(t, "[REDACTED]", fmt.Sprintf(verb, c), verb)
		assert.Equal(t, "[REDACTED]", fmt.Sprintf(verb, &c), verb)
	}
	b, err := json.Marshal(c)
	require.NoError(t, err)
	assert.Equal(t, `"[REDACTED]"`, string(b))
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "creds", c)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "creds", c)
	assert.NotContains(t, buf.String(), "pa55word-never")
	assert.NotContains(t, fmt.Sprintf("%+v", []any{c, &c, struct{ C creds }{c}}), "pa55word-never")
}
