package reliability

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
)

type badValue struct{ name, v string }

var badValues = []badValue{
	{"empty", ""},
	{"whitespace", " \t "},
	{"control chars", "a\x00b\r\nc"},
	{"over-long", strings.Repeat("k", 5000)},
	{".", "."},
	{"..", ".."},
	{"../x", "../x"},
	{"a/b", "a/b"},
	{"a?b", "a?b"},
	{"a#b", "a#b"},
	{"%2F", "%2F"},
	{"unicode", "ключ-🔑-é"},
}

// method is one exported method taking an id, owner, name or description.
type method struct {
	name  string // e.g. "GetKey(id)"
	param string // the parameter under test: id, Owner, Name, Description
	call  func(ctx context.Context, km cloudkeys.KeyManager, r *rig, v string, i int) (any, error)
}

var keyManagerMethods = []method{
	{"GetKey(id)", "id", func(ctx context.Context, km cloudkeys.KeyManager, _ *rig, v string, _ int) (any, error) {
		return km.GetKey(ctx, v)
	}},
	{"DeleteKey(id)", "id", func(ctx context.Context, km cloudkeys.KeyManager, _ *rig, v string, _ int) (any, error) {
		return nil, km.DeleteKey(ctx, v)
	}},
	{"RotateKey(id)", "id", func(ctx context.Context, km cloudkeys.KeyManager, _ *rig, v string, _ int) (any, error) {
		return km.RotateKey(ctx, v)
	}},
	{"SetKeyEnabled(id)", "id", func(ctx context.Context, km cloudkeys.KeyManager, _ *rig, v string, _ int) (any, error) {
		return nil, km.SetKeyEnabled(ctx, v, false)
	}},
	{"CreateKey(Owner)", "Owner", func(ctx context.Context, km cloudkeys.KeyManager, r *rig, v string, i int) (any, error) {
		req := r.req(i)
		req.Owner = v
		return km.CreateKey(ctx, req)
	}},
	{"CreateKey(Name)", "Name", func(ctx context.Context, km cloudkeys.KeyManager, r *rig, v string, i int) (any, error) {
		req := r.req(i)
		req.Name = v
		return km.CreateKey(ctx, req)
	}},
	{"CreateKey(Description)", "Description", func(ctx context.Context, km cloudkeys.KeyManager, r *rig, v string, i int) (any, error) {
		req := r.req(i)
		req.Description = v
		return km.CreateKey(ctx, req)
	}},
	{"ListKeys(Owner)", "Owner", func(ctx context.Context, km cloudkeys.KeyManager, _ *rig, v string, _ int) (any, error) {
		return cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: v}))
	}},
}

// localOnly lists the (vendor, method) pairs that never put the value on
// the wire by design: the value is compared with data the client reads, or
// is documented as not kept by the vendor.
var localOnly = map[string]string{
	"e24 GetKey(id)":             "looked up in GET /v2/account",
	"e24 CreateKey(Owner)":       "compared with the account id",
	"e24 ListKeys(Owner)":        "compared with the account id",
	"e24 CreateKey(Name)":        "e24cloud keys have no name (documented)",
	"e24 CreateKey(Description)": "e24cloud keys have no description (documented)",
	"zstack CreateKey(Name)":     "ZStack keys have no name (documented)",
	"huaweibcs CreateKey(Name)":  "NES keys have no name (documented)",
	"onezone ListKeys(Owner)":    "",
}

// dotsOffPath lists the (vendor, method) pairs whose value never goes into
// a URL path: for them "." and ".." may be sent (as a query, form or JSON
// value, where no proxy normalises them) or compared locally. Every other
// method must refuse "." and ".." before any request, naming its parameter:
// as a path segment they address another resource once a proxy or the
// server normalises the path. A Description is free text and may be ".".
var dotsOffPath = map[string]string{
	"cloudstack GetKey(id)":                                 "query",
	"cloudstack DeleteKey(id)":                              "query",
	"cloudstack CreateKey(Owner)":                           "query",
	"cloudstack CreateKey(Name)":                            "query",
	"cloudstack ListKeys(Owner)":                            "query",
	"cloudstack DeleteUserKeys(keyPairID)":                  "query",
	"cloudstack GetUserByAPIKey(apiKey)":                    "query",
	"cloudstack GetUserKeys(userID)":                        "query",
	"cloudstack ListUserKeyRules(keyPairID)":                "query",
	"cloudstack QueryAsyncJobResult(jobID)":                 "query",
	"cloudstack RegisterUserKeys(ID)":                       "query",
	"cloudstack RegisterUserKeys(Name)":                     "query",
	"cloudstack ListUsers(ID)":                              "query",
	"cloudstack ListUserKeys(UserID)":                       "query",
	"zstack CreateKey(Owner)":                               "JSON body (accountUuid)",
	"zstack CreateKey(Name)":                                "not kept",
	"zstack ListKeys(Owner)":                                "query condition accountUuid=",
	"zstack CreateAccessKey(AccountUUID)":                   "JSON body",
	"zstack CreateAccessKey(UserUUID)":                      "JSON body",
	"zstack LogInByAccount(accountName)":                    "JSON body",
	"zstack LogInByUser(userName)":                          "JSON body",
	"e24 GetKey(id)":                                        "compared locally",
	"e24 DeleteKey(id)":                                     "JSON body",
	"e24 RotateKey(id)":                                     "JSON body",
	"e24 CreateKey(Owner)":                                  "compared with the account id",
	"e24 CreateKey(Name)":                                   "not kept",
	"e24 ListKeys(Owner)":                                   "compared with the account id",
	"e24 DeleteAPIKey(apiKey)":                              "JSON body",
	"e24 RegenerateAPISecret(apiKey)":                       "JSON body",
	"e24 RegenerateFilesSecret(apiKey)":                     "JSON body",
	"e24 AddSSHKey(Name)":                                   "JSON body",
	"huaweibcs CreateKey(Name)":                             "not kept",
	"onezone CreateProviderRegistrationInvite(adminUserID)": "JSON body (adminUserId)",
}

