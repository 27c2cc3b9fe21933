package huaweibcs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/google/go-querystring/query"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/huaweiwire"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// Operation names, as in Huawei's API reference.
const (
	OpList   = "ListPublicChainCredentials"
	OpCreate = "CreatePublicChainCredential"
	OpDelete = "DeletePublicChainCredential"
)

// Credential is one NES API key as List shows it. List never carries the
// secret: it is returned only once, by CreateCredential.
type Credential struct {
	ID          string `json:"id"`          // 36 characters
	Description string `json:"description"` // up to 100 characters
	CreateTime  string `json:"create_time"` // as sent, e.g. 2023-06-06T20:47:02.15507+08:00
	UpdateTime  string `json:"update_time"` // as sent: the time of LAST USE, not of a change

	// Fields of the newer (zh-cn) reference; empty where the server omits them.
	EpsInfo     json.RawMessage `json:"eps_info,omitempty"`     // enterprise project, opaque
	NodeIDs     []string        `json:"node_ids,omitempty"`     // nodes the key is scoped to
	ControlType string          `json:"control_type,omitempty"` // access-policy type
	Allowlists  []Allowlist     `json:"allowlists,omitempty"`   // access-policy entries

	CreatedAt  time.Time `json:"-"` // CreateTime parsed (RFC 3339); zero if unparseable
	LastUsedAt time.Time `json:"-"` // UpdateTime parsed (RFC 3339); zero if unparseable or never used
}

// Allowlist is one access-policy entry of a credential.
type Allowlist struct {
	Type string `json:"allowlist_type"`
	Info string `json:"allowlist_info"`
}

// ListCredentialsOptions choose the pages of [Client.ListCredentials] and
// [Client.ListCredentialsPage].
type ListCredentialsOptions struct {
	// Offset is the start position, 0..1000.
	Offset int `url:"offset"`
	// Limit is the page size, 1..1000; 0 leaves it to the server for one
	// page, and asks for 1000 when iterating. The server may return fewer
	// items than asked (the reference caps a page at 100), so a short page
	// is not the last one.
	Limit int `url:"limit,omitempty"`
}

// CredentialsPage is one page of ListPublicChainCredentials.
type CredentialsPage struct {
	Credentials []Credential `json:"credentials"`
	// Count is the total number of credentials, not the length of this page.
	Count int `json:"count"`
	// Next selects the page that follows (Offset advanced past this page),
	// nil after the last page: an empty one, or one that reaches Count. It
	// is nil too where the API cannot page further (offset is limited to
	// 1000): Count then exceeds Offset plus the credentials of this page
	// (see ErrOffsetLimit).
	Next *ListCredentialsOptions `json:"-"`

	// keys is the page read for GetKey and ListKeys (listPage with keys):
	// a Key per credential, in place of Credentials.
	keys []cloudkeys.Key
}

// ListCredentialsPage sends GET /v1/{project_id}/node-provider/credentials
// ?offset=&limit= and returns one page. Reads are retried on 429
// (APIGW.0308, BCS.03429001), 502, 503, 504 and connection errors. An
// answer that cannot be read is a *cloudkeys.UndecodableAnswerError
// (cloudkeys.ErrServer) that never quotes it.
func (c *Client) ListCredentialsPage(ctx context.Context, opts ListCredentialsOptions) (*CredentialsPage, error) {
	return c.listPage(ctx, opts, false)
}

