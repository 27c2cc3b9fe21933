package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

// answerScenarios are the scenarios of issue 14 (answers that cannot be
// read, server text that reaches users), in the matrix's scenario type.
func answerScenarios() []scenario {
	return []scenario{
		{"create: 2xx answer with a PHP notice appended", true, createUnreadable(appendNotice)},
		{"create: proxy banner before the JSON", true, createUnreadable(bannerBefore)},
		{"list: 2xx answer with garbage", true, listUnreadable},
		{"error answer with control characters", true, errorWithControlCharacters},
		{"error body with a credential field", true, errorWithCredentialField},
	}
}

const (
	phpNotice   = "\n<br />\n<b>Notice</b>: Undefined index: region in /var/www/api/v2/account.php on line 88<br />\n"
	proxyBanner = "<!-- X-Cache: MISS from proxy.example.internal -->\n"
)

func appendNotice(b []byte) []byte { return append(append([]byte(nil), b...), phpNotice...) }
func bannerBefore(b []byte) []byte { return append([]byte(proxyBanner), b...) }

// editingRT passes requests to the in-memory fake and, while armed,
// rewrites the first answer match accepts (the request with its body, and
// the answer), keeping what it sent.
type editingRT struct {
	base http.RoundTripper

	mu    sync.Mutex
	match func(req *http.Request, status int, body []byte) bool
	edit  func([]byte) []byte
	sent  []byte
	fired bool
}

func (a *editingRT) arm(match func(*http.Request, int, []byte) bool, edit func([]byte) []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.match, a.edit, a.sent, a.fired = match, edit, nil, false
}

func (a *editingRT) result() (fired bool, sent []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.fired, a.sent
}

