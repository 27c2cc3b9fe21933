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

// DefaultPageSize is the page size ListAccounts and ListAccountsPage ask
// for when ListAccountsOptions.PageSize is 0.
const DefaultPageSize = 100

// ListAccountsOptions chooses the pages of [Client.ListAccounts] and
// [Client.ListAccountsPage].
type ListAccountsOptions struct {
	PageSize int // "limit" per request; 0 means DefaultPageSize
	Offset   int // "offset" of the first sub-account to read
}

// AccountsPage is one page of GET /v2/accounts.
type AccountsPage struct {
	Users []*User // the answer's "users": sub-accounts with their keys
	// Next selects the page that follows (Offset advanced past this page),
	// nil after the last page (one shorter than PageSize).
	Next *ListAccountsOptions
}

type pageQuery struct {
	Limit  int `url:"limit"`
	Offset int `url:"offset"`
}

// ListAccountsPage calls GET /v2/accounts?limit=<PageSize>&offset=<Offset>
// and returns one page of sub-accounts (the answer's "users"), with their
// API keys and e24files keys.
func (c *Client) ListAccountsPage(ctx context.Context, opts ListAccountsOptions) (*AccountsPage, error) {
	size := opts.PageSize
	switch {
	case size < 0:
		return nil, cloudkeys.InvalidInput(Vendor, "PageSize", "must not be negative")
	case size == 0:
		size = DefaultPageSize
	}
	if opts.Offset < 0 {
		return nil, cloudkeys.InvalidInput(Vendor, "Offset", "must not be negative")
	}
	v, err := query.Values(pageQuery{Limit: size, Offset: opts.Offset})
	if err != nil {
		return nil, cloudkeys.InvalidInput(Vendor, "PageSize", "cannot encode")
	}
	var out struct {
		Users oneOrMany[User] `json:"users"`
	}
	if _, err := c.tc.Call(ctx, transport.Call{Operation: "ListAccounts", Class: transport.Read, Method: http.MethodGet, Path: "/accounts", RawQuery: v.Encode(), Out: &out}); err != nil {
		return nil, err
	}
	page := &AccountsPage{Users: make([]*User, len(out.Users))}
	for i := range out.Users {
		page.Users[i] = &out.Users[i]
	}
	if len(page.Users) >= size {
		next := opts
		next.Offset += len(page.Users)
		page.Next = &next
	}
	return page, nil
}

// ListAccounts iterates over the sub-accounts from opts.Offset, fetching
// pages of GET /v2/accounts?limit&offset lazily until a page comes back
// short: it follows [AccountsPage].Next of [Client.ListAccountsPage]. An
// error is yielded once, as the last element.
func (c *Client) ListAccounts(ctx context.Context, opts ListAccountsOptions) iter.Seq2[*User, error] {
	return func(yield func(*User, error) bool) {
		for next := &opts; next != nil; {
			page, err := c.ListAccountsPage(ctx, *next)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, u := range page.Users {
				if !yield(u, nil) {
					return
				}
			}
			next = page.Next
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
