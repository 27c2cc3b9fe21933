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
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// DefaultPageSize is the pagesize ListUsers and ListUserKeys ask for when
// none is given.
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

// ListUsersOptions filter listUsers. Zero fields are not sent.
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
	// PageSize is the page size of the walk (default DefaultPageSize).
	PageSize int `url:"-"`
}

// ListUsers walks listUsers page by page (GET command=listUsers&page=N&
// pagesize=M plus the filters), yielding each user. An empty answer
// ({"listusersresponse":{}}) ends the walk; an error is yielded once, last.
func (c *Client) ListUsers(ctx context.Context, p ListUsersOptions) iter.Seq2[*User, error] {
	return c.listUsers(ctx, p, func(r *reply) ([]*User, int, error) {
		var w struct {
			Count flexString `json:"count"`
			User  []*User    `json:"user"`
		}
		err := c.decode(r, &w)
		return w.User, w.Count.int(), err
	})
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
// time of a 100-user page went to decoding them).
func (c *Client) listKeyUsers(ctx context.Context, p ListUsersOptions) iter.Seq2[*User, error] {
	return c.listUsers(ctx, p, func(r *reply) ([]*User, int, error) {
		var w struct {
			Count flexString `json:"count"`
			User  []keyUser  `json:"user"`
		}
		err := c.decode(r, &w)
		users := make([]*User, len(w.User))
		for i, u := range w.User {
			users[i] = &User{ID: u.ID, State: u.State, APIKey: u.APIKey, APIKeyAccess: u.APIKeyAccess}
		}
		return users, w.Count.int(), err
	})
}

func (c *Client) listUsers(ctx context.Context, p ListUsersOptions, parse func(*reply) ([]*User, int, error)) iter.Seq2[*User, error] {
	return func(yield func(*User, error) bool) {
		params, err := query.Values(p)
		if err != nil {
			yield(nil, cloudkeys.InvalidInput(Vendor, "ListUsersOptions", "cannot encode"))
			return
		}
		size := p.PageSize
		if size <= 0 {
			size = DefaultPageSize
		}
		walk(ctx, c, "listUsers", params, size, parse, yield)
	}
}

// walk pages through a list command. It stops on a short page, an empty
// page, or when count items were seen (count is not trusted alone: 4.23's
// listUserKeys reports the unfiltered total).
func walk[T any](ctx context.Context, c *Client, command string, params url.Values, size int,
	parse func(*reply) ([]T, int, error), yield func(T, error) bool) {
	var zero T
	seen := 0
	for page := 1; ; page++ {
		q := cloneValues(params)
		q.Set("page", strconv.Itoa(page))
		q.Set("pagesize", strconv.Itoa(size))
		r, err := c.do(ctx, call{command: command, params: q, class: transport.Read})
		if err != nil {
			yield(zero, err)
			return
		}
		items, count, err := parse(r)
		if err != nil {
			yield(zero, err)
			return
		}
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
		seen += len(items)
		if len(items) < size || (count > 0 && seen >= count) {
			return
		}
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
