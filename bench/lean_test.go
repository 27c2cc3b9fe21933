package bench

// The lean baselines: the leanest hand-written net/http + encoding/json code
// that sends the same signed request as the SDK and decodes the same answer
// into the same cloudkeys.Key. No retries, no redaction, no logging, no
// size limit: the lower bound of what any client must do on the wire.

import (
	"context"
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // CloudStack and ZStack sign with HMAC-SHA1.
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/internal/cloudstackwire"
	"github.com/cloudkeys/cloudkeys/internal/huaweiwire"
	"github.com/cloudkeys/cloudkeys/internal/zstackwire"
)

// lean is a hand-written client for one vendor.
type lean interface {
	GetKey(ctx context.Context, id string) (*cloudkeys.Key, error)
	// ListKeys yields every key, page by page, like the SDK's ListKeys.
	ListKeys(ctx context.Context, yield func(*cloudkeys.Key) bool) error
}

const userAgent = "cloudkeys-go/bench-lean"

// leanTransport is the baseline's connection pool on 127.0.0.1: the same
// sizing as the SDK's own pool, so both reuse connections alike. (The
// client-only benchmarks give the baseline a canned.Tape instead.)
func leanTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 512
	t.MaxIdleConnsPerHost = 128
	return t
}

// getJSON sends req and decodes a 200 answer into out.
func getJSON(hc *http.Client, req *http.Request, out any) error {
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer func() {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

var errNotFound = errors.New("not found")

// ---------------------------------------------------------------- CloudStack

type leanCloudStack struct {
	hc             *http.Client
	endpoint       string // .../client/api
	apiKey, secret string
	now            func() time.Time
}

type csUser struct {
	ID           string `json:"id"`
	State        string `json:"state"`
	APIKey       string `json:"apikey"`
	APIKeyAccess string `json:"apikeyaccess"`
}

func (u *csUser) key() *cloudkeys.Key {
	return &cloudkeys.Key{Vendor: "cloudstack", ID: u.APIKey, AccessKey: u.APIKey, Owner: u.ID,
		Enabled: strings.EqualFold(u.State, "enabled") && !strings.EqualFold(u.APIKeyAccess, "disabled")}
}

// signedURL builds the signed query: every parameter sorted, values encoded
// like Java's URLEncoder, HMAC-SHA1 over the lowercased string.
func (c *leanCloudStack) signedURL(params [][2]string) string {
	params = append(params,
		[2]string{"apikey", c.apiKey},
		[2]string{"expires", c.now().Add(5 * time.Minute).UTC().Format(cloudstackwire.ExpiresLayout)},
		[2]string{"response", "json"},
		[2]string{"signatureversion", "3"})
	// insertion sort: a handful of parameters
	for i := 1; i < len(params); i++ {
		for j := i; j > 0 && params[j][0] < params[j-1][0]; j-- {
			params[j], params[j-1] = params[j-1], params[j]
		}
	}
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p[0])
		b.WriteByte('=')
		b.WriteString(cloudstackwire.EncodeValue(p[1]))
	}
	q := b.String()
	m := hmac.New(sha1.New, []byte(c.secret))
	m.Write([]byte(strings.ToLower(q)))
	return c.endpoint + "?" + q + "&signature=" + cloudstackwire.EncodeValue(base64.StdEncoding.EncodeToString(m.Sum(nil)))
}

func (c *leanCloudStack) get(ctx context.Context, params [][2]string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.signedURL(params), nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", userAgent)
	return getJSON(c.hc, req, out)
}

func (c *leanCloudStack) GetKey(ctx context.Context, id string) (*cloudkeys.Key, error) {
	var w struct {
		R struct {
			User *csUser `json:"user"`
		} `json:"getuserresponse"`
	}
	if err := c.get(ctx, [][2]string{{"command", "getUser"}, {"userapikey", id}}, &w); err != nil {
		return nil, err
	}
	if w.R.User == nil {
		return nil, errNotFound
	}
	return w.R.User.key(), nil
}

func (c *leanCloudStack) ListKeys(ctx context.Context, yield func(*cloudkeys.Key) bool) error {
	const size = cloudstack.DefaultPageSize
	seen := 0
	for page := 1; ; page++ {
		var w struct {
			R struct {
				Count json.Number `json:"count"`
				User  []*csUser   `json:"user"`
			} `json:"listusersresponse"`
		}
		err := c.get(ctx, [][2]string{{"command", "listUsers"}, {"listall", "true"},
			{"page", strconv.Itoa(page)}, {"pagesize", strconv.Itoa(size)}}, &w)
		if err != nil {
			return err
		}
		for _, u := range w.R.User {
			if u.APIKey == "" {
				continue
			}
			if !yield(u.key()) {
				return nil
			}
		}
		seen += len(w.R.User)
		count, _ := w.R.Count.Int64()
		if len(w.R.User) < size || seen >= int(count) {
			return nil
		}
	}
}

// -------------------------------------------------------------------- ZStack

type leanZStack struct {
	hc         *http.Client
	base       string // http://host:port/zstack/v1
	id, secret string
	loc        *time.Location
	now        func() time.Time
}

