package cloudstack

import (
	"context"
	"errors"
	"iter"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/go-querystring/query"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/jsonscan"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// DefaultPageSize is the pagesize ListUsers and ListUserKeys (and their
// Page calls) ask for when none is given.
const DefaultPageSize = 500

// User is a CloudStack user as listUsers and getUser return it.
type User struct {
	ID           string `json:"id"`
	Username     string `json:"username"`
	FirstName    string `json:"firstname"`
	LastName     string `json:"lastname"`
	Email        string `json:"email"`
	Created      string `json:"created"`
	State        string `json:"state"` // "enabled", "disabled", "locked"
	Account      string `json:"account"`
	AccountID    string `json:"accountid"`
	AccountType  int    `json:"accounttype"` // 0 user, 1 root admin, 2 domain admin
	RoleID       string `json:"roleid"`
	RoleType     string `json:"roletype"` // "Admin", "DomainAdmin", "User", ...
	RoleName     string `json:"rolename"`
	Domain       string `json:"domain"`
	DomainID     string `json:"domainid"`
	IsDefault    bool   `json:"isdefault"`
	APIKey       string `json:"apikey"` // the user's API key, if any (never its secret)
	APIKeyAccess string `json:"apikeyaccess"`
	// SecretKey is empty on servers since 4.10, which no longer send it here;
	// use GetUserKeys.
	SecretKey cloudkeys.Secret `json:"secretkey"`
}

// ListUsersOptions filter listUsers and choose its pages. Zero fields are
// not sent.
type ListUsersOptions struct {
	ID          string `url:"id,omitempty"`
	Username    string `url:"username,omitempty"`
	Account     string `url:"account,omitempty"`
	DomainID    string `url:"domainid,omitempty"`
	Keyword     string `url:"keyword,omitempty"`
	State       string `url:"state,omitempty"`
	AccountType *int   `url:"accounttype,omitempty"`
	IsRecursive *bool  `url:"isrecursive,omitempty"`
	ListAll     *bool  `url:"listall,omitempty"`
	// APIKeyAccess filters by the 4.20+ API-key access switch ("enabled",
	// "disabled", "inherit").
	APIKeyAccess string `url:"apikeyaccess,omitempty"`
	// Page is the first page to read, from 1 (0 means 1).
	Page int `url:"-"`
	// PageSize is the number of users per page (default DefaultPageSize).
	PageSize int `url:"-"`
}

// UsersPage is one page of listUsers.
type UsersPage struct {
	Users []*User
	// Count is the number of matching users the server reports for the
	// whole list (its "count"), 0 where it sends none.
	Count int
	// Next selects the page that follows (the same options, Page advanced),
	// nil after the last page.
	Next *ListUsersOptions
}

// ListUsers lists users page by page (GET command=listUsers&page=N&
// pagesize=M plus the filters), from opts.Page, yielding each user. A short
// or empty page ends the walk; an error is yielded once, last. It follows
// [UsersPage].Next of [Client.ListUsersPage].
func (c *Client) ListUsers(ctx context.Context, opts ListUsersOptions) iter.Seq2[*User, error] {
	return c.listUsers(ctx, opts, c.parseUsers)
}

// ListUsersPage reads the one page opts.Page of listUsers: GET
// command=listUsers&page=N&pagesize=M plus the filters.
func (c *Client) ListUsersPage(ctx context.Context, opts ListUsersOptions) (*UsersPage, error) {
	params, pg, err := opts.query()
	if err != nil {
		return nil, err
	}
	page, err := fetchPage(ctx, c, "listUsers", params, pg, nil, c.parseUsers)
	if err != nil {
		return nil, err
	}
	out := &UsersPage{Users: page.items, Count: page.count}
	if page.next > 0 {
		next := opts
		next.Page = page.next
		out.Next = &next
	}
	return out, nil
}

// query encodes the filters and validates the page.
func (opts ListUsersOptions) query() (url.Values, paging, error) {
	params, err := query.Values(opts)
	if err != nil {
		return nil, paging{}, cloudkeys.InvalidInput(Vendor, "ListUsersOptions", "cannot encode")
	}
	pg, err := newPaging(opts.Page, opts.PageSize)
	return params, pg, err
}

func (c *Client) parseUsers(r *reply) ([]*User, int, error) {
	var w struct {
		Count flexString `json:"count"`
		User  []*User    `json:"user"`
	}
	err := c.decode(r, &w)
	return w.User, w.Count.int(), err
}

// keyUser is the part of a listUsers entry a Key is made of (see userKey).
type keyUser struct {
	ID           string `json:"id"`
	State        string `json:"state"`
	APIKey       string `json:"apikey"`
	APIKeyAccess string `json:"apikeyaccess"`
}

// listKeyUsers is ListUsers for ListKeys: it decodes only the fields of
// keyUser, not the eighteen of User that a Key throws away (a third of the
// time of a 100-user page went to decoding them), and reads a success page
// in one pass (readListUsers).
func (c *Client) listKeyUsers(ctx context.Context, p ListUsersOptions) iter.Seq2[*User, error] {
	var fastUsers []keyUser
	var fastCount int
	fast := readListUsers(&fastUsers, &fastCount)
	return c.listUsersWith(ctx, p, fast, func(r *reply) ([]*User, int, error) {
		w := struct {
			Count flexString `json:"count"`
			User  []keyUser  `json:"user"`
		}{}
		count, list := fastCount, fastUsers
		var err error
		if !r.fast {
			err = c.decode(r, &w)
			count, list = w.Count.int(), w.User
		}
		users := make([]*User, len(list))
		all := make([]User, len(list))
		for i, u := range list {
			all[i] = User{ID: u.ID, State: u.State, APIKey: u.APIKey, APIKeyAccess: u.APIKeyAccess}
			users[i] = &all[i]
		}
		return users, count, err
	})
}

func (c *Client) listUsers(ctx context.Context, opts ListUsersOptions, parse func(*reply) ([]*User, int, error)) iter.Seq2[*User, error] {
	return c.listUsersWith(ctx, opts, nil, parse)
}

// listUsersWith is listUsers whose pages are read by fast where it can (see
// call.fast); parse then takes what fast read.
func (c *Client) listUsersWith(ctx context.Context, opts ListUsersOptions, fast func(*jsonscan.Scanner), parse func(*reply) ([]*User, int, error)) iter.Seq2[*User, error] {
	return func(yield func(*User, error) bool) {
		params, pg, err := opts.query()
		if err != nil {
			yield(nil, err)
			return
		}
		walk(ctx, c, "listUsers", params, pg, fast, parse, yield)
	}
}

// paging is the page number (from 1) and size of a list command's page.
type paging struct{ page, size int }

// newPaging validates a page number (0 means 1) and applies the default
// size to a size that is not positive.
func newPaging(page, size int) (paging, error) {
	if page < 0 {
		return paging{}, cloudkeys.InvalidInput(Vendor, "Page", "must not be negative")
	}
	if size <= 0 {
		size = DefaultPageSize
	}
	return paging{page: max(page, 1), size: size}, nil
}

// listPage is one page of a list command: its items, the count the server
// reports for the whole list, and the number of the page that follows (0
// after the last).
type listPage[T any] struct {
	items []T
	count int
	next  int
}

// fetchPage reads page pg of a list command. The page is the last one when
// it is short or empty, or when it reaches count items (count is not
// trusted alone: 4.23's listUserKeys reports the unfiltered total).
func fetchPage[T any](ctx context.Context, c *Client, command string, params url.Values, pg paging,
	fast func(*jsonscan.Scanner), parse func(*reply) ([]T, int, error)) (listPage[T], error) {
	q := cloneValues(params)
	q.Set("page", strconv.Itoa(pg.page))
	q.Set("pagesize", strconv.Itoa(pg.size))
	r, err := c.do(ctx, call{command: command, params: q, class: transport.Read, fast: fast})
	if err != nil {
		return listPage[T]{}, err
	}
	items, count, err := parse(r)
	if err != nil {
		return listPage[T]{}, err
	}
	p := listPage[T]{items: items, count: count}
	seen := (pg.page-1)*pg.size + len(items)
	if len(items) == pg.size && (count <= 0 || seen < count) {
		p.next = pg.page + 1
	}
	return p, nil
}

// walk pages through a list command from pg, yielding every item; an error
// is yielded once, last.
func walk[T any](ctx context.Context, c *Client, command string, params url.Values, pg paging,
	fast func(*jsonscan.Scanner), parse func(*reply) ([]T, int, error), yield func(T, error) bool) {
	var zero T
	for {
		p, err := fetchPage(ctx, c, command, params, pg, fast, parse)
		if err != nil {
			yield(zero, err)
			return
		}
		for _, it := range p.items {
			if !yield(it, nil) {
				return
			}
		}
		if p.next == 0 {
			return
		}
		pg.page = p.next
	}
}

// GetUserByAPIKey finds the user owning an API key: GET command=getUser&
// userapikey=<key>. An unknown key is an error matching
// cloudkeys.ErrNotFound.
func (c *Client) GetUserByAPIKey(ctx context.Context, apiKey string) (*User, error) {
	if apiKey == "" {
		return nil, cloudkeys.InvalidInput(Vendor, "apiKey", "must not be empty")
	}
	r, err := c.do(ctx, call{command: "getUser", params: url.Values{"userapikey": {apiKey}}, class: transport.Read})
	if err != nil {
		if isParamError(err) {
			return nil, c.notFound("getUser", "user with this API key")
		}
		return nil, err
	}
	var w struct {
		User *User `json:"user"`
	}
	if err := c.decode(r, &w); err != nil {
		return nil, err
	}
	if w.User == nil {
		return nil, c.notFound("getUser", "user with this API key")
	}
	return w.User, nil
}

// keyUserByAPIKey is GetUserByAPIKey for GetKey: the fields of keyUser
// only, a success answer read in one pass (readGetUser).
func (c *Client) keyUserByAPIKey(ctx context.Context, apiKey string) (*User, error) {
	if apiKey == "" {
		return nil, cloudkeys.InvalidInput(Vendor, "apiKey", "must not be empty")
	}
	var u *keyUser
	r, err := c.do(ctx, call{command: "getUser", params: url.Values{"userapikey": {apiKey}}, class: transport.Read, fast: readGetUser(&u)})
	if err != nil {
		if isParamError(err) {
			return nil, c.notFound("getUser", "user with this API key")
		}
		return nil, err
	}
	if !r.fast {
		var w struct {
			User *keyUser `json:"user"`
		}
		if err := c.decode(r, &w); err != nil {
			return nil, err
		}
		u = w.User
	}
	if u == nil {
		return nil, c.notFound("getUser", "user with this API key")
	}
	return &User{ID: u.ID, State: u.State, APIKey: u.APIKey, APIKeyAccess: u.APIKeyAccess}, nil
}

// isParamError reports a 431 answer (InvalidParameterValue), which the
// server gives for an id or key it cannot find.
func isParamError(err error) bool {
	var ae *cloudkeys.APIError
	return errors.As(err, &ae) && ae.StatusCode == CodeParamError
}

// isInternalError reports a 530 answer (INTERNAL_ERROR), such as getUserKeys'
// NullPointerException on the integration port from 4.22 on.
func isInternalError(err error) bool {
	var ae *cloudkeys.APIError
	return errors.As(err, &ae) && ae.StatusCode == CodeInternalError
}

// Capability is the capability object of listCapabilities.
type Capability struct {
	CloudStackVersion         string `json:"cloudstackversion"`
	SecurityGroupsEnabled     bool   `json:"securitygroupsenabled"`
	UserPublicTemplateEnabled bool   `json:"userpublictemplateenabled"`
	ProjectInviteRequired     bool   `json:"projectinviterequired"`
	AllowUsersCreateProjects  bool   `json:"allowusercreateprojects"`
	APILimitInterval          int    `json:"apilimitinterval"`
	APILimitMax               int    `json:"apilimitmax"`
}

// ListCapabilities returns the server's capabilities, among them its
// version: GET command=listCapabilities.
func (c *Client) ListCapabilities(ctx context.Context) (*Capability, error) {
	r, err := c.do(ctx, call{command: "listCapabilities", class: transport.Read})
	if err != nil {
		return nil, err
	}
	var w struct {
		Capability *Capability `json:"capability"`
	}
	if err := c.decode(r, &w); err != nil {
		return nil, err
	}
	if w.Capability == nil {
		return nil, c.unreadable(r, &transport.BadAnswer{Problem: "answer carries no capability"})
	}
	return w.Capability, nil
}

// UpdateUserRequest are the parameters of updateUser. Only ID is required;
// empty fields are not sent. UserAPIKey and UserSecretKey go together.
type UpdateUserRequest struct {
	ID string // "id": the user's UUID (required)
	// UserAPIKey and UserSecretKey ("userapikey", "usersecretkey") set the
	// user's keys to values the caller chooses: both or neither. The server
	// checks only that neither is blank and that no other user holds the
	// API key (431 otherwise); it does not check their form.
	UserAPIKey    string
	UserSecretKey cloudkeys.Secret
	Email         string // "email"
	FirstName     string // "firstname"
	LastName      string // "lastname"
	Username      string // "username", unique in the domain
	Timezone      string // "timezone"
	// Password ("password") sets a new password; a caller who is no admin
	// must also send the user's CurrentPassword ("currentpassword"). The
	// integration port refuses both (531).
	Password        cloudkeys.Secret
	CurrentPassword cloudkeys.Secret
	// APIKeyAccess ("apikeyaccess", 4.20.1+) is "Enabled", "Disabled" or
	// "Inherit".
	APIKeyAccess string
}

// values encodes p; bad input names the field.
func (p UpdateUserRequest) values() (url.Values, error) {
	if p.ID == "" {
		return nil, cloudkeys.InvalidInput(Vendor, "ID", "must not be empty")
	}
	if (p.UserAPIKey == "") != p.UserSecretKey.IsZero() {
		field := "UserSecretKey"
		if p.UserAPIKey == "" {
			field = "UserAPIKey"
		}
		return nil, cloudkeys.InvalidInput(Vendor, field, "UserAPIKey and UserSecretKey go together")
	}
	v := url.Values{"id": {p.ID}}
	for _, f := range []struct{ field, name, value string }{
		{"UserAPIKey", "userapikey", p.UserAPIKey}, {"UserSecretKey", "usersecretkey", p.UserSecretKey.Reveal()},
		{"Email", "email", p.Email}, {"FirstName", "firstname", p.FirstName}, {"LastName", "lastname", p.LastName},
		{"Username", "username", p.Username}, {"Timezone", "timezone", p.Timezone},
		{"Password", "password", p.Password.Reveal()}, {"CurrentPassword", "currentpassword", p.CurrentPassword.Reveal()},
		{"APIKeyAccess", "apikeyaccess", p.APIKeyAccess},
	} {
		if f.value == "" {
			continue
		}
		if strings.TrimSpace(f.value) == "" {
			return nil, cloudkeys.InvalidInput(Vendor, f.field, "must not be blank")
		}
		if hasControlCharacter(f.value) {
			return nil, cloudkeys.InvalidInput(Vendor, f.field, "contains a control character, which the server refuses (431)")
		}
		v.Set(f.name, f.value)
	}
	return v, nil
}

// hasControlCharacter reports a character the server refuses in any
// parameter value (ApiServer.checkCharacterInkParams): 0x00–0x09, 0x0B,
// 0x0C, 0x0E–0x1F and 0x7F. LF and CR pass.
func hasControlCharacter(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b <= 0x09 || b == 0x0B || b == 0x0C || (b >= 0x0E && b <= 0x1F) || b == 0x7F {
			return true
		}
	}
	return false
}