// listPage is ListCredentialsPage; with keys (GetKey, ListKeys) the page
// holds a cloudkeys.Key per credential (CredentialsPage.keys) in place of
// Credentials, read in one pass where the answer allows (readKeysPage), else
// decoded as ListCredentialsPage decodes it and converted.
func (c *Client) listPage(ctx context.Context, opts ListCredentialsOptions, keys bool) (*CredentialsPage, error) {
	if opts.Offset < 0 || opts.Offset > MaxOffset {
		return nil, cloudkeys.InvalidInput(Vendor, "Offset", "must be 0.."+strconv.Itoa(MaxOffset))
	}
	if opts.Limit < 0 || opts.Limit > MaxLimit {
		return nil, cloudkeys.InvalidInput(Vendor, "Limit", "must be 1.."+strconv.Itoa(MaxLimit)+" (0 for the server's default)")
	}
	q, err := query.Values(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: encode query: %w", Vendor, OpList, err)
	}
	var res CredentialsPage
	k := transport.Call{
		Operation: OpList, Class: transport.Read, Method: http.MethodGet, Path: c.basePath, Query: q,
		Out: &res, Need: func(*transport.Response) error { return res.settle() },
	}
	if keys {
		out, need := k.Out, k.Need
		k.Out, k.Need = nil, nil
		resp, err := c.call(ctx, k)
		if err != nil {
			return nil, err
		}
		if !c.readKeysPage(resp.Body, &res) {
			res = CredentialsPage{}
			k.Out, k.Need = out, need
			if err := c.t.Decode(&k, resp); err != nil {
				return nil, err
			}
			res.keys = make([]cloudkeys.Key, len(res.Credentials))
			for i := range res.Credentials {
				res.keys[i] = c.key(&res.Credentials[i])
			}
			res.Credentials = nil
		}
	} else if _, err := c.call(ctx, k); err != nil {
		return nil, err
	}
	if n := len(res.Credentials) + len(res.keys); n > 0 && opts.Offset+n < res.Count && opts.Offset+n <= MaxOffset {
		next := opts
		next.Offset += n
		res.Next = &next
	}
	return &res, nil
}

// parseList decodes a list answer and settles it. Its errors never quote
// the answer.
func parseList(body []byte) (*CredentialsPage, error) {
	var res CredentialsPage
	if err := json.Unmarshal(body, &res); err != nil {
		return nil, transport.NewBadAnswer(err)
	}
	if err := res.settle(); err != nil {
		return nil, err
	}
	return &res, nil
}

// readKeysPage reads a list answer in one pass
// (huaweiwire.ReadCredentialKeys) into res: Count, and in res.keys the Key
// of each credential (its ID, Description and the two times parsed), all
// in one slice whose strings share one copy of the answer. false where it
// gives up, or where settle would refuse the answer (a negative count):
// the caller then decodes it with encoding/json, which gives the result
// or the error ListCredentialsPage gives.
func (c *Client) readKeysPage(body []byte, res *CredentialsPage) bool {
	buf := credentialKeys.Get().(*[]huaweiwire.CredentialKey)
	creds, count, ok := huaweiwire.ReadCredentialKeys(body, *buf)
	defer func() {
		clear(creds) // no page's strings kept alive by the pool
		if cap(creds) <= maxPooledKeys {
			*buf = creds[:0]
			credentialKeys.Put(buf)
		}
	}()
	if !ok || count < 0 {
		return false
	}
	res.Count = count
	if len(creds) > 0 {
		res.keys = make([]cloudkeys.Key, len(creds))
		for i := range creds {
			k := &creds[i]
			res.keys[i] = c.key(&Credential{ID: k.ID, Description: k.Description, CreatedAt: parseTime(k.CreateTime), LastUsedAt: parseTime(k.UpdateTime)})
		}
	}
	return true
}

// credentialKeys pools readKeysPage's scratch slices (*[]CredentialKey):
// a page is copied out of it into its Keys, so the slice is free again at
// once.
var credentialKeys = sync.Pool{New: func() any { return new([]huaweiwire.CredentialKey) }}

// maxPooledKeys bounds the scratch slices kept: a page has at most
// MaxLimit credentials.
const maxPooledKeys = MaxLimit

// settle checks a decoded list answer and parses its times.
func (res *CredentialsPage) settle() error {
	if res.Count < 0 {
		return &transport.BadAnswer{Problem: "negative count in the list answer"}
	}
	for i := range res.Credentials {
		cr := &res.Credentials[i]
		cr.CreatedAt = parseTime(cr.CreateTime)
		cr.LastUsedAt = parseTime(cr.UpdateTime)
	}
	return nil
}