func (a *editingRT) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		_ = req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := a.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.match == nil || a.fired {
		return resp, nil
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	seen := req.Clone(req.Context())
	seen.Body = io.NopCloser(bytes.NewReader(reqBody))
	if a.match(seen, resp.StatusCode, body) {
		body = a.edit(body)
		a.fired, a.sent = true, body
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// editable starts the cell's in-memory fake with a client whose answers
// an editingRT can rewrite.
func editable(t *testing.T, c *cell, opts ...cloudkeys.Option) (*rig, *editingRT, cloudkeys.KeyManager) {
	r := c.start(t, true)
	rt := &editingRT{base: r.srv.Transport()}
	all := append([]cloudkeys.Option{c.logger(), cloudkeys.WithRetry(fastRetry)}, opts...)
	all = append(all, cloudkeys.WithHTTPClient(&http.Client{Transport: rt}))
	return r, rt, r.client(all...)
}

// holdsCreated matches the answer that holds a new key's secret: the
// create's own answer, or — where creates are asynchronous jobs — the job
// answer that carries the result.
func holdsCreated(r *rig) func(*http.Request, int, []byte) bool {
	ok := func(status int) bool { return status >= 200 && status <= 299 }
	switch r.vendor {
	case "cloudstack": // 4.23: the queryAsyncJobResult answer of the registerUserKeys job
		return func(_ *http.Request, status int, body []byte) bool {
			return ok(status) && bytes.Contains(body, []byte(`"secretkey"`))
		}
	case "zstack": // the api-jobs answer of the CreateAccessKey job
		return func(_ *http.Request, status int, body []byte) bool {
			return status == http.StatusOK && bytes.Contains(body, []byte(`"AccessKeySecret"`))
		}
	}
	return func(req *http.Request, status int, _ []byte) bool { return ok(status) && r.isCreate(req) }
}

// serverSecrets returns the secret of every key on the rig's fake, by id.
func serverSecrets(t *testing.T, r *rig) map[string]string {
	t.Helper()
	out := map[string]string{}
	switch srv := r.srv.(type) {
	case *cloudstacktest.Server:
		for _, p := range srv.UserKeys(srv.AdminID()) {
			out[p.ID] = p.SecretKey.Reveal()
		}
	case *zstacktest.Server:
		for _, k := range srv.AccessKeys() {
			out[k.UUID] = k.Secret.Reveal()
		}
	case *e24test.Server:
		for _, k := range srv.APIKeys() {
			s, _ := srv.APIKeySecret(k)
			out[k] = s.Reveal()
		}
	case *huaweibcstest.Server:
		for _, cr := range srv.Credentials() {
			out[cr.ID] = cr.Secret.Reveal()
		}
	case *onezonetest.Server:
		oc := srv.Client() // a client of its own: the cell's answers may be edited
		for _, ti := range srv.NamedTokens() {
			nt, err := oc.GetNamedToken(context.Background(), ti.ID)
			require.NoError(t, err)
			out[ti.ID] = nt.Token.Reveal()
		}
	default:
		t.Fatalf("no secrets for %T", r.srv)
	}
	return out
}

// answerHolds reports whether a kept answer holds secret: in the text, or
// for Huawei inside the ZIP it carries (compressed) after any banner.
func answerHolds(vendor, answer, secret string) bool {
	if strings.Contains(answer, secret) {
		return true
	}
	if vendor == "huaweibcs" {
		if i := strings.Index(answer, "PK\x03\x04"); i >= 0 {
			_, s, _ := huaweibcs.ParseCredentialFile([]byte(answer[i:]))
			return s == secret
		}
	}
	return false
}

// createUnreadable: the 2xx answer that holds a new key (the create's, or
// its job's) arrives spoiled. The key exists, so the caller must not retry
// blindly: ErrOutcomeUnknown, exactly one key on the server, the raw answer
// with the new secret kept in UndecodableAnswerError.Answer, and no secret
// in any error text.
func createUnreadable(edit func([]byte) []byte) func(t *testing.T, c *cell) {
	return func(t *testing.T, c *cell) {
		r, rt, km := editable(t, c)
		warm(t, c, km)
		ctx := context.Background()
		before := serverSecrets(t, r)
		rt.arm(holdsCreated(r), edit)
		k, err := km.CreateKey(ctx, r.req(1))
		c.rc.note(k, err)
		fired, sent := rt.result()
		require.True(t, fired, "the answer holding the new key was edited")
		after := serverSecrets(t, r)
		require.Len(t, after, len(before)+1, "exactly one key on the server")
		var newID, newSecret string
		for id, s := range after {
			if _, ok := before[id]; !ok {
				newID, newSecret = id, s
			}
		}
		require.NotEmpty(t, newSecret)
		c.rc.addSecret(newSecret, r.vendor+" key created under a spoiled answer")

		if err == nil {
			// Only a file format that tolerates trailing text may be read:
			// Huawei's ZIP (its directory is found from the end) still
			// gives the key, which is then the right one.
			require.Equal(t, "huaweibcs", r.vendor, "a spoiled JSON answer cannot be read")
			require.NotNil(t, k)
			assert.Equal(t, newID, k.ID)
			assert.Equal(t, newSecret, k.Secret.Reveal())
			c.observe("read anyway (ZIP ignores trailing text): the right key, keys %d→%d", len(before), len(after))
			return
		}
		require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
		assert.ErrorIs(t, err, cloudkeys.ErrServer)
		var ue *cloudkeys.UndecodableAnswerError
		require.ErrorAs(t, err, &ue)
		assert.True(t, ue.Write)
		assert.Equal(t, string(sent), ue.Answer.Reveal(), "the spoiled answer, byte for byte")
		assert.True(t, answerHolds(r.vendor, ue.Answer.Reveal(), newSecret), "the kept answer holds the new secret")
		msg := err.Error()
		assert.NotContains(t, msg, newSecret)
		assert.NotContains(t, msg, "Notice")
		assert.NotContains(t, msg, "proxy.example")
		c.observe("ErrOutcomeUnknown (%s), Answer keeps %d bytes with the secret, keys %d→%d", ue.Operation, ue.Size, len(before), len(after))
	}
}

// listUnreadable: a list's 2xx answer with garbage after it is a read's
// error: ErrServer, not ErrOutcomeUnknown, nothing kept, and no text
// quotes the listed keys' secrets. The garbage goes on the first answer
// that carries a seeded secret where the vendor lists secrets, else on the
// first answer of the list.
func listUnreadable(t *testing.T, c *cell) {
	r, rt, km := editable(t, c)
	warm(t, c, km)
	ctx := context.Background()
	var seeded []string
	for i := range 2 {
		k, err := km.CreateKey(ctx, r.req(10+i))
		c.rc.note(k, err)
		require.NoError(t, err)
	}
	for _, s := range serverSecrets(t, r) {
		seeded = append(seeded, s)
		c.rc.addSecret(s, r.vendor+" seeded key")
	}
	holdsSeeded := func(_ *http.Request, status int, body []byte) bool {
		if status < 200 || status > 299 {
			return false
		}
		for _, s := range seeded {
			if bytes.Contains(body, []byte(s)) {
				return true
			}
		}
		return false
	}
	where := "an answer with secrets"
	rt.arm(holdsSeeded, appendNotice)
	_, err := listAll(c, ctx, km)
	if fired, _ := rt.result(); !fired {
		require.NoError(t, err)
		where = "the first answer (no secrets listed)"
		rt.arm(func(_ *http.Request, status int, _ []byte) bool { return status >= 200 && status <= 299 }, appendNotice)
		_, err = listAll(c, ctx, km)
	}
	fired, _ := rt.result()
	require.True(t, fired)
	require.Error(t, err)
	assert.ErrorIs(t, err, cloudkeys.ErrServer)
	assert.NotErrorIs(t, err, cloudkeys.ErrOutcomeUnknown, "a read")
	var ue *cloudkeys.UndecodableAnswerError
	require.ErrorAs(t, err, &ue)
	assert.False(t, ue.Write)
	assert.True(t, ue.Answer.IsZero(), "a read keeps nothing")
	for _, s := range seeded {
		assert.NotContains(t, err.Error(), s)
	}
	assert.NotContains(t, err.Error(), "Notice")
	c.observe("ErrServer (%s), garbage on %s, no secret in the text", ue.Operation, where)
}

// evilText is 1 MiB of server text that rewrites a terminal line: ESC [2K
// (erase the line), CR, and a bidi override.
var evilText = "denied\x1b[2K\r\u202E" + strings.Repeat("A", 1<<20)

// vendorErrorBody is an error answer in the vendor's own format whose
// message is msg.
func vendorErrorBody(vendor, msg string) (int, []byte) {
	q, _ := json.Marshal(msg)
	m := string(q)
	switch vendor {
	case "cloudstack":
		return 431, []byte(`{"errorresponse":{"uuidList":[],"errorcode":431,"cserrorcode":4350,"errortext":` + m + `}}`)
	case "zstack":
		return http.StatusServiceUnavailable, []byte(`{"error":{"code":"SYS.1007","description":` + m + `,"details":` + m + `}}`)
	case "e24":
		return http.StatusBadRequest, []byte(`{"success":false,"error":{"code":"bad_request","message":` + m + `}}`)
	case "huaweibcs":
		return http.StatusBadRequest, []byte(`{"error_code":"BCS.03400001","error_msg":` + m + `,"request_id":` + m + `}`)
	case "onezone":
		return http.StatusBadRequest, []byte(`{"error":{"id":"badValueName","description":` + m + `}}`)
	}
	panic("unknown vendor " + vendor)
}

// printable reports text a terminal shows as it is: valid UTF-8 without
// control or format characters.
func printable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || (r != ' ' && !unicode.IsPrint(r))
	})
}

