package e24

import (
	"context"
	"iter"
	"net/http"
	"strings"

	"github.com/google/go-querystring/query"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// DefaultPageSize is the page size ListAccounts asks for when
// ListAccountsOptions.PageSize is 0.
const DefaultPageSize = 100

// ListAccountsOptions controls [Client.ListAccounts].
type ListAccountsOptions struct {
	PageSize int // "limit" per request; 0 means DefaultPageSize
}

type pageQuery struct {
	Limit  int `url:"limit"`
	Offset int `url:"offset"`
}

// ListAccountsPage calls GET /v2/accounts?limit=<limit>&offset=<offset> and
// returns one page of sub-accounts (the answer's "users"), with their API
// keys and e24files keys.
func (c *Client) ListAccountsPage(ctx context.Context, limit, offset int) ([]User, error) {
	if limit <= 0 {
		return nil, cloudkeys.InvalidInput(Vendor, "limit", "must be positive")
	}
	if offset < 0 {
		return nil, cloudkeys.InvalidInput(Vendor, "offset", "must not be negative")
	}
	v, err := query.Values(pageQuery{Limit: limit, Offset: offset})
	if err != nil {
		return nil, cloudkeys.InvalidInput(Vendor, "limit", "cannot encode")
	}
	var out struct {
		Users oneOrMany[User] `json:"users"`
	}
	if _, err := c.tc.Call(ctx, transport.Call{Operation: "ListAccounts", Class: transport.Read, Method: http.MethodGet, Path: "/accounts", RawQuery: v.Encode(), Out: &out}); err != nil {
		return nil, err
	}
	return out.Users, nil
}

// ListAccounts iterates over the sub-accounts, fetching pages of
// GET /v2/accounts?limit&offset lazily until a page comes back short. An
// error is yielded once, as the last element.
func (c *Client) ListAccounts(ctx context.Context, opts ListAccountsOptions) iter.Seq2[*User, error] {
	size := opts.PageSize
	return func(yield func(*User, error) bool) {
		if size < 0 {
			yield(nil, cloudkeys.InvalidInput(Vendor, "PageSize", "must not be negative"))
			return
		}
		if size == 0 {
			size = DefaultPageSize
		}
		for offset := 0; ; offset += size {
			page, err := c.ListAccountsPage(ctx, size, offset)
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range page {
				if !yield(&page[i], nil) {
					return
				}
			}
			if len(page) < size {
				return
			}
		}
	}
}

// CreateAccountRequest is the body of PUT /v2/accounts.
type CreateAccountRequest struct {
	Email     string // required
	FirstName string
	LastName  string
	Phone     string
	Password  cloudkeys.Secret // required: the sub-account's panel password
}

// CreateAccount calls PUT /v2/accounts with
// {"email","first_name","last_name","phone","password"} and returns the new
// sub-account (the answer's "user") with its API keys. Its e24files keys may
// be empty until the vendor provisions them; poll ListAccounts.
//
// It is a write: a lost answer matches [cloudkeys.ErrOutcomeUnknown].
func (c *Client) CreateAccount(ctx context.Context, req CreateAccountRequest) (*User, error) {
	if strings.TrimSpace(req.Email) == "" {
		return nil, cloudkeys.InvalidInput(Vendor, "CreateAccountRequest.Email", "must not be empty")
	}
	if req.Password.IsZero() {
		return nil, cloudkeys.InvalidInput(Vendor, "CreateAccountRequest.Password", "must not be empty")
	}
	c.tc.AddSecret(req.Password.Reveal())
	body := struct {
		Email     string `json:"email"`
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
		Phone     string `json:"phone"`
		Password  string `json:"password"`
	}{req.Email, req.FirstName, req.LastName, req.Phone, req.Password.Reveal()}
	var out struct {
		User *User `json:"user"`
	}
	if _, err := c.tc.Call(ctx, transport.Call{Operation: "CreateAccount", Class: transport.Write, Method: http.MethodPut, Path: "/accounts",
		In: body, Out: &out, Need: present("user", func() bool { return out.User != nil })}); err != nil {
		return nil, err
	}
	return out.User, nil
}
