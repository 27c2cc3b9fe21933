package onezone

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// NamedToken is a named token as GET /tokens/named/{id} and
// GET …/tokens/named/name/{name} return it.
//
// Token is the full serialized bearer token: anyone holding it can act as
// the subject. It is a [cloudkeys.Secret] and never printed or logged.
type NamedToken struct {
	ID       string           `json:"id"`
	Name     string           `json:"name"`
	Subject  Subject          `json:"subject"`
	Type     TokenType        `json:"type"`
	Caveats  Caveats          `json:"caveats"`
	Metadata TokenMetadata    `json:"metadata"`
	Revoked  bool             `json:"revoked"`
	Token    cloudkeys.Secret `json:"token"`
}

// NamedTokenCreateRequest is the body of POST …/tokens/named.
type NamedTokenCreateRequest struct {
	// Name is required: 2–128 letters, digits, brackets or '_'; '-', '.'
	// and spaces are allowed inside. Unique per subject.
	Name string
	// Type defaults to an access token on the server.
	Type *TokenType
	// Caveats restrict the token (e.g. [TimeCaveat] for an expiry).
	Caveats Caveats
	// CustomMetadata is free JSON kept as metadata.custom.
	CustomMetadata map[string]any
	// Revoked creates the token already revoked.
	Revoked bool
	// Privileges and UsageLimit are for invite tokens only.
	Privileges []string
	UsageLimit UsageLimit
}

type namedCreateWire struct {
	Name           string         `json:"name"`
	Type           *TokenType     `json:"type,omitempty"`
	Caveats        Caveats        `json:"caveats,omitempty"`
	CustomMetadata map[string]any `json:"customMetadata,omitempty"`
	Revoked        bool           `json:"revoked,omitempty"`
	Privileges     []string       `json:"privileges,omitempty"`
	UsageLimit     UsageLimit     `json:"usageLimit,omitempty"`
}

// CreatedToken is the answer to creating a named token. Token is the
// serialized bearer token.
type CreatedToken struct {
	TokenID string           `json:"tokenId"`
	Token   cloudkeys.Secret `json:"token"`
}

// validateCaveats refuses, before any request, a caveat list the client
// cannot encode: a nil caveat, a nil pointer inside the interface (e.g.
// (*TimeCaveat)(nil)), or a value that does not encode to a JSON object.
func validateCaveats(cs Caveats) error {
	for i, c := range cs {
		if isNilCaveat(c) {
			return cloudkeys.InvalidInput(Vendor, "Caveats", "caveat "+strconv.Itoa(i)+" is nil")
		}
		if _, err := marshalCaveat(c); err != nil {
			return cloudkeys.InvalidInput(Vendor, "Caveats", "caveat "+strconv.Itoa(i)+" cannot be encoded")
		}
	}
	return nil
}

// CreateNamedToken creates a named token for subj: POST /user/tokens/named
// (or /users/{id}/…, /provider/…, /providers/{id}/…). The server answers
// 201 with Location and {"tokenId","token"}.
//
// It is a write that is never re-sent once it may have reached the server:
// a lost answer is an error matching [cloudkeys.ErrOutcomeUnknown]; look
// the token up by name (GetNamedTokenByName) to reconcile. So is a 2xx
// answer that cannot be read or lacks the token or its id: a
// [*cloudkeys.UndecodableAnswerError] whose Answer keeps the raw body
// (redacted; it may hold the only copy of the token) and whose text never
// quotes it. A name already used by the subject fails with
// badValueIdentifierOccupied ([cloudkeys.ErrConflict]).
func (c *Client) CreateNamedToken(ctx context.Context, subj Subject, req NamedTokenCreateRequest) (*CreatedToken, error) {
	p, err := subj.prefix()
	if err != nil {
		return nil, err
	}
	if err := checkName("Name", req.Name); err != nil {
		return nil, err
	}
	if req.Type != nil {
		if err := req.Type.validate(); err != nil {
			return nil, cloudkeys.InvalidInput(Vendor, "Type", err.Error())
		}
	}
	if err := validateCaveats(req.Caveats); err != nil {
		return nil, err
	}
	if req.UsageLimit < Unlimited {
		return nil, cloudkeys.InvalidInput(Vendor, "UsageLimit", "must be positive or Unlimited")
	}
	var out CreatedToken
	need := func(resp *transport.Response) error {
		if out.TokenID == "" {
			if loc := resp.Header.Get("Location"); loc != "" {
				out.TokenID = path.Base(strings.TrimRight(loc, "/"))
			}
		}
		if out.TokenID == "" {
			return &transport.BadAnswer{Problem: `no "tokenId" in the answer and no Location`}
		}
		return needToken(&out.Token)(resp)
	}
	if _, err := c.do(ctx, transport.Call{Operation: "createNamedToken", Class: transport.Write, Method: http.MethodPost,
		Path: p + "/tokens/named", Out: &out, In: namedCreateWire(req), Need: need}); err != nil {
		return nil, err
	}
	return &out, nil
}