// errorWithControlCharacters: an error answer in the vendor's format
// whose message is 1 MiB of terminal escapes reaches the caller as a
// short, printable APIError.
func errorWithControlCharacters(t *testing.T, c *cell) {
	r := c.start(t, true)
	km := r.client(c.logger(), cloudkeys.WithRetry(noRetry))
	warm(t, c, km)
	status, body := vendorErrorBody(r.vendor, evilText)
	r.srv.FailNextWith(1, cloudkeystest.Fault{Status: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: body})
	_, err := listAll(c, context.Background(), km)
	require.Error(t, err)
	require.Zero(t, r.srv.PendingFaults())
	var ae *cloudkeys.APIError
	require.ErrorAs(t, err, &ae)
	for name, s := range map[string]string{"Message": ae.Message, "Code": ae.Code, "RequestID": ae.RequestID, "Error()": err.Error()} {
		assert.True(t, printable(s), "%s has control characters", name)
	}
	assert.LessOrEqual(t, len(ae.Message), 1024+len("…"))
	assert.LessOrEqual(t, len(err.Error()), 4096)
	assert.True(t, strings.HasPrefix(ae.Message, "denied"), "the message is kept, cleaned: %.40q", ae.Message)
	c.observe("APIError HTTP %d, Message %d bytes, printable", ae.StatusCode, len(ae.Message))
}

