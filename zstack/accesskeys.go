package zstack

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
	"github.com/cloudkeys/cloudkeys/internal/zstackwire"
)

// AccessKeyState is the state of an AccessKey.
type AccessKeyState string

// AccessKey states.
const (
	AccessKeyEnabled  AccessKeyState = "Enabled"
	AccessKeyDisabled AccessKeyState = "Disabled"
)

// StateEvent is the stateEvent of ChangeAccessKeyState.
type StateEvent string

// State events.
const (
	StateEventEnable  StateEvent = "enable"
	StateEventDisable StateEvent = "disable"
)

// DeleteMode is the deleteMode of a delete API.
type DeleteMode string

// Delete modes.
const (
	DeletePermissive DeleteMode = "Permissive" // the server's default
	DeleteEnforcing  DeleteMode = "Enforcing"
)

// AccessKeyInventory is an AccessKey as the server describes it.
// AccessKeySecret is reliably present only in the CreateAccessKey result:
// newer servers drop it from query answers.
type AccessKeyInventory struct {
	UUID            string
	Description     string
	AccountUUID     string
	UserUUID        string
	AccessKeyID     string
	AccessKeySecret cloudkeys.Secret
	State           AccessKeyState
	CreateDate      time.Time // parsed in the server's zone
	LastOpDate      time.Time
}

// accessKeyWire is the JSON form (note the capitalised AccessKeyID/Secret).
type accessKeyWire struct {
	UUID            string           `json:"uuid"`
	Description     string           `json:"description"`
	AccountUUID     string           `json:"accountUuid"`
	UserUUID        string           `json:"userUuid"`
	AccessKeyID     string           `json:"AccessKeyID"`
	AccessKeySecret cloudkeys.Secret `json:"AccessKeySecret"`
	State           string           `json:"state"`
	CreateDate      string           `json:"createDate"`
	LastOpDate      string           `json:"lastOpDate"`
}

func (c *Client) inventory(w *accessKeyWire) *AccessKeyInventory {
	inv := &AccessKeyInventory{
		UUID: w.UUID, Description: w.Description, AccountUUID: w.AccountUUID, UserUUID: w.UserUUID,
		AccessKeyID: w.AccessKeyID, AccessKeySecret: w.AccessKeySecret, State: AccessKeyState(w.State),
	}
	// Dates are informative: an unparsable one is left zero.
	inv.CreateDate, _ = zstackwire.ParseInventoryDate(w.CreateDate, c.loc)
	inv.LastOpDate, _ = zstackwire.ParseInventoryDate(w.LastOpDate, c.loc)
	return inv
}

type inventoryReply struct {
	Inventory *accessKeyWire `json:"inventory"`
}

// check: an answer about a key names the key.
func (r *inventoryReply) check() error {
	if r.Inventory == nil || r.Inventory.UUID == "" {
		return &transport.BadAnswer{Problem: "answer without an inventory"}
	}
	return nil
}

// createReply is CreateAccessKey's result, which must carry the new key's
// id and secret.
type createReply struct{ inventoryReply }

func (r *createReply) check() error {
	if err := r.inventoryReply.check(); err != nil {
		return err
	}
	if r.Inventory.AccessKeyID == "" || r.Inventory.AccessKeySecret.IsZero() {
		return &transport.BadAnswer{Problem: "inventory without AccessKeyID or AccessKeySecret"}
	}
	return nil
}

// CreateAccessKeyRequest are the params of CreateAccessKey.
type CreateAccessKeyRequest struct {
	AccountUUID string // required: the owning account
	// UserUUID defaults to AccountUUID (older servers require it; newer ones
	// ignore it).
	UserUUID    string
	Description string // at most 2048 characters
	// AccessKeyID and AccessKeySecret choose the pair (both or neither; ID
	// 10-20 and secret 10-40 characters, no ':'). Without them the server
	// generates a 20-character ID and a 40-character secret.
	AccessKeyID     string
	AccessKeySecret cloudkeys.Secret
	ResourceUUID    string // optional uuid for the new key
	TagUUIDs        []string
	SystemTags      []string
	UserTags        []string
}