// parseTime reads RFC 3339 (with or without fractional seconds); anything
// else is the zero time.
func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// ErrOffsetLimit is yielded by ListCredentials when the server holds more
// credentials than the API can page to: offset may not exceed 1000, so with
// pages of at most 100 items only the first 1100 are reachable. It matches
// cloudkeys.ErrUnsupported.
var ErrOffsetLimit = fmt.Errorf("%s: more credentials than the API can list (offset is limited to %d): %w", Vendor, MaxOffset, cloudkeys.ErrUnsupported)

// ListCredentials iterates over the credentials of the project from
// opts.Offset, following [CredentialsPage].Next of
// [Client.ListCredentialsPage]. It asks for the largest page (limit=1000
// unless opts.Limit is set) and advances offset by the number of items
// that came back until Count items have been seen, so a page the server
// capped (at 100) is not taken for the last. It stops early on an empty
// page. Past offset 1000 the API cannot go: if Count is still not reached
// it yields an error matching ErrOffsetLimit. An error is yielded once,
// last. Credentials created or deleted while iterating may be skipped or
// repeated.
func (c *Client) ListCredentials(ctx context.Context, opts ListCredentialsOptions) iter.Seq2[*Credential, error] {
	return c.listCredentials(ctx, opts)
}

// listCredentials is ListCredentials over walk.
func (c *Client) listCredentials(ctx context.Context, opts ListCredentialsOptions) iter.Seq2[*Credential, error] {
	return func(yield func(*Credential, error) bool) {
		err := c.walk(ctx, opts, false, func(page *CredentialsPage) bool {
			for i := range page.Credentials {
				if !yield(&page.Credentials[i], nil) {
					return false
				}
			}
			return true
		})
		if err != nil {
			yield(nil, err)
		}
	}
}

// walk pages through the list from opts (listPage, with keys or
// credentials), handing each page to page until it returns false (walk
// then returns nil), as ListCredentials documents: the largest page unless
// opts.Limit is set, Offset advanced by what came back, ErrOffsetLimit
// where the API cannot page to Count.
func (c *Client) walk(ctx context.Context, opts ListCredentialsOptions, keys bool, page func(*CredentialsPage) bool) error {
	if opts.Limit == 0 {
		opts.Limit = MaxLimit
	}
	next := &opts
	for {
		p, err := c.listPage(ctx, *next, keys)
		if err != nil {
			return err
		}
		if !page(p) {
			return nil
		}
		n := len(p.Credentials) + len(p.keys)
		if p.Next == nil {
			if seen := next.Offset + n; n > 0 && seen < p.Count {
				return fmt.Errorf("%w (listed %d of %d)", ErrOffsetLimit, seen, p.Count)
			}
			return nil
		}
		next = p.Next
	}
}

// CreateCredentialRequest is the body of CreateCredential.
type CreateCredentialRequest struct {
	// Description is optional, at most 100 characters.
	Description string `json:"description,omitempty"`
}

// CreatedCredential is the answer of CreateCredential: the new key's id and
// its secret, which the API returns only this once.
type CreatedCredential struct {
	ID     string           // the credential id (36 characters), the handle for delete
	APIKey cloudkeys.Secret // the one-time secret; used as https://<node-endpoint>/<api-key>
	// File is the file the server sent, byte for byte (a ZIP holding
	// credential.csv, or a bare CSV), kept so the secret survives a file
	// this package could not read. It holds the secret: it is redacted.
	File        cloudkeys.Secret
	ContentType string // of the answer, e.g. application/zip
}

