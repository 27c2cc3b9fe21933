package e24

import (
	"context"
	"net/http"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// CreateAPIKey calls PUT /v2/account/api (no body) and returns a new key
// pair for the e24cloud REST API and the EC2-compatible API.
//
// It is a write and is never re-sent once it may have reached the server: a
// lost answer returns an error matching [cloudkeys.ErrOutcomeUnknown]; list
// the keys with [Client.GetAccount] to reconcile. So does a success answer
// that cannot be read (a PHP notice or a proxy banner around the JSON, or no
// api_key or secret_key in it): the key may exist, and the error, a
// [*cloudkeys.UndecodableAnswerError], keeps the raw answer in its Answer
// (redacted; it may hold the only copy of the secret). Its text never quotes
// the answer.
func (c *Client) CreateAPIKey(ctx context.Context) (*APIKeyPair, error) {
	return c.apiKeyCall(ctx, "CreateAPIKey", http.MethodPut, "/account/api", nil)
}

// RegenerateAPISecret calls POST /v2/account/api-new-secret-key with
// {"api_key": apiKey}: the key keeps its id and gets a new secret; the old
// secret stops working at once. It is a write (a lost answer matches
// [cloudkeys.ErrOutcomeUnknown]; the secret may then have changed). An
// answer that cannot be read matches it too, as a
// [*cloudkeys.UndecodableAnswerError] whose Answer keeps the raw body with
// the new secret (see [Client.CreateAPIKey]).
//
// When apiKey is the key this client signs with, the client switches to the
// new secret for its later calls; if that answer is lost, the new secret is
// lost with it and the client can no longer authenticate, so rotate the
// client's own key from another key, or use cloudkeys.Rotate, which on
// e24cloud creates a new key, stores it, switches the client to it and only
// then deletes the old one.
func (c *Client) RegenerateAPISecret(ctx context.Context, apiKey string) (*APIKeyPair, error) {
	if err := checkAPIKey(apiKey); err != nil {
		return nil, err
	}
	own := c.creds.Load().apiKey == apiKey
	pair, err := c.apiKeyCall(ctx, "RegenerateAPISecret", http.MethodPost, "/account/api-new-secret-key", apiKeyBody{apiKey})
	if err != nil {
		return nil, err
	}
	if own && pair.APIKey == apiKey {
		c.setOwnSecret(apiKey, pair.SecretKey)
	}
	return pair, nil
}

// DeleteAPIKey calls DELETE /v2/account/api with the body
// {"api_key": apiKey} (signed like any body). Deleting by id is idempotent:
// it is retried on transient failures, and a 404 answering a retry counts
// as success. A key unknown on the first attempt matches
// [cloudkeys.ErrNotFound]. Deleting the key this client signs with (see
// [Client.CredentialKeyID]) is allowed and leaves the client unable to
// authenticate: every later call fails with [cloudkeys.ErrUnauthorized]
// (cloudkeys.Rotate replaces it safely).
func (c *Client) DeleteAPIKey(ctx context.Context, apiKey string) error {
	if err := checkAPIKey(apiKey); err != nil {
		return err
	}
	_, err := c.tc.Call(ctx, transport.Call{Operation: "DeleteAPIKey", Class: transport.IdempotentWrite, Method: http.MethodDelete, Path: "/account/api", In: apiKeyBody{apiKey}})
	if err != nil && goneAfterRetry(err) {
		return nil
	}
	return err
}

type apiKeyBody struct {
	APIKey string `json:"api_key"`
}

func checkAPIKey(k string) error {
	if k == "" {
		return cloudkeys.InvalidInput(Vendor, "apiKey", "must not be empty")
	}
	return nil
}

func (c *Client) apiKeyCall(ctx context.Context, op, method, path string, in any) (*APIKeyPair, error) {
	var out struct {
		API oneOrMany[APIKeyPair] `json:"api"`
	}
	need := func(*transport.Response) error {
		switch {
		case len(out.API) == 0 || out.API[0].APIKey == "":
			return errMissing("api")
		case out.API[0].SecretKey.IsZero():
			return errMissing("secret_key")
		}
		return nil
	}
	if _, err := c.tc.Call(ctx, transport.Call{Operation: op, Class: transport.Write, Method: method, Path: path, In: in, Out: &out, Need: need}); err != nil {
		return nil, err
	}
	p := out.API[0]
	return &p, nil
}