func (p CreateAccessKeyRequest) validate() error {
	sec := p.AccessKeySecret.Reveal()
	switch {
	case p.AccountUUID == "":
		return cloudkeys.InvalidInput(Vendor, "AccountUUID", "is required")
	case len(p.AccountUUID) > 32:
		return cloudkeys.InvalidInput(Vendor, "AccountUUID", "at most 32 characters")
	case len(p.UserUUID) > 32:
		return cloudkeys.InvalidInput(Vendor, "UserUUID", "at most 32 characters")
	case len(p.ResourceUUID) > 32:
		return cloudkeys.InvalidInput(Vendor, "ResourceUUID", "at most 32 characters")
	case len([]rune(p.Description)) > 2048:
		return cloudkeys.InvalidInput(Vendor, "Description", "at most 2048 characters")
	case (p.AccessKeyID == "") != (sec == ""):
		return cloudkeys.InvalidInput(Vendor, "AccessKeyID/AccessKeySecret", "give both or neither")
	case p.AccessKeyID != "" && (len(p.AccessKeyID) < 10 || len(p.AccessKeyID) > 20 || strings.Contains(p.AccessKeyID, ":")):
		return cloudkeys.InvalidInput(Vendor, "AccessKeyID", "must be 10-20 characters without ':'")
	case sec != "" && (len(sec) < 10 || len(sec) > 40 || strings.Contains(sec, ":")):
		return cloudkeys.InvalidInput(Vendor, "AccessKeySecret", "must be 10-40 characters without ':'")
	}
	return nil
}

type createAccessKeyBody struct {
	Params     createAccessKeyWire `json:"params"`
	SystemTags []string            `json:"systemTags,omitempty"`
	UserTags   []string            `json:"userTags,omitempty"`
}

type createAccessKeyWire struct {
	AccountUUID     string   `json:"accountUuid"`
	UserUUID        string   `json:"userUuid"`
	Description     string   `json:"description,omitempty"`
	AccessKeyID     string   `json:"AccessKeyID,omitempty"`
	AccessKeySecret string   `json:"AccessKeySecret,omitempty"`
	ResourceUUID    string   `json:"resourceUuid,omitempty"`
	TagUUIDs        []string `json:"tagUuids,omitempty"`
}

// CreateAccessKey creates an AccessKey with POST /zstack/v1/accesskeys
// {"params":{...}} (asynchronous: 202, then the job is polled). The write
// carries one X-Job-UUID on every retry, so it happens exactly once. The
// result holds the secret; capture it here, since later queries may not
// return it. A non-admin account may hold at most 2 keys (SYS.1007).
//
// A result that cannot be read (a PHP notice or a proxy banner around the
// JSON, no AccessKeyID or AccessKeySecret) is a
// *cloudkeys.UndecodableAnswerError matching cloudkeys.ErrOutcomeUnknown:
// the key exists, and its Answer keeps the job's raw answer, secret
// included (redacted). No error text quotes an answer.
func (c *Client) CreateAccessKey(ctx context.Context, p CreateAccessKeyRequest) (*AccessKeyInventory, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if p.UserUUID == "" {
		p.UserUUID = p.AccountUUID
	}
	c.tc.AddSecret(p.AccessKeySecret.Reveal())
	body := createAccessKeyBody{
		Params: createAccessKeyWire{
			AccountUUID: p.AccountUUID, UserUUID: p.UserUUID, Description: p.Description,
			AccessKeyID: p.AccessKeyID, AccessKeySecret: p.AccessKeySecret.Reveal(),
			ResourceUUID: p.ResourceUUID, TagUUIDs: p.TagUUIDs,
		},
		SystemTags: p.SystemTags, UserTags: p.UserTags,
	}
	var r createReply
	if err := c.invoke(ctx, transport.Call{Operation: "CreateAccessKey", Method: http.MethodPost, Path: "/accesskeys", In: body, Out: &r}); err != nil {
		return nil, err
	}
	// The answer passed its check (invoke makes it the call's Need).
	inv := c.inventory(r.Inventory)
	c.tc.AddSecret(inv.AccessKeySecret.Reveal())
	return inv, nil
}

func checkUUID(field, uuid string) error {
	if uuid == "" || len(uuid) > 64 || strings.ContainsAny(uuid, "/?#% \t\r\n") {
		return cloudkeys.InvalidInput(Vendor, field, "must be a uuid")
	}
	return nil
}