// needToken checks that a create's answer carried the new token.
func needToken(tok *cloudkeys.Secret) func(*transport.Response) error {
	return func(*transport.Response) error {
		if tok.IsZero() {
			return &transport.BadAnswer{Problem: `no "token" in the answer`}
		}
		return nil
	}
}

type tokenList struct {
	Tokens []string `json:"tokens"`
}

// NamedTokensPage is a list of named tokens as Onezone answers it: their
// ids, all in one answer. The API has no pages and no details, so there is
// no next page; read each token with [Client.GetNamedToken], or let
// [Client.ListNamedTokens] do it.
type NamedTokensPage struct {
	IDs []string
}

// ListNamedTokensPage returns the ids of subj's named tokens, in one
// request: GET /user/tokens/named (or /users/{id}/…, /provider/…,
// /providers/{id}/…).
func (c *Client) ListNamedTokensPage(ctx context.Context, subj Subject) (*NamedTokensPage, error) {
	p, err := subj.prefix()
	if err != nil {
		return nil, err
	}
	var out tokenList
	if _, err := c.do(ctx, transport.Call{Operation: "listNamedTokens", Class: transport.Read, Method: http.MethodGet, Path: p + "/tokens/named", Out: &out}); err != nil {
		return nil, err
	}
	return &NamedTokensPage{IDs: out.Tokens}, nil
}

// ListNamedTokens lists subj's named tokens: the ids of
// [Client.ListNamedTokensPage], then GET /tokens/named/{id} for each, at
// most 8 at a time. Tokens come sorted by id; one deleted between the two
// calls is skipped. Each carries its bearer token (NamedToken.Token, a
// cloudkeys.Secret). An error is yielded once, last.
func (c *Client) ListNamedTokens(ctx context.Context, subj Subject) iter.Seq2[*NamedToken, error] {
	return c.namedTokens(ctx, func() (*NamedTokensPage, error) { return c.ListNamedTokensPage(ctx, subj) })
}

// ListAllNamedTokensPage returns the ids of every named token in the zone,
// in one request: GET /tokens/named. It needs the oz_tokens_manage admin
// privilege.
func (c *Client) ListAllNamedTokensPage(ctx context.Context) (*NamedTokensPage, error) {
	var out tokenList
	if _, err := c.do(ctx, transport.Call{Operation: "listAllNamedTokens", Class: transport.Read, Method: http.MethodGet, Path: "/tokens/named", Out: &out}); err != nil {
		return nil, err
	}
	return &NamedTokensPage{IDs: out.Tokens}, nil
}

// ListAllNamedTokens lists every named token in the zone: the ids of
// [Client.ListAllNamedTokensPage], then each token, as
// [Client.ListNamedTokens] does. It needs the oz_tokens_manage admin
// privilege.
func (c *Client) ListAllNamedTokens(ctx context.Context) iter.Seq2[*NamedToken, error] {
	return c.namedTokens(ctx, func() (*NamedTokensPage, error) { return c.ListAllNamedTokensPage(ctx) })
}

// listConcurrency bounds the parallel GET /tokens/named/{id} of a list.
const listConcurrency = 8

// namedTokens reads the tokens of a list of ids, sorted by id, at most
// listConcurrency at a time, skipping those deleted since.
func (c *Client) namedTokens(ctx context.Context, list func() (*NamedTokensPage, error)) iter.Seq2[*NamedToken, error] {
	return namedItems(ctx, list, c.GetNamedToken)
}

// namedItems is namedTokens reading each token with get (GetNamedToken, or
// getKey for ListKeys).
func namedItems[T any](ctx context.Context, list func() (*NamedTokensPage, error), get func(context.Context, string) (T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		page, err := list()
		if err != nil {
			yield(zero, err)
			return
		}
		ids := slices.Clone(page.IDs)
		slices.Sort(ids)
		ids = slices.Compact(ids)
		for start := 0; start < len(ids); start += listConcurrency {
			batch := ids[start:min(start+listConcurrency, len(ids))]
			items := make([]T, len(batch))
			errs := make([]error, len(batch))
			var wg sync.WaitGroup
			for i, id := range batch {
				wg.Go(func() {
					items[i], errs[i] = get(ctx, id)
				})
			}
			wg.Wait()
			for i := range batch {
				if errs[i] != nil {
					if errors.Is(errs[i], cloudkeys.ErrNotFound) {
						continue
					}
					yield(zero, errs[i])
					return
				}
				if !yield(items[i], nil) {
					return
				}
			}
		}
	}
}