// UpdateUser changes a user: POST command=updateUser with a signed form
// body (id plus the fields set in p), answered with the user as listUsers
// shows it ({"updateuserresponse":{"user":{…}}}: its new apikey, never a
// secret).
//
// With UserAPIKey and UserSecretKey it sets the user's keys to values the
// caller chooses, unlike registerUserKeys, which generates them. Every
// server version has these parameters (UpdateUserCmd gives them no since;
// cloudstack-go has them). Up to 4.22 they replace the user's one pair — the
// old key stops working at once; on 4.23 they replace the keys of the
// user's newest pair, and a user without a pair is refused (431), as is an
// API key any other user holds (4.23: any pair, the user's own included).
// If the keys replaced are the ones this client signs with, call
// [Client.UseCredential] with the new pair afterwards. A root admin may
// update any user but SYSTEM (531); others only users of their own account.
//
// It is a write that is never re-sent after it may have reached the server:
// a lost answer is an error matching cloudkeys.ErrOutcomeUnknown (read the
// user back with listUsers or getUser to see whether it was applied). The
// secret and the passwords are scrubbed from every error and log line.
// Blank values, values with a control character (which the server refuses
// with 431) and a key without its secret are refused before sending
// (cloudkeys.ErrInvalidRequest naming the field).
func (c *Client) UpdateUser(ctx context.Context, p UpdateUserRequest) (*User, error) {
	params, err := p.values()
	if err != nil {
		return nil, err
	}
	for _, s := range []cloudkeys.Secret{p.UserSecretKey, p.Password, p.CurrentPassword} {
		if !s.IsZero() {
			c.tc.AddSecret(s.Reveal())
		}
	}
	r, err := c.do(ctx, call{command: "updateUser", params: params, class: transport.Write, post: true})
	if err != nil {
		return nil, err
	}
	var w struct {
		User *User `json:"user"`
	}
	if err := c.decode(r, &w); err != nil {
		return nil, err
	}
	if w.User == nil || w.User.ID == "" {
		return nil, c.unreadable(r, &transport.BadAnswer{Problem: "answer carries no user"})
	}
	return w.User, nil
}