// isDots reports a value that a normalising proxy or server resolves as a
// relative path segment.
func isDots(v string) bool { return v == "." || v == ".." }

// emptyMeans lists the methods where "" is a documented value, not a
// missing one; everywhere else an empty value must be refused.
var emptyMeans = map[string]string{
	"CreateKey(Owner)":                        "caller",
	"CreateKey(Name)":                         "no name",
	"CreateKey(Description)":                  "none",
	"ListKeys(Owner)":                         "all",
	"ListUserKeys(UserID)":                    "all",
	"RegenerateFilesSecret(apiKey)":           "signing key",
	"CreateProviderRegistrationToken(userID)": "caller",
	"DeleteAllNamedTokens(Provider(id))":      "CurrentProvider()",
	"CreateCredential(Description)":           "none",
	"CreateAccessKey(UserUUID)":               "none (optional)",
	"CreateAccessKey(Description)":            "none",
	"RegisterUserKeys(Name)":                  "no name",
	"RegisterUserKeys(Description)":           "none",
	"ListUsers(ID)":                           "all",
	"ListNamedTokensPage(Provider(id))":       "CurrentProvider()",
	"ValidateSession(sessionUUID)":            "own session",
	"RenewSession(sessionUUID)":               "own session",
	"LogOut(sessionUUID)":                     "own session",
}

// onWire tells where v reached the fake intact: as one whole path segment,
// a query or form value (or a ZStack condition "field=v"), or a JSON string
// in the body. It also reports a value that split a path.
func onWire(reqs []cloudkeystest.Request, v string) (where string, split bool) {
	for _, q := range reqs {
		for _, seg := range strings.Split(q.RawPath, "/") {
			if u, err := url.PathUnescape(seg); err == nil && u == v {
				return "path", false
			}
		}
		if strings.ContainsAny(v, "/?#") && strings.Contains(q.RawPath, v) {
			split = true
		}
		for _, raw := range []string{q.RawQuery, formBody(q)} {
			vals, _ := url.ParseQuery(raw)
			for _, vs := range vals {
				for _, x := range vs {
					if x == v || strings.HasSuffix(x, "="+v) {
						return "query", false
					}
				}
			}
		}
		var body any
		if json.Unmarshal(q.Body, &body) == nil {
			hit := false
			walkJSON(body, "", func(_, s string) { hit = hit || s == v })
			if hit {
				return "body", false
			}
		}
	}
	return "", split
}

// TestBadInput calls every KeyManager method that takes an id, owner, name
// or description with awkward values. Each call either fails with an
// *InvalidInputError naming the field before any request (the fake counts
// zero), or ErrUnsupported with zero requests, or sends the value and the
// fake receives it intact (correctly escaped), or — for the documented
// local cases — never puts it on the wire.
func TestBadInput(t *testing.T) {
	table := map[string]map[string]string{}
	var order []string
	for _, vc := range vendors {
		t.Run(vc.name, func(t *testing.T) {
			r := vc.start(true, false)
			defer r.srv.Close()
			km := r.client(cloudkeys.WithRetry(noRetry))
			ctx := context.Background()
			_, err := km.Capabilities(ctx)
			require.NoError(t, err)
			_, err = cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
			require.NoError(t, err)
			i := 2000
			for _, m := range append(append([]method(nil), keyManagerMethods...), vendorMethods[vc.name]...) {
				for _, bv := range badValues {
					i++
					key := m.name + " " + bv.name
					if table[key] == nil {
						table[key] = map[string]string{}
						order = append(order, key)
					}
					r.srv.ResetRequests()
					var res any
					func() {
						defer func() {
							if p := recover(); p != nil {
								err = fmt.Errorf("panic: %v", p)
							}
						}()
						res, err = m.call(ctx, km, r, bv.v, i)
					}()
					reqs := r.srv.Requests()
					out := classify(t, vc.name, m, bv, res, err, reqs)
					table[key][vc.name] = out
				}
			}
		})
	}
	if testing.Verbose() {
		var b strings.Builder
		b.WriteString("| method · value |")
		for _, vc := range vendors {
			b.WriteString(" " + vc.name + " |")
		}
		b.WriteString("\n|---|")
		for range vendors {
			b.WriteString("---|")
		}
		b.WriteString("\n")
		for _, k := range order {
			b.WriteString("| " + k + " |")
			for _, vc := range vendors {
				b.WriteString(" " + table[k][vc.name] + " |")
			}
			b.WriteString("\n")
		}
		fmt.Fprintln(os.Stdout, b.String())
	}
}