type zsKey struct {
	UUID        string `json:"uuid"`
	Description string `json:"description"`
	AccountUUID string `json:"accountUuid"`
	AccessKeyID string `json:"AccessKeyID"`
	Secret      string `json:"AccessKeySecret"`
	State       string `json:"state"`
	CreateDate  string `json:"createDate"`
}

func (c *leanZStack) key(w *zsKey) *cloudkeys.Key {
	created, _ := zstackwire.ParseInventoryDate(w.CreateDate, c.loc)
	return &cloudkeys.Key{Vendor: "zstack", ID: w.UUID, AccessKey: w.AccessKeyID, Secret: cloudkeys.NewSecret(w.Secret),
		Owner: w.AccountUUID, Description: w.Description, Enabled: w.State == "Enabled", CreatedAt: created}
}

type zsReply struct {
	Inventories []*zsKey `json:"inventories"`
	Total       int      `json:"total"`
}

// query sends a signed GET: Date in the server's zone, HMAC-SHA1 over
// METHOD\nDate\n/v1/path.
func (c *leanZStack) query(ctx context.Context, path, rawQuery string, out *zsReply) error {
	u := c.base + path
	if rawQuery != "" {
		u += "?" + rawQuery
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	date := zstackwire.FormatDate(c.now(), c.loc)
	m := hmac.New(sha1.New, []byte(c.secret))
	m.Write([]byte("GET\n" + date + "\n/v1" + path))
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Date", date)
	req.Header.Set("Authorization", "ZStack "+c.id+":"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
	return getJSON(c.hc, req, out)
}

func (c *leanZStack) GetKey(ctx context.Context, id string) (*cloudkeys.Key, error) {
	var r zsReply
	if err := c.query(ctx, "/accesskeys/"+url.PathEscape(id), "", &r); err != nil {
		return nil, err
	}
	if len(r.Inventories) == 0 || r.Inventories[0] == nil {
		return nil, errNotFound
	}
	return c.key(r.Inventories[0]), nil
}

func (c *leanZStack) ListKeys(ctx context.Context, yield func(*cloudkeys.Key) bool) error {
	const limit = 100
	for start := 0; ; {
		q := "limit=100&replyWithCount=true"
		if start > 0 {
			q += "&start=" + strconv.Itoa(start)
		}
		var r zsReply
		if err := c.query(ctx, "/accesskeys", q, &r); err != nil {
			return err
		}
		for _, w := range r.Inventories {
			if w != nil && !yield(c.key(w)) {
				return nil
			}
		}
		start += len(r.Inventories)
		if len(r.Inventories) < limit || start >= r.Total {
			return nil
		}
	}
}

// ---------------------------------------------------------------- e24cloud

type leanE24 struct {
	hc          *http.Client
	base        string // http://host:port (the client adds /v2)
	host        string // without port, as signed
	key, secret string
	now         func() time.Time
}

func (c *leanE24) account(ctx context.Context) (id string, keys []e24Key, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/v2/account", nil)
	if err != nil {
		return "", nil, err
	}
	date := c.now().UTC().Format(http.TimeFormat)
	m := hmac.New(sha256.New, []byte(c.secret))
	m.Write([]byte("GET\n" + c.host + "\n" + date + "\n/v2/account\n"))
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Date", date)
	req.Header.Set("Authorization", c.key+":"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
	var w struct {
		Account struct {
			ID  string   `json:"id"`
			API []e24Key `json:"api"`
		} `json:"account"`
	}
	if err := getJSON(c.hc, req, &w); err != nil {
		return "", nil, err
	}
	return w.Account.ID, w.Account.API, nil
}

type e24Key struct {
	APIKey    string `json:"api_key"`
	SecretKey string `json:"secret_key"`
}

func e24ToKey(k *e24Key, owner string) *cloudkeys.Key {
	return &cloudkeys.Key{Vendor: "e24", ID: k.APIKey, AccessKey: k.APIKey, Secret: cloudkeys.NewSecret(k.SecretKey),
		Owner: owner, Enabled: true}
}

func (c *leanE24) GetKey(ctx context.Context, id string) (*cloudkeys.Key, error) {
	owner, keys, err := c.account(ctx)
	if err != nil {
		return nil, err
	}
	for i := range keys {
		if keys[i].APIKey == id {
			return e24ToKey(&keys[i], owner), nil
		}
	}
	return nil, errNotFound
}

func (c *leanE24) ListKeys(ctx context.Context, yield func(*cloudkeys.Key) bool) error {
	owner, keys, err := c.account(ctx)
	if err != nil {
		return err
	}
	for i := range keys {
		if !yield(e24ToKey(&keys[i], owner)) {
			return nil
		}
	}
	return nil
}

// --------------------------------------------------------------- Huawei NES

type leanHuawei struct {
	hc              *http.Client
	base            *url.URL // http://host:port/v1/{project}/node-provider/credentials
	project, ak, sk string
	now             func() time.Time
}

type hwCred struct {
	ID          string `json:"id"`
	Description string `json:"description"`
	CreateTime  string `json:"create_time"`
	UpdateTime  string `json:"update_time"`
}

func hwTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func (c *leanHuawei) key(cr *hwCred) *cloudkeys.Key {
	return &cloudkeys.Key{Vendor: "huaweibcs", ID: cr.ID, Owner: c.project, Description: cr.Description, Enabled: true,
		CreatedAt: hwTime(cr.CreateTime), LastUsedAt: hwTime(cr.UpdateTime)}
}

// page sends one signed list request (SDK-HMAC-SHA256 over host,
// x-project-id and x-sdk-date).
func (c *leanHuawei) page(ctx context.Context, offset int) ([]hwCred, int, error) {
	u := *c.base
	u.RawQuery = "limit=1000&offset=" + strconv.Itoa(offset)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("X-Project-Id", c.project)
	req.Header.Set("X-Sdk-Date", c.now().UTC().Format(huaweiwire.DateFormat))
	auth, err := huaweiwire.SignAKSK(c.ak, c.sk, http.MethodGet, req.URL, req.Header, huaweiwire.DefaultSignedHeaders, nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Authorization", auth)
	var w struct {
		Credentials []hwCred `json:"credentials"`
		Count       int      `json:"count"`
	}
	if err := getJSON(c.hc, req, &w); err != nil {
		return nil, 0, err
	}
	return w.Credentials, w.Count, nil
}

func (c *leanHuawei) ListKeys(ctx context.Context, yield func(*cloudkeys.Key) bool) error {
	for offset, seen := 0, 0; ; {
		creds, count, err := c.page(ctx, offset)
		if err != nil {
			return err
		}
		for i := range creds {
			if !yield(c.key(&creds[i])) {
				return nil
			}
		}
		seen += len(creds)
		if len(creds) == 0 || seen >= count {
			return nil
		}
		offset += len(creds)
		if offset > huaweibcs.MaxOffset {
			return errors.New("offset limit")
		}
	}
}

// GetKey pages through the list: NES has no get-one call (as in the SDK).
func (c *leanHuawei) GetKey(ctx context.Context, id string) (*cloudkeys.Key, error) {
	var found *cloudkeys.Key
	err := c.ListKeys(ctx, func(k *cloudkeys.Key) bool {
		if k.ID == id {
			found = k
			return false
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, errNotFound
	}
	return found, nil
}

// ----------------------------------------------------------------- Onezone

type leanOnezone struct {
	hc    *http.Client
	base  string // http://host:port/api/v3/onezone
	token string
}

type ozToken struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Subject struct {
		ID string `json:"id"`
	} `json:"subject"`
	Caveats []struct {
		Type       string `json:"type"`
		ValidUntil int64  `json:"validUntil"`
	} `json:"caveats"`
	Metadata struct {
		CreationTime int64          `json:"creationTime"`
		Custom       map[string]any `json:"custom"`
	} `json:"metadata"`
	Revoked bool   `json:"revoked"`
	Token   string `json:"token"`
}

func (c *leanOnezone) get(ctx context.Context, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("X-Auth-Token", c.token)
	return getJSON(c.hc, req, out)
}

func (c *leanOnezone) GetKey(ctx context.Context, id string) (*cloudkeys.Key, error) {
	var t ozToken
	if err := c.get(ctx, "/tokens/named/"+url.PathEscape(id), &t); err != nil {
		return nil, err
	}
	k := &cloudkeys.Key{Vendor: "onezone", ID: t.ID, Secret: cloudkeys.NewSecret(t.Token), Owner: t.Subject.ID,
		Name: t.Name, Enabled: !t.Revoked}
	if d, ok := t.Metadata.Custom["description"].(string); ok {
		k.Description = d
	}
	if t.Metadata.CreationTime > 0 {
		k.CreatedAt = time.Unix(t.Metadata.CreationTime, 0).UTC()
	}
	for _, cv := range t.Caveats {
		if cv.Type == "time" && (k.ExpiresAt.IsZero() || time.Unix(cv.ValidUntil, 0).Before(k.ExpiresAt)) {
			k.ExpiresAt = time.Unix(cv.ValidUntil, 0).UTC()
		}
	}
	return k, nil
}

// ListKeys reads the ids, then GETs each token, 8 at a time (as the SDK).
func (c *leanOnezone) ListKeys(ctx context.Context, yield func(*cloudkeys.Key) bool) error {
	var w struct {
		Tokens []string `json:"tokens"`
	}
	if err := c.get(ctx, "/user/tokens/named", &w); err != nil {
		return err
	}
	ids := slices.Compact(slices.Sorted(slices.Values(w.Tokens))) // sorted by id, as the SDK yields them
	const par = 8
	keys := make([]*cloudkeys.Key, par)
	errs := make([]error, par)
	for start := 0; start < len(ids); start += par {
		batch := ids[start:min(start+par, len(ids))]
		var wg sync.WaitGroup
		for i, id := range batch {
			wg.Go(func() { keys[i], errs[i] = c.GetKey(ctx, id) })
		}
		wg.Wait()
		for i := range batch {
			if errs[i] != nil {
				return errs[i]
			}
			if !yield(keys[i]) {
				return nil
			}
		}
	}
	return nil
}
