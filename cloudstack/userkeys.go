package cloudstack

import (
	"context"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-querystring/query"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// DateLayout is the layout of the dates CloudStack sends and that the client
// sends for startdate/enddate: yyyy-MM-dd'T'HH:mm:ssZ, e.g.
// "2026-08-20T08:51:52-0300".
const DateLayout = "2006-01-02T15:04:05-0700"

// UserKeys is the answer of getUserKeys (and of registerUserKeys up to 4.22).
type UserKeys struct {
	APIKey    string
	SecretKey cloudkeys.Secret // returned in plain text by the server
	// APIKeyAccess is the effective 4.20+ API-key access switch ("" when the
	// server does not send it).
	APIKeyAccess string
}

// KeyRule is one permission rule of a 4.23 key pair: Rule is an API name or
// a wildcard such as "list*", Permission is "allow" or "deny". The lower
// index takes precedence.
type KeyRule struct {
	Rule        string `json:"rule"`
	Permission  string `json:"permission"`
	Description string `json:"description"`
}

// KeyPair is an API key pair: on 4.23 one of several pairs of a user with
// its own id, name, dates and rules (ApiKeyPairResponse); up to 4.22 only
// APIKey and SecretKey are set.
type KeyPair struct {
	// ID is the key-pair id: ApiKeyPairResponse's "uuid" (or an "id"; for
	// registerUserKeys also the "id" of an asynchronous answer). It is ""
	// where the server names neither.
	ID          string
	Name        string
	Description string
	APIKey      string
	// SecretKey is set by registerUserKeys (and where the server sends it).
	SecretKey   cloudkeys.Secret
	UserID      string
	Username    string
	AccountID   string
	AccountName string
	AccountType string
	DomainID    string
	Domain      string
	DomainPath  string
	RoleID      string
	RoleType    string
	RoleName    string
	State       string
	StartDate   time.Time // zero = no start date
	EndDate     time.Time // zero = never expires
	Created     time.Time
	// APIKeyAccess is the API-key access switch some versions send.
	APIKeyAccess string
	// Permissions are the pair's rules (listUserKeys with ShowPermissions).
	Permissions []KeyRule
}

type keyPairWire struct {
	ID           flexString       `json:"id"`
	UUID         flexString       `json:"uuid"`
	Name         flexString       `json:"name"`
	Description  flexString       `json:"description"`
	APIKey       flexString       `json:"apikey"`
	SecretKey    cloudkeys.Secret `json:"secretkey"`
	UserID       flexString       `json:"userid"`
	Username     flexString       `json:"username"`
	AccountID    flexString       `json:"accountid"`
	AccountName  flexString       `json:"accountname"`
	AccountType  flexString       `json:"accounttype"`
	DomainID     flexString       `json:"domainid"`
	Domain       flexString       `json:"domain"`
	DomainPath   flexString       `json:"domainpath"`
	RoleID       flexString       `json:"roleid"`
	RoleType     flexString       `json:"roletype"`
	RoleName     flexString       `json:"rolename"`
	State        flexString       `json:"state"`
	StartDate    flexString       `json:"startdate"`
	EndDate      flexString       `json:"enddate"`
	Created      flexString       `json:"created"`
	APIKeyAccess flexString       `json:"apikeyaccess"`
	Permissions  []KeyRule        `json:"permissions"`
}

func (w *keyPairWire) pair() *KeyPair {
	// ApiKeyPairResponse names the pair's id "uuid"; "id" is read too.
	id := string(w.UUID)
	if id == "" {
		id = string(w.ID)
	}
	return &KeyPair{
		ID: id, Name: string(w.Name), Description: string(w.Description), APIKey: string(w.APIKey),
		SecretKey: w.SecretKey, UserID: string(w.UserID), Username: string(w.Username),
		AccountID: string(w.AccountID), AccountName: string(w.AccountName), AccountType: string(w.AccountType),
		DomainID: string(w.DomainID), Domain: string(w.Domain), DomainPath: string(w.DomainPath),
		RoleID: string(w.RoleID), RoleType: string(w.RoleType), RoleName: string(w.RoleName),
		State: string(w.State), StartDate: parseDate(string(w.StartDate)), EndDate: parseDate(string(w.EndDate)),
		Created: parseDate(string(w.Created)), APIKeyAccess: string(w.APIKeyAccess), Permissions: w.Permissions,
	}
}

// parseDate reads a CloudStack date (DateLayout, or RFC 3339); anything else
// is the zero time.
func parseDate(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	for _, l := range []string{DateLayout, time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(l, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// GetUserKeys returns a user's API key and secret key: GET
// command=getUserKeys&id=<user id>. The secret comes back in plain text; a
// user without keys gives empty fields. Root admin is not required: a user
// may read their own keys, an admin those of the domain subtree. On the
// integration port servers from 4.22 on fail it with a 530 (a
// NullPointerException, apache/cloudstack PR #14104).
func (c *Client) GetUserKeys(ctx context.Context, userID string) (*UserKeys, error) {
	if userID == "" {
		return nil, cloudkeys.InvalidInput(Vendor, "userID", "must not be empty")
	}
	uk := new(UserKeys)
	r, err := c.do(ctx, call{command: "getUserKeys", params: url.Values{"id": {userID}}, class: transport.Read, fast: readGetUserKeys(uk)})
	if err != nil {
		return nil, err
	}
	if r.fast { // read in one pass (readGetUserKeys)
		return uk, nil
	}
	var w getUserKeysWire
	if err := c.decode(r, &w); err != nil {
		return nil, err
	}
	return w.userKeys(), nil
}

// getUserKeysWire is the inside of a getUserKeys answer as encoding/json
// reads it where readGetUserKeys gives up.
type getUserKeysWire struct {
	UserKeys *keyPairWire `json:"userkeys"`
}

// userKeys is what GetUserKeys returns of w: empty fields for a user
// without keys (a null or missing userkeys).
func (w *getUserKeysWire) userKeys() *UserKeys {
	if w.UserKeys == nil {
		return &UserKeys{}
	}
	return &UserKeys{APIKey: string(w.UserKeys.APIKey), SecretKey: w.UserKeys.SecretKey, APIKeyAccess: string(w.UserKeys.APIKeyAccess)}
}

// RegisterUserKeysRequest are the parameters of registerUserKeys. Only ID
// exists up to 4.22; the rest are 4.23 key-pair fields.
type RegisterUserKeysRequest struct {
	ID          string    `url:"id"`                    // the user's UUID (required)
	Name        string    `url:"name,omitempty"`        // 4.23
	Description string    `url:"description,omitempty"` // 4.23, at most 1024 characters
	StartDate   time.Time `url:"-"`                     // 4.23, sent as startdate in DateLayout (UTC)
	EndDate     time.Time `url:"-"`                     // 4.23, sent as enddate in DateLayout (UTC)
	// Rules restrict the pair (4.23), sent as rules[i].rule,
	// rules[i].permission and rules[i].description. None = all of the
	// account's permissions.
	Rules []KeyRule `url:"-"`
}

func (p RegisterUserKeysRequest) values() (url.Values, error) {
	if p.ID == "" {
		return nil, cloudkeys.InvalidInput(Vendor, "ID", "must not be empty")
	}
	if len(p.Description) > 1024 {
		return nil, cloudkeys.InvalidInput(Vendor, "Description", "longer than 1024 characters")
	}
	if !p.StartDate.IsZero() && !p.EndDate.IsZero() && !p.EndDate.After(p.StartDate) {
		return nil, cloudkeys.InvalidInput(Vendor, "EndDate", "must be after StartDate")
	}
	v, err := query.Values(p)
	if err != nil {
		return nil, cloudkeys.InvalidInput(Vendor, "RegisterUserKeysRequest", "cannot encode")
	}
	if !p.StartDate.IsZero() {
		v.Set("startdate", p.StartDate.UTC().Format(DateLayout))
	}
	if !p.EndDate.IsZero() {
		v.Set("enddate", p.EndDate.UTC().Format(DateLayout))
	}
	for i, r := range p.Rules {
		perm := strings.ToLower(r.Permission)
		if r.Rule == "" {
			return nil, cloudkeys.InvalidInput(Vendor, "Rules["+strconv.Itoa(i)+"].Rule", "must not be empty")
		}
		if perm != "allow" && perm != "deny" {
			return nil, cloudkeys.InvalidInput(Vendor, "Rules["+strconv.Itoa(i)+"].Permission", `must be "allow" or "deny"`)
		}
		if len(r.Description) > 255 {
			return nil, cloudkeys.InvalidInput(Vendor, "Rules["+strconv.Itoa(i)+"].Description", "longer than 255 characters")
		}
		pre := "rules[" + strconv.Itoa(i) + "]."
		v.Set(pre+"rule", r.Rule)
		v.Set(pre+"permission", perm)
		if r.Description != "" {
			v.Set(pre+"description", r.Description)
		}
	}
	return v, nil
}

// RegisterUserKeys generates a key pair for a user: POST
// command=registerUserKeys with a signed form body. The secret is returned
// only here (and by getUserKeys).
//
// Up to 4.22 the user has one pair and this REPLACES it: the old key stops
// working at once. For the client's own user that is the client's
// credential, and RegisterUserKeys does not switch the client to the new
// pair: use [Client.RotateKey] or cloudkeys.Rotate, which do. On 4.23 it adds a pair; the server may answer with a job
// id, which is polled with queryAsyncJobResult until done.
//
// It is never re-sent after it may have reached the server: a lost answer
// is an error matching cloudkeys.ErrOutcomeUnknown (reconcile with
// getUserKeys or listUserKeys). So is an answer that cannot be read, or
// that carries no apikey and secretkey — the immediate answer, or for an
// asynchronous registration the queryAsyncJobResult answer that holds the
// pair: a *cloudkeys.UndecodableAnswerError whose Answer keeps that raw
// answer, secret included (redacted). No error text quotes an answer.
func (c *Client) RegisterUserKeys(ctx context.Context, p RegisterUserKeysRequest) (*KeyPair, error) {
	params, err := p.values()
	if err != nil {
		return nil, err
	}
	r, err := c.do(ctx, call{command: "registerUserKeys", params: params, class: transport.Write, post: true})
	if err != nil {
		return nil, err
	}
	accepted := entityID(r.inner) // the "id" of an asynchronous create-type answer, if any
	r, err = c.finish(ctx, r)
	if err != nil {
		return nil, err
	}
	var w struct {
		UserKeys *keyPairWire `json:"userkeys"`
	}
	if err := c.decode(r, &w); err != nil {
		return nil, err
	}
	if w.UserKeys == nil || w.UserKeys.APIKey == "" || w.UserKeys.SecretKey.IsZero() {
		return nil, c.unreadable(r, &transport.BadAnswer{Problem: "answer carries no key pair (apikey and secretkey)"})
	}
	kp := w.UserKeys.pair()
	if kp.UserID == "" {
		kp.UserID = p.ID
	}
	if kp.ID == "" {
		kp.ID = accepted
	}
	return kp, nil
}

// ListUserKeysOptions filter listUserKeys (4.23) and choose its pages.
// Zero fields are not sent.
type ListUserKeysOptions struct {
	UserID          string `url:"userid,omitempty"`
	KeyPairID       string `url:"keypairid,omitempty"`
	Keyword         string `url:"keyword,omitempty"`
	ShowPermissions *bool  `url:"showpermissions,omitempty"`
	ListAll         *bool  `url:"listall,omitempty"` // admins: every pair they may see
	// Page is the first page to read, from 1 (0 means 1).
	Page int `url:"-"`
	// PageSize is the number of pairs per page (default DefaultPageSize).
	PageSize int `url:"-"`
}

// UserKeysPage is one page of listUserKeys.
type UserKeysPage struct {
	KeyPairs []*KeyPair
	// Count is the count the server reports ("count"; 4.23 reports the
	// total before filtering), 0 where it sends none.
	Count int
	// Next selects the page that follows (the same options, Page advanced),
	// nil after the last page.
	Next *ListUserKeysOptions
}

// ListUserKeys lists key pairs (4.23) page by page, from opts.Page: GET
// command=listUserKeys&page=N&pagesize=M plus the filters. Secrets are not
// listed. A short or empty page ends the walk; an error is yielded once,
// last. A server before 4.23 answers 432 (cloudkeys.ErrUnsupported).
func (c *Client) ListUserKeys(ctx context.Context, opts ListUserKeysOptions) iter.Seq2[*KeyPair, error] {
	return func(yield func(*KeyPair, error) bool) {
		params, pg, err := opts.query()
		if err != nil {
			yield(nil, err)
			return
		}
		walk(ctx, c, "listUserKeys", params, pg, nil, c.parseKeyPairs, yield)
	}
}

// ListUserKeysPage reads the one page opts.Page of listUserKeys (4.23):
// GET command=listUserKeys&page=N&pagesize=M plus the filters.
func (c *Client) ListUserKeysPage(ctx context.Context, opts ListUserKeysOptions) (*UserKeysPage, error) {
	params, pg, err := opts.query()
	if err != nil {
		return nil, err
	}
	page, err := fetchPage(ctx, c, "listUserKeys", params, pg, nil, c.parseKeyPairs)
	if err != nil {
		return nil, err
	}
	out := &UserKeysPage{KeyPairs: page.items, Count: page.count}
	if page.next > 0 {
		next := opts
		next.Page = page.next
		out.Next = &next
	}
	return out, nil
}

// query encodes the filters and validates the page.
func (opts ListUserKeysOptions) query() (url.Values, paging, error) {
	params, err := query.Values(opts)
	if err != nil {
		return nil, paging{}, cloudkeys.InvalidInput(Vendor, "ListUserKeysOptions", "cannot encode")
	}
	pg, err := newPaging(opts.Page, opts.PageSize)
	return params, pg, err
}

func (c *Client) parseKeyPairs(r *reply) ([]*KeyPair, int, error) {
	var w struct {
		Count flexString     `json:"count"`
		Keys  []*keyPairWire `json:"userapikey"`
	}
	if err := c.decode(r, &w); err != nil {
		return nil, 0, err
	}
	out := make([]*KeyPair, 0, len(w.Keys))
	for _, k := range w.Keys {
		if k != nil {
			out = append(out, k.pair())
		}
	}
	return out, w.Count.int(), nil
}

// DeleteUserKeys deletes a key pair (4.23): POST command=deleteUserKeys&
// keypairid=<id> with a signed form body; the job is polled until done.
//
// Deleting by id is idempotent by nature, so it is retried like a read when
// an answer is lost; a repeat that finds the pair already gone is reported
// as success by [Client.DeleteKey] (this method returns the server's answer).
func (c *Client) DeleteUserKeys(ctx context.Context, keyPairID string) error {
	_, err := c.deleteUserKeys(ctx, keyPairID)
	return err
}

// deleteUserKeys also reports how many times the command was sent.
func (c *Client) deleteUserKeys(ctx context.Context, keyPairID string) (bool, error) {
	if keyPairID == "" {
		return false, cloudkeys.InvalidInput(Vendor, "keyPairID", "must not be empty")
	}
	r, err := c.do(ctx, call{command: "deleteUserKeys", params: url.Values{"keypairid": {keyPairID}}, class: transport.IdempotentWrite, post: true})
	if err != nil {
		return retried(err), err
	}
	r, err = c.finish(ctx, r)
	if err != nil {
		return false, err
	}
	var w struct {
		Success flexString `json:"success"`
	}
	if err := c.decode(r, &w); err != nil {
		return false, err
	}
	if w.Success != "" && !w.Success.bool() {
		return false, c.tc.APIError("deleteUserKeys", 0, "", "server reported no success", cloudkeys.ErrServer)
	}
	return false, nil
}

// ListUserKeyRules returns the rules of a key pair (4.23): GET
// command=listUserKeyRules&id=<key pair id>.
func (c *Client) ListUserKeyRules(ctx context.Context, keyPairID string) ([]KeyRule, error) {
	if keyPairID == "" {
		return nil, cloudkeys.InvalidInput(Vendor, "keyPairID", "must not be empty")
	}
	r, err := c.do(ctx, call{command: "listUserKeyRules", params: url.Values{"id": {keyPairID}}, class: transport.Read})
	if err != nil {
		return nil, err
	}
	var w struct {
		Rules []KeyRule `json:"keypermission"`
	}
	if err := c.decode(r, &w); err != nil {
		return nil, err
	}
	return w.Rules, nil
}