// CreateCredential sends POST /v1/{project_id}/node-provider/credentials
// with {"description": ...} and reads the new key's id and secret from the
// returned file (see ParseCredentialFile). The secret is returned only here
// and can never be fetched again.
//
// A create is never re-sent after an ambiguous failure: if its answer is
// lost, the error matches cloudkeys.ErrOutcomeUnknown and the key may exist;
// reconcile with ListCredentials (match the description). The one repeat is
// with Password credentials after a 401, which proves the create was not
// carried out: it is sent again once with a fresh token (see Client.do).
//
// If the file cannot be read, the result is returned anyway with File set
// (and ID or APIKey where found), together with a *CreateFileError, which
// carries the raw file too and also matches cloudkeys.ErrOutcomeUnknown
// (errors.As finds a *cloudkeys.UndecodableAnswerError in it). An answer
// that is no key file at all (neither a ZIP archive nor a CSV or JSON
// naming an id or a secret: a proxy's page, broken JSON) gives a nil result
// and a *cloudkeys.UndecodableAnswerError, as in every vendor: it matches
// cloudkeys.ErrOutcomeUnknown and keeps the raw answer in Answer. No error
// text quotes the answer.
func (c *Client) CreateCredential(ctx context.Context, req CreateCredentialRequest) (*CreatedCredential, error) {
	if err := validateDescription("Description", req.Description); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(req); err != nil { // a trailing "\n", like Huawei's SDK
		return nil, fmt.Errorf("%s: %s: encode body: %w", Vendor, OpCreate, err)
	}
	k := transport.Call{
		Operation: OpCreate, Class: transport.Write, Method: http.MethodPost, Path: c.basePath,
		Header: http.Header{"Content-Type": {"application/json"}},
		In:     buf.Bytes(), // Huawei's SDK encoding: no HTML escaping, a trailing newline
	}
	resp, err := c.call(ctx, k)
	if err != nil {
		return nil, err
	}
	out := &CreatedCredential{File: cloudkeys.NewSecret(string(resp.Body)), ContentType: resp.Header.Get("Content-Type")}
	id, secret, perr := ParseCredentialFile(resp.Body)
	out.ID, out.APIKey = id, cloudkeys.NewSecret(secret)
	if perr != nil {
		ue := c.t.Unreadable(&k, resp, fileProblem(perr))
		if id == "" && secret == "" && !isZIP(resp.Body) {
			// Not a key file at all (a proxy's page, broken JSON): the
			// same error as any unreadable create answer.
			return nil, ue
		}
		return out, &CreateFileError{ID: id, File: out.File, ContentType: out.ContentType,
			Err: &fileAnswerError{file: perr, answer: ue}}
	}
	return out, nil
}

// isZIP reports a body that starts like a ZIP archive.
func isZIP(b []byte) bool {
	return bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("PK\x05\x06"))
}

// fileProblem describes why a create's answer could not be read, without
// its content.
func fileProblem(err error) *transport.BadAnswer {
	var fe *FileError
	if errors.As(err, &fe) {
		return &transport.BadAnswer{Problem: "API key file: " + fe.Problem}
	}
	return transport.NewBadAnswer(err)
}

// fileAnswerError is the Err of a *CreateFileError: it reads as the
// *FileError it wraps, and wraps the *cloudkeys.UndecodableAnswerError of
// the answer too, so that a key file that could not be read matches
// cloudkeys.ErrOutcomeUnknown like every create answer that cannot be read.
type fileAnswerError struct {
	file   error // the *FileError
	answer error // the *cloudkeys.UndecodableAnswerError
}

func (e *fileAnswerError) Error() string   { return e.file.Error() }
func (e *fileAnswerError) Unwrap() []error { return []error{e.file, e.answer} }

// DeleteCredential sends DELETE
// /v1/{project_id}/node-provider/credentials/{credential_id}. It is retried
// like a read; a 404 BCS.03404001 after a retry counts as success (the lost
// first attempt deleted it). A 404 on the first attempt matches
// cloudkeys.ErrNotFound.
func (c *Client) DeleteCredential(ctx context.Context, id string) error {
	if err := validateCredentialID("id", id); err != nil {
		return err
	}
	p, err := c.credentialPath("id", id)
	if err != nil {
		return err
	}
	_, err = c.call(ctx, transport.Call{Operation: OpDelete, Class: transport.IdempotentWrite, Method: http.MethodDelete, Path: p})
	if ae := apiError(err); ae != nil && ae.Attempts > 1 && ae.StatusCode == http.StatusNotFound &&
		(ae.Code == CodeNotFound || ae.Code == "") {
		return nil
	}
	return err
}
