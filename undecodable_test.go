package cloudkeys_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
)

func TestUndecodableAnswerError(t *testing.T) {
	t.Parallel()
	const body = `{"api":[{"api_key":"K","secret_key":"NEW-SECRET-0001"}]}<b>Notice</b>`
	tests := []struct {
		name    string
		err     *cloudkeys.UndecodableAnswerError
		want    string
		outcome bool
	}{
		{"write with the answer kept",
			&cloudkeys.UndecodableAnswerError{Vendor: "e24", Operation: "CreateAPIKey", StatusCode: 200, Write: true,
				Answer: cloudkeys.NewSecret(body), Problem: "invalid JSON at offset 58", Size: len(body)},
			"e24: CreateAPIKey: cannot read the answer (HTTP 200, 69 bytes): invalid JSON at offset 58; outcome unknown, the write may have been carried out (not re-sent; reconcile by listing; the raw answer, which may hold the new secret, is in UndecodableAnswerError.Answer)",
			true},
		{"write without an answer",
			&cloudkeys.UndecodableAnswerError{Vendor: "zstack", Operation: "CreateAccessKey", StatusCode: 202, Write: true, Problem: "a 202 answer without a job location"},
			"zstack: CreateAccessKey: cannot read the answer (HTTP 202, 0 bytes): a 202 answer without a job location; outcome unknown, the write may have been carried out (not re-sent; reconcile by listing)",
			true},
		{"read",
			&cloudkeys.UndecodableAnswerError{Vendor: "onezone", Operation: "listNamedTokens", StatusCode: 200, Problem: "empty answer"},
			"onezone: listNamedTokens: cannot read the answer (HTTP 200, 0 bytes): empty answer",
			false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error = tt.err
			assert.Equal(t, tt.want, err.Error())
			assert.ErrorIs(t, err, cloudkeys.ErrServer)
			assert.Equal(t, tt.outcome, errors.Is(err, cloudkeys.ErrOutcomeUnknown))
			assert.NotErrorIs(t, err, cloudkeys.ErrNotFound)
			var ae *cloudkeys.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.err.Vendor, ae.Vendor)
			assert.Equal(t, tt.err.Operation, ae.Operation)
			assert.Equal(t, tt.err.StatusCode, ae.StatusCode)
			assert.Equal(t, "cannot read the answer: "+tt.err.Problem, ae.Message)
			// No way of printing or marshalling it shows the answer.
			var logged strings.Builder
			slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "err", err, "v", tt.err)
			js, _ := json.Marshal(tt.err)
			for _, s := range []string{fmt.Sprint(err), fmt.Sprintf("%+v", tt.err), fmt.Sprintf("%#v", tt.err), string(js), logged.String()} {
				assert.NotContains(t, s, "NEW-SECRET")
				assert.NotContains(t, s, "Notice")
			}
		})
	}
	// A status outside 2xx (none should come here) still wraps a 200-like
	// APIError, so no sentinel of a 4xx is matched.
	odd := &cloudkeys.UndecodableAnswerError{Vendor: "x", StatusCode: 404}
	assert.NotErrorIs(t, odd, cloudkeys.ErrNotFound)
	assert.ErrorIs(t, odd, cloudkeys.ErrServer)
}
