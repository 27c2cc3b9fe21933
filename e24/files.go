package e24

import (
	"context"
	"net/http"

	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// RegenerateFilesSecret calls POST /v2/account/files-new-secret-key with
// {"api_key": apiKey} and returns the e24files S3 and Swift keys with their
// new secret. The vendor does not say which key "api_key" names; the client
// sends the API key it signs with when apiKey is "". The old e24files secret
// stops working. It is a write: a lost answer matches
// [cloudkeys.ErrOutcomeUnknown], and so does an answer that cannot be read,
// as a [*cloudkeys.UndecodableAnswerError] whose Answer keeps the raw body
// (see [Client.CreateAPIKey]).
func (c *Client) RegenerateFilesSecret(ctx context.Context, apiKey string) (*E24Files, error) {
	if apiKey == "" {
		apiKey = c.creds.Load().apiKey
	}
	var out struct {
		E24Files *E24Files `json:"e24files"`
	}
	if _, err := c.tc.Call(ctx, transport.Call{Operation: "RegenerateFilesSecret", Class: transport.Write, Method: http.MethodPost,
		Path: "/account/files-new-secret-key", In: apiKeyBody{apiKey}, Out: &out,
		Need: present("e24files", func() bool { return out.E24Files != nil && !out.E24Files.IsZero() })}); err != nil {
		return nil, err
	}
	return out.E24Files, nil
}