// uuidSegment checks uuid (checkUUID) and returns it escaped as one path
// segment; "." and ".." are refused before any request.
func uuidSegment(field, uuid string) (string, error) {
	if err := checkUUID(field, uuid); err != nil {
		return "", err
	}
	return transport.PathSegment(Vendor, field, uuid)
}

// DeleteAccessKey deletes an AccessKey with DELETE
// /zstack/v1/accesskeys/{uuid}?deleteMode=<mode> (asynchronous; mode ""
// means Permissive). Deleting an unknown uuid succeeds. Deleting the
// AccessKey the client signs with locks the client out.
func (c *Client) DeleteAccessKey(ctx context.Context, uuid string, mode DeleteMode) error {
	seg, err := uuidSegment("uuid", uuid)
	if err != nil {
		return err
	}
	switch mode {
	case "":
		mode = DeletePermissive
	case DeletePermissive, DeleteEnforcing:
	default:
		return cloudkeys.InvalidInput(Vendor, "deleteMode", "must be Permissive or Enforcing")
	}
	return c.invoke(ctx, transport.Call{
		Operation: "DeleteAccessKey", Method: http.MethodDelete, Path: "/accesskeys/" + seg,
		Query: url.Values{"deleteMode": {string(mode)}}})
}

// ChangeAccessKeyState enables or disables an AccessKey with PUT
// /zstack/v1/accesskeys/{uuid}/actions
// {"changeAccessKeyState":{"stateEvent":"enable"|"disable"}}
// (asynchronous). A disabled key's signatures are refused (403): disabling
// the AccessKey the client signs with locks it out.
func (c *Client) ChangeAccessKeyState(ctx context.Context, uuid string, event StateEvent) (*AccessKeyInventory, error) {
	seg, err := uuidSegment("uuid", uuid)
	if err != nil {
		return nil, err
	}
	if event != StateEventEnable && event != StateEventDisable {
		return nil, cloudkeys.InvalidInput(Vendor, "stateEvent", "must be enable or disable")
	}
	var r inventoryReply
	err = c.invoke(ctx, transport.Call{
		Operation: "ChangeAccessKeyState", Method: http.MethodPut, Path: "/accesskeys/" + seg + "/actions",
		In: map[string]any{"changeAccessKeyState": map[string]string{"stateEvent": string(event)}}, Out: &r})
	if err != nil {
		return nil, err
	}
	return c.inventory(r.Inventory), nil // checked as the call's Need
}

// AccessKeyPage is one page of QueryAccessKey ([Client.QueryAccessKeysPage]).
type AccessKeyPage struct {
	Inventories []*AccessKeyInventory
	// Total is the number of matches, when ReplyWithCount was set.
	Total    int
	HasTotal bool
	// Next is the query of the page that follows (Start advanced past this
	// page), nil after the last page: one shorter than its limit, or one
	// that reaches Total.
	Next *Query
}

type queryReply struct {
	Inventories []*accessKeyWire `json:"inventories"`
	Total       *int             `json:"total"`
}

// serverPageSize is the server's page size of a query without limit.
const serverPageSize = 1000

// QueryAccessKeysPage reads one page of QueryAccessKey with GET
// /zstack/v1/accesskeys?q=...&start=&limit=&replyWithCount=&sort=&fields=
// (synchronous): the matches from q.Start, at most q.Limit of them (0: the
// server's default of 1000).
func (c *Client) QueryAccessKeysPage(ctx context.Context, q Query) (*AccessKeyPage, error) {
	p, err := q.params()
	if err != nil {
		return nil, err
	}
	page, err := c.queryPage(ctx, "/accesskeys", p)
	if err != nil {
		return nil, err
	}
	page.Next = q.after(len(page.Inventories), page.Total, page.HasTotal)
	return page, nil
}

// after is the query of the page that follows q's page of n matches (of
// total, when hasTotal): Start advanced past it; nil after the last page,
// one shorter than its limit or one that reaches the total.
func (q Query) after(n, total int, hasTotal bool) *Query {
	limit := q.Limit
	if limit == 0 {
		limit = serverPageSize
	}
	if n > 0 && n >= limit && (!hasTotal || q.Start+n < total) {
		next := q
		next.Start += n
		return &next
	}
	return nil
}