// errorWithCredentialField: an error body that is not in the vendor's
// format and carries a credential field never shows its value.
func errorWithCredentialField(t *testing.T, c *cell) {
	r := c.start(t, true)
	km := r.client(c.logger(), cloudkeys.WithRetry(noRetry))
	warm(t, c, km)
	const planted = "PlantedSecretValue0123456789abcdef"
	c.rc.addSecret(planted, r.vendor+" credential in an error body")
	body := `upstream refused {"secret_key":"` + planted + `","request":"r-1"} access_key=` + planted + "-b"
	r.srv.FailNextWith(1, cloudkeystest.Fault{Status: http.StatusForbidden, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte(body)})
	_, err := listAll(c, context.Background(), km)
	require.Error(t, err)
	require.Zero(t, r.srv.PendingFaults())
	assert.ErrorIs(t, err, cloudkeys.ErrForbidden)
	assert.NotContains(t, err.Error(), planted)
	assert.NotContains(t, err.Error(), planted[:12], "no part of it")
	c.observe("ErrForbidden: %s", clip(err.Error(), 70))
}

// TestAnswerMatrix runs answerScenarios for every vendor as TestFaultMatrix
// runs its scenarios, prints the table (with -v), and scans everything the
// runs printed for secrets — the new keys' included. Once the fault
// matrix's own list holds them, TestFaultMatrix runs them and this test
// skips.
func TestAnswerMatrix(t *testing.T) {
	inMatrix := map[string]bool{}
	for _, sc := range allScenarios() {
		inMatrix[sc.name] = true
	}
	var scs []scenario
	for _, sc := range answerScenarios() {
		if !inMatrix[sc.name] {
			scs = append(scs, sc)
		}
	}
	if len(scs) == 0 {
		t.Skip("the fault matrix runs the answer scenarios")
	}
	rc := newRecorder()
	type result struct {
		ok, na bool
		obs    string
	}
	res := map[string]map[string]result{}
	for _, sc := range scs {
		res[sc.name] = map[string]result{}
		for _, vc := range vendors {
			c := &cell{rc: rc, vc: vc, log: &cellLog{}}
			body := func(t *testing.T) {
				defer func() {
					if p := recover(); p != nil {
						t.Errorf("panic: %v", p)
					}
				}()
				sc.run(t, c)
			}
			ok := t.Run(sc.name+"/"+vc.name, func(t *testing.T) {
				if sc.bubble {
					synctest.Test(t, body)
				} else {
					body(t)
				}
			})
			res[sc.name][vc.name] = result{ok: ok, na: c.na, obs: c.obs}
		}
	}
	if testing.Verbose() {
		var b strings.Builder
		b.WriteString("| scenario |")
		for _, vc := range vendors {
			b.WriteString(" " + vc.name + " |")
		}
		b.WriteString("\n|---|" + strings.Repeat("---|", len(vendors)) + "\n")
		for _, sc := range scs {
			b.WriteString("| " + sc.name + " |")
			for _, vc := range vendors {
				switch r := res[sc.name][vc.name]; {
				case r.na:
					b.WriteString(" n/a: " + r.obs + " |")
				case r.ok:
					b.WriteString(" PASS " + r.obs + " |")
				default:
					b.WriteString(" **FAIL** " + r.obs + " |")
				}
			}
			b.WriteString("\n")
		}
		fmt.Fprintln(os.Stdout, b.String())
	}
	t.Run("leak scan", func(t *testing.T) {
		leaked, scanned, n := rc.leaks()
		assert.Empty(t, leaked, "secrets in logs, errors or printed results")
		assert.Greater(t, n, 20, "secrets collected from all five vendors")
		if testing.Verbose() {
			fmt.Fprintf(os.Stdout, "leak scan: %d secrets × %d bytes: %d found\n", n, scanned, len(leaked))
		}
	})
}

// TestAnswerScenariosAreNamedOnce: the list appended to the fault matrix
// adds rows with names of their own.
func TestAnswerScenariosAreNamedOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, sc := range answerScenarios() {
		require.False(t, seen[sc.name], "%q twice", sc.name)
		seen[sc.name] = true
		require.NotNil(t, sc.run)
	}
}