// classify checks one call against the rules and returns its table cell.
func classify(t *testing.T, vendor string, m method, bv badValue, res any, err error, reqs []cloudkeystest.Request) string {
	t.Helper()
	label := vendor + " " + m.name + " " + bv.name
	if err != nil && strings.HasPrefix(err.Error(), "panic:") {
		t.Errorf("%s: %v", label, err)
		return "**PANIC**"
	}
	for _, q := range reqs {
		for _, seg := range strings.Split(q.RawPath, "/") {
			if isDots(seg) {
				t.Errorf("%s: a %q path segment was sent: %s %s", label, seg, q.Method, q.RawPath)
				return "**FAIL** dot segment sent"
			}
		}
	}
	var ie *cloudkeys.InvalidInputError
	if isDots(bv.v) && m.param != "Description" && dotsOffPath[vendor+" "+m.name] == "" {
		// Always refused, before any request, naming the parameter.
		switch {
		case errors.As(err, &ie) && len(reqs) == 0:
			assert.True(t, errors.Is(err, cloudkeys.ErrInvalidRequest), label)
			if ie.Field != m.param {
				t.Errorf("%s: refused naming %q, want the parameter %q", label, ie.Field, m.param)
				return "**FAIL** invalid " + ie.Field
			}
			return "invalid " + ie.Field + ", 0 req"
		case errors.Is(err, cloudkeys.ErrUnsupported) && len(reqs) == 0:
			return "unsupported, 0 req"
		}
		t.Errorf("%s: %q not refused before any request (%d requests, err=%v)", label, bv.v, len(reqs), err)
		return "**FAIL** not refused"
	}
	if errors.As(err, &ie) {
		assert.True(t, errors.Is(err, cloudkeys.ErrInvalidRequest), label)
		assert.NotEmpty(t, ie.Field, label)
		if len(reqs) == 0 {
			return "invalid " + ie.Field + ", 0 req"
		}
		if _, ok := localOnly[vendor+" "+m.name]; ok {
			return fmt.Sprintf("invalid %s after %d read", ie.Field, len(reqs))
		}
		t.Errorf("%s: invalid input reported after %d requests", label, len(reqs))
		return "**FAIL** invalid after requests"
	}
	if errors.Is(err, cloudkeys.ErrUnsupported) && len(reqs) == 0 {
		return "unsupported, 0 req"
	}
	where, split := onWire(reqs, bv.v)
	if split {
		t.Errorf("%s: the value split a request path", label)
		return "**FAIL** path split"
	}
	if bv.v == "" {
		why, ok := emptyMeans[m.name]
		if !ok {
			t.Errorf("%s: an empty value was not refused (%d requests, err=%v)", label, len(reqs), err)
			return "**FAIL** empty accepted"
		}
		return "\"\" = " + why
	}
	if where != "" {
		if err == nil {
			return "sent ✓ " + where + ", ok"
		}
		if errors.Is(err, cloudkeys.ErrInvalidRequest) || errors.Is(err, cloudkeys.ErrNotFound) {
			var ae *cloudkeys.APIError
			if errors.As(err, &ae) && ae.StatusCode != 0 {
				return fmt.Sprintf("sent ✓ %s, server %d", where, ae.StatusCode)
			}
			return "sent ✓ " + where + ", server refused"
		}
		if errors.Is(err, cloudkeys.ErrForbidden) || errors.Is(err, cloudkeys.ErrUnauthorized) {
			return "sent ✓ " + where + ", server denied"
		}
		t.Errorf("%s: sent (%s) but failed oddly: %v", label, where, err)
		return "**FAIL** " + clip(err.Error(), 40)
	}
	if why, ok := localOnly[vendor+" "+m.name]; ok && why != "" {
		if err == nil || errors.Is(err, cloudkeys.ErrNotFound) {
			return "local, not sent"
		}
	}
	t.Errorf("%s: %d requests, the value is not on the wire intact; err=%v", label, len(reqs), err)
	return "**FAIL** not on the wire"
}