// GetNamedToken returns a named token by id: GET /tokens/named/{id}. The
// answer carries the full bearer token in Token.
func (c *Client) GetNamedToken(ctx context.Context, id string) (*NamedToken, error) {
	seg, err := idSegment("id", id)
	if err != nil {
		return nil, err
	}
	var out NamedToken
	if _, err := c.do(ctx, transport.Call{Operation: "getNamedToken", Class: transport.Read, Method: http.MethodGet, Path: "/tokens/named/" + seg, Out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetNamedTokenByName returns subj's named token called name:
// GET /user/tokens/named/name/{name} (or /users/{id}/…).
func (c *Client) GetNamedTokenByName(ctx context.Context, subj Subject, name string) (*NamedToken, error) {
	p, err := subj.prefix()
	if err != nil {
		return nil, err
	}
	seg, err := idSegment("name", name)
	if err != nil {
		return nil, err
	}
	var out NamedToken
	if _, err := c.do(ctx, transport.Call{Operation: "getNamedTokenByName", Class: transport.Read, Method: http.MethodGet, Path: p + "/tokens/named/name/" + seg, Out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// NamedTokenUpdateRequest is the body of PATCH /tokens/named/{id}; nil fields are
// left unchanged. At least one must be set.
type NamedTokenUpdateRequest struct {
	Name *string
	// CustomMetadata, when not nil, replaces metadata.custom as a whole
	// (an empty map clears it).
	CustomMetadata map[string]any
	Revoked        *bool
}

// ModifyNamedToken renames a named token, replaces its custom metadata or
// revokes/unrevokes it: PATCH /tokens/named/{id}, answered 204. Setting
// Revoked is idempotent, so the call is retried like a read.
func (c *Client) ModifyNamedToken(ctx context.Context, id string, u NamedTokenUpdateRequest) error {
	seg, err := idSegment("id", id)
	if err != nil {
		return err
	}
	body := map[string]any{}
	if u.Name != nil {
		if err := checkName("Name", *u.Name); err != nil {
			return err
		}
		body["name"] = *u.Name
	}
	if u.CustomMetadata != nil {
		body["customMetadata"] = u.CustomMetadata
	}
	if u.Revoked != nil {
		body["revoked"] = *u.Revoked
	}
	if len(body) == 0 {
		return cloudkeys.InvalidInput(Vendor, "NamedTokenUpdateRequest", "set at least one of Name, CustomMetadata, Revoked")
	}
	_, err = c.do(ctx, transport.Call{Operation: "modifyNamedToken", Class: transport.IdempotentWrite, Method: http.MethodPatch, Path: "/tokens/named/" + seg, In: body})
	return err
}

// DeleteNamedToken deletes a named token: DELETE /tokens/named/{id},
// answered 204. The token stops working at once (tokenInvalid). Deleting
// by id is retried; a 404 after a retry counts as deleted.
func (c *Client) DeleteNamedToken(ctx context.Context, id string) error {
	seg, err := idSegment("id", id)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, transport.Call{Operation: "deleteNamedToken", Class: transport.IdempotentWrite, Method: http.MethodDelete, Path: "/tokens/named/" + seg})
	return goneAfterRetry(err)
}

// goneAfterRetry turns a 404 after a retried delete into success.
func goneAfterRetry(err error) error {
	var ae *cloudkeys.APIError
	if err != nil && errors.As(err, &ae) && ae.Attempts > 1 && errors.Is(err, cloudkeys.ErrNotFound) {
		return nil
	}
	return err
}

// DeleteAllNamedTokens deletes every named token of subj:
// DELETE /user/tokens/named (or /users/{id}/…), answered 204.
//
// It deletes whatever the subject holds when the request arrives, so it is
// never re-sent once it may have reached the server: a retry after a lost
// answer would also delete tokens created in between. A lost answer is an
// error matching [cloudkeys.ErrOutcomeUnknown]; list the tokens
// (ListNamedTokens) to see what is left.
func (c *Client) DeleteAllNamedTokens(ctx context.Context, subj Subject) error {
	p, err := subj.prefix()
	if err != nil {
		return err
	}
	_, err = c.do(ctx, transport.Call{Operation: "deleteAllNamedTokens", Class: transport.Write, Method: http.MethodDelete, Path: p + "/tokens/named"})
	return err
}

// NamedTokenStatus is the answer of GET /tokens/named/{id}/status.
type NamedTokenStatus struct {
	Revoked bool `json:"revoked"`
}

// GetNamedTokenStatus returns whether a named token is revoked:
// GET /tokens/named/{id}/status (no token in the answer).
func (c *Client) GetNamedTokenStatus(ctx context.Context, id string) (*NamedTokenStatus, error) {
	seg, err := idSegment("id", id)
	if err != nil {
		return nil, err
	}
	var out NamedTokenStatus
	if _, err := c.do(ctx, transport.Call{Operation: "getNamedTokenStatus", Class: transport.Read, Method: http.MethodGet, Path: "/tokens/named/" + seg + "/status", Out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}