func (c *Client) queryPage(ctx context.Context, path string, p queryParams) (*AccessKeyPage, error) {
	var r queryReply
	if err := c.invoke(ctx, transport.Call{Operation: "QueryAccessKey", Method: http.MethodGet, Path: path, RawQuery: p.rawQuery(), Class: transport.Read, Out: &r}); err != nil {
		return nil, err
	}
	page := &AccessKeyPage{}
	for _, w := range r.Inventories {
		if w != nil {
			page.Inventories = append(page.Inventories, c.inventory(w))
		}
	}
	if r.Total != nil {
		page.Total, page.HasTotal = *r.Total, true
	}
	return page, nil
}

// queryKeys is queryPage for GetKey and ListKeys: the Keys only, read in
// one pass where the answer allows (readKeyPage, with room for hint keys),
// else decoded as queryPage decodes it, which gives the result or the error
// queryPage gives.
func (c *Client) queryKeys(ctx context.Context, path string, p *queryParams, hint int) (*keyPage, error) {
	k := transport.Call{Operation: "QueryAccessKey", Method: http.MethodGet, Path: path, RawQuery: p.rawQuery(), Class: transport.Read}
	resp, err := c.invokeResp(ctx, k)
	if err != nil {
		return nil, err
	}
	page := &keyPage{}
	if c.readKeyPage(resp.Body, hint, page) {
		return page, nil
	}
	var r queryReply
	k.Out = &r
	if err := c.tc.Decode(&k, resp); err != nil {
		return nil, err
	}
	*page = keyPage{keys: make([]cloudkeys.Key, 0, len(r.Inventories))}
	for _, w := range r.Inventories {
		if w != nil {
			page.keys = append(page.keys, *c.toKey(c.inventory(w)))
		}
	}
	if r.Total != nil {
		page.total, page.hasTotal = *r.Total, true
	}
	return page, nil
}

// CountAccessKeys returns how many AccessKeys match, with GET
// /zstack/v1/accesskeys?q=...&count=true.
func (c *Client) CountAccessKeys(ctx context.Context, conds ...Condition) (int, error) {
	p, err := Query{Conditions: conds}.params()
	if err != nil {
		return 0, err
	}
	p.Count = true
	page, err := c.queryPage(ctx, "/accesskeys", p)
	if err != nil {
		return 0, err
	}
	return page.Total, nil
}

// defaultPageSize is the iterator's page size when Query.Limit is 0.
const defaultPageSize = 100

// QueryAccessKeys iterates over every match of QueryAccessKey, fetching
// pages lazily from q.Start with q.Limit (default 100) per page and
// replyWithCount=true: it follows [AccessKeyPage].Next of
// [Client.QueryAccessKeysPage]. An error is yielded once, last.
func (c *Client) QueryAccessKeys(ctx context.Context, q Query) iter.Seq2[*AccessKeyInventory, error] {
	return func(yield func(*AccessKeyInventory, error) bool) {
		if q.Limit == 0 {
			q.Limit = defaultPageSize
		}
		q.ReplyWithCount = true
		for next := &q; next != nil; {
			page, err := c.QueryAccessKeysPage(ctx, *next)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, inv := range page.Inventories {
				if !yield(inv, nil) {
					return
				}
			}
			next = page.Next
		}
	}
}

// GetAccessKey reads one AccessKey with GET /zstack/v1/accesskeys/{uuid};
// an empty answer is an error matching [cloudkeys.ErrNotFound].
func (c *Client) GetAccessKey(ctx context.Context, uuid string) (*AccessKeyInventory, error) {
	seg, err := uuidSegment("uuid", uuid)
	if err != nil {
		return nil, err
	}
	page, err := c.queryPage(ctx, "/accesskeys/"+seg, queryParams{})
	if err != nil {
		return nil, err
	}
	if len(page.Inventories) == 0 {
		return nil, c.tc.APIError("QueryAccessKey", http.StatusOK, "", "access key "+uuid+" not found", cloudkeys.ErrNotFound)
	}
	return page.Inventories[0], nil
}
