package e24

import (
	"context"
	"net/http"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// GetAccount calls GET /v2/account and returns the account's details and
// every credential it holds: e24files S3/Swift keys, API keys (secrets
// included — the vendor lists them), SSH keys and groups. It is a read and
// is retried on transient failures. An answer that cannot be read is a
// [*cloudkeys.UndecodableAnswerError] matching [cloudkeys.ErrServer]; its
// text never quotes the answer (nor the secrets in it).
func (c *Client) GetAccount(ctx context.Context) (*Account, error) {
	var out struct {
		Account *Account `json:"account"`
	}
	if _, err := c.tc.Call(ctx, transport.Call{Operation: "GetAccount", Class: transport.Read, Method: http.MethodGet, Path: "/account",
		Out: &out, Need: present("account", func() bool { return out.Account != nil })}); err != nil {
		return nil, err
	}
	return out.Account, nil
}

// UpdateAccountRequest is the body of POST /v2/account/data. Empty fields
// are not sent (the server is assumed to leave them unchanged).
type UpdateAccountRequest struct {
	FirstName string
	LastName  string
	Phone     string
	// Password, when set, becomes the account's new panel password.
	Password cloudkeys.Secret
}

// UpdateAccount calls POST /v2/account/data with
// {"first_name","last_name","phone"[,"password"]}. It sets values, so it is
// retried like a read on transient failures. At least one field must be set.
func (c *Client) UpdateAccount(ctx context.Context, req UpdateAccountRequest) error {
	if req.FirstName == "" && req.LastName == "" && req.Phone == "" && req.Password.IsZero() {
		return cloudkeys.InvalidInput(Vendor, "UpdateAccountRequest", "no field to change")
	}
	body := struct {
		FirstName string `json:"first_name,omitempty"`
		LastName  string `json:"last_name,omitempty"`
		Phone     string `json:"phone,omitempty"`
		Password  string `json:"password,omitempty"`
	}{req.FirstName, req.LastName, req.Phone, req.Password.Reveal()}
	if !req.Password.IsZero() {
		c.tc.AddSecret(req.Password.Reveal())
	}
	_, err := c.tc.Call(ctx, transport.Call{Operation: "UpdateAccount", Class: transport.IdempotentWrite, Method: http.MethodPost, Path: "/account/data", In: body})
	return err
}

// errMissing is the problem of an answer without field.
func errMissing(field string) error {
	return &transport.BadAnswer{Problem: "no \"" + field + "\" in the answer"}
}
