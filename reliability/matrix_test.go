package reliability

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
)

// cell is what one scenario run for one vendor hands back.
type cell struct {
	rc  *recorder
	vc  vendorCase
	net network
	log *cellLog
	r   *rig   // the rig start started
	obs string // the observed figure
	na  bool   // the scenario does not apply to this vendor
}

// network is how the matrix reaches the fakes: plain HTTP/1.1, or TLS with
// HTTP/2 (negotiated by ALPN, as a real HTTPS endpoint offers it). Every
// scenario runs over both.
type network struct {
	name string
	tls  bool
}

var networks = []network{{"HTTP/1.1", false}, {"TLS + HTTP/2", true}}

func (c *cell) logger() cloudkeys.Option { return cloudkeys.WithLogger(c.rc.logger(c.log)) }

func (c *cell) observe(format string, args ...any) { c.obs = fmt.Sprintf(format, args...) }

func (c *cell) notApplicable(why string) { c.na, c.obs = true, why }

type scenario struct {
	name string
	// bubble runs the scenario inside testing/synctest with an in-memory
	// fake (time is fake: waits are exact and cost nothing); otherwise it
	// runs against the fake over TCP on 127.0.0.1.
	bubble bool
	run    func(t *testing.T, c *cell)
}

// retry policies of the matrix. In a bubble waits cost no real time.
var (
	slowRetry = cloudkeys.RetryPolicy{MaxAttempts: 4, MinWait: time.Second, MaxWait: 4 * time.Second}
	fastRetry = cloudkeys.RetryPolicy{MaxAttempts: 4, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond}
	noRetry   = cloudkeys.RetryPolicy{MaxAttempts: 1}
)

// start starts the vendor's fake for the cell (in memory inside a bubble)
// and registers its secrets with the recorder when the cell ends.
func (c *cell) start(t *testing.T, inMemory bool) *rig {
	r := c.vc.start(inMemory, c.net.tls)
	c.r = r
	t.Cleanup(func() {
		c.rc.harvest(r)
		r.srv.Close()
	})
	return r
}

func listAll(c *cell, ctx context.Context, km cloudkeys.KeyManager) ([]*cloudkeys.Key, error) {
	keys, err := cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	c.rc.note(keys, err)
	return keys, err
}

// warm makes the calls that set up sessions and caches (login, server
// version), so that a fault injected next hits the operation under test.
func warm(t *testing.T, c *cell, km cloudkeys.KeyManager) {
	t.Helper()
	ctx := context.Background()
	caps, err := km.Capabilities(ctx)
	c.rc.note(caps, err)
	require.NoError(t, err)
	_, err = listAll(c, ctx, km)
	require.NoError(t, err)
	if c.net.tls {
		assertHTTP2(t, c)
	}
}

// assertHTTP2 checks that the cell's fake was reached over TLS with HTTP/2.
func assertHTTP2(t *testing.T, c *cell) {
	t.Helper()
	require.NotNil(t, c.r)
	reqs := c.r.srv.Requests()
	require.NotEmpty(t, reqs)
	assert.Equal(t, "HTTP/2.0", reqs[len(reqs)-1].Proto, "TLS + HTTP/2")
}

func scenarios() []scenario {
	return []scenario{
		{"read: 2×503 then ok", true, func(t *testing.T, c *cell) { readUnderFaults(t, c, http.StatusServiceUnavailable, nil) }},
		{"read: 2×429 Retry-After 30s then ok", true, func(t *testing.T, c *cell) {
			readUnderFaults(t, c, http.StatusTooManyRequests, http.Header{"Retry-After": {"30"}})
		}},
		{"create: commit-then-drop", false, createCommitThenDrop},
		{"delete: commit-then-drop", false, deleteCommitThenDrop},
		{"cancel during backoff", true, cancelDuringBackoff},
		{"cancel during job poll", true, cancelDuringJobPoll},
		{"truncated JSON", true, badBody(http.StatusOK, "application/json", []byte(`{"items":[{"id":"abc","name":"tr`))},
		{"HTML 502 page", true, badBody(http.StatusBadGateway, "text/html", []byte(htmlBadGateway))},
		{"empty 200", true, badBody(http.StatusOK, "application/json", []byte{})},
		{"body over the size limit", true, badBody(http.StatusOK, "application/json", oversized())},
		{"wrong JSON shape", true, badBody(http.StatusOK, "application/json", []byte(`[1,2,3]`))},
		{"redirect 127.0.0.1 → localhost", false, func(t *testing.T, c *cell) { redirect(t, c, "127.0.0.1", "localhost", false) }},
		{"redirect localhost → 127.0.0.1", false, func(t *testing.T, c *cell) { redirect(t, c, "localhost", "127.0.0.1", false) }},
		{"redirect https → http", false, func(t *testing.T, c *cell) { redirect(t, c, "127.0.0.1", "127.0.0.1", true) }},
		{"credentials expire mid-run", true, expiredCredentials},
		{"wrong credentials", true, wrongCredentials},
	}
}

const htmlBadGateway = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

// sizeLimit is the response limit of the size scenario; oversized is a
// valid JSON object four times that size.
const sizeLimit = 16 << 10

func oversized() []byte {
	return []byte(`{"pad":"` + strings.Repeat("x", 4*sizeLimit) + `"}`)
}

func fmtWaits(ws []time.Duration) string {
	s := make([]string, len(ws))
	for i, w := range ws {
		s[i] = w.Round(10 * time.Millisecond).String()
	}
	return strings.Join(s, "+")
}

// readUnderFaults: a list answered twice with status, then normally,
// succeeds; the waits lie within the policy and Retry-After is clamped to
// MaxWait.
func readUnderFaults(t *testing.T, c *cell, status int, hdr http.Header) {
	r := c.start(t, true)
	km := r.client(c.logger(), cloudkeys.WithRetry(slowRetry))
	warm(t, c, km)
	r.srv.ResetRequests()
	r.srv.FailNextWith(2, cloudkeystest.Fault{Status: status, Header: hdr})
	start := time.Now()
	_, err := listAll(c, context.Background(), km)
	elapsed := time.Since(start)
	require.NoError(t, err)
	require.Zero(t, r.srv.PendingFaults())
	reqs := r.srv.Requests()
	require.NotEmpty(t, reqs)
	attempts := 0
	for _, q := range reqs {
		if q.Method == reqs[0].Method && q.Path == reqs[0].Path {
			attempts++
		}
	}
	assert.Equal(t, 3, attempts, "two faulted attempts and one that succeeds")
	ws := c.log.waits()
	require.Len(t, ws, 2, "two retries logged")
	for _, w := range ws {
		if hdr.Get("Retry-After") != "" {
			assert.Equal(t, slowRetry.MaxWait, w, "Retry-After 30s is clamped to MaxWait")
		} else {
			assert.GreaterOrEqual(t, w, slowRetry.MinWait/2)
			assert.LessOrEqual(t, w, slowRetry.MaxWait)
		}
	}
	c.observe("%d attempts, waits %s (max %s), %s total", attempts, fmtWaits(ws), slowRetry.MaxWait, elapsed.Round(10*time.Millisecond))
}

func createCommitThenDrop(t *testing.T, c *cell) {
	r := c.start(t, false)
	km := r.client(c.logger(), cloudkeys.WithRetry(fastRetry))
	warm(t, c, km)
	ctx := context.Background()
	before := r.keys()
	r.srv.ResetRequests()
	r.srv.FailNextWith(1, cloudkeystest.Fault{Commit: true, Drop: true, Match: r.isCreate})
	k, err := km.CreateKey(ctx, r.req(1))
	c.rc.note(k, err)
	require.Zero(t, r.srv.PendingFaults(), "the create was matched")
	sent := 0
	for _, q := range r.srv.Requests() {
		if q.Fault || sameRequest(q, r.isCreate) {
			sent++
		}
	}
	assert.Equal(t, before+1, r.keys(), "exactly one key on the server")
	if c.vc.name == "zstack" {
		// X-Job-UUID makes the create exactly-once: the retry finds the job.
		require.NoError(t, err)
		require.NotNil(t, k)
		got, gerr := km.GetKey(ctx, k.ID)
		c.rc.note(got, gerr)
		require.NoError(t, gerr)
		c.observe("success via job id, %d creates sent, keys %d→%d", sent, before, r.keys())
		return
	}
	require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
	assert.Equal(t, 1, sent, "never re-sent")
	c.observe("ErrOutcomeUnknown, %d create sent, keys %d→%d", sent, before, r.keys())
}

// sameRequest replays a logged request through a matcher.
func sameRequest(q cloudkeystest.Request, match func(*http.Request) bool) bool {
	req, err := http.NewRequest(q.Method, "http://x"+q.RawPath+"?"+q.RawQuery, strings.NewReader(string(q.Body)))
	if err != nil {
		return false
	}
	req.Header = q.Header.Clone()
	return match(req)
}

func deleteCommitThenDrop(t *testing.T, c *cell) {
	r := c.start(t, false)
	km := r.client(c.logger(), cloudkeys.WithRetry(fastRetry))
	warm(t, c, km)
	ctx := context.Background()
	k, err := km.CreateKey(ctx, r.req(1))
	c.rc.note(k, err)
	require.NoError(t, err)
	before := r.keys()
	r.srv.ResetRequests()
	r.srv.FailNextWith(1, cloudkeystest.Fault{Commit: true, Drop: true, Match: r.isDelete})
	err = km.DeleteKey(ctx, k.ID)
	c.rc.note(err)
	require.NoError(t, err)
	require.Zero(t, r.srv.PendingFaults())
	assert.Equal(t, before-1, r.keys(), "the key is gone")
	got, gerr := km.GetKey(ctx, k.ID)
	c.rc.note(got, gerr)
	require.ErrorIs(t, gerr, cloudkeys.ErrNotFound)
	sent := 0
	for _, q := range r.srv.Requests() {
		if sameRequest(q, r.isDelete) {
			sent++
		}
	}
	c.observe("success, %d deletes sent, keys %d→%d, GetKey: not found", sent, before, r.keys())
}

// cancelDuringBackoff cancels a read while it sleeps between attempts:
// it returns at once (no fake time passes) with context.Canceled.
func cancelDuringBackoff(t *testing.T, c *cell) {
	r := c.start(t, true)
	km := r.client(c.logger(), cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 10, MinWait: 30 * time.Second, MaxWait: 30 * time.Second}))
	warm(t, c, km)
	r.srv.ResetRequests()
	r.srv.FailNext(10, http.StatusServiceUnavailable)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := listAll(c, ctx, km)
		done <- err
	}()
	time.Sleep(5 * time.Second) // fake time: the first attempt failed, the backoff runs
	synctest.Wait()
	sent := len(r.srv.Requests())
	require.Equal(t, 1, sent, "blocked in the first backoff")
	cancelled := time.Now()
	cancel()
	synctest.Wait()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
		c.observe("context.Canceled after %d attempt, %s after cancel", sent, time.Since(cancelled))
	default:
		t.Fatal("still running after cancel, with every goroutine idle")
	}
	r.srv.ClearFaults()
}

// cancelDuringJobPoll cancels a create while the client polls its
// asynchronous job.
func cancelDuringJobPoll(t *testing.T, c *cell) {
	if c.vc.stalled == nil {
		c.notApplicable("no async jobs")
		return
	}
	r := c.vc.stalled(true, c.net.tls)
	c.r = r
	t.Cleanup(func() { c.rc.harvest(r); r.srv.Close() })
	km := r.client(c.logger())
	warm(t, c, km)
	r.srv.ResetRequests()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		k, err := km.CreateKey(ctx, r.req(1))
		c.rc.note(k, err)
		done <- err
	}()
	time.Sleep(10 * time.Second) // fake time: the job is polled and still runs
	synctest.Wait()
	polls := 0
	for _, q := range r.srv.Requests() {
		if !sameRequest(q, r.isCreate) {
			polls++
		}
	}
	require.Positive(t, polls, "the job was polled")
	cancelled := time.Now()
	cancel()
	synctest.Wait()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
		c.observe("context.Canceled after %d polls, %s after cancel", polls, time.Since(cancelled))
	default:
		t.Fatal("still polling after cancel, with every goroutine idle")
	}
}

// badBody answers one list request with a broken body: a typed error, no
// panic, no retry (MaxAttempts 1 isolates the body's handling).
func badBody(status int, contentType string, body []byte) func(t *testing.T, c *cell) {
	return func(t *testing.T, c *cell) {
		r := c.start(t, true)
		km := r.client(c.logger(), cloudkeys.WithRetry(noRetry), cloudkeys.WithMaxResponseBytes(sizeLimit))
		warm(t, c, km)
		r.srv.FailNextWith(1, cloudkeystest.Fault{Status: status, Header: http.Header{"Content-Type": {contentType}}, Body: body})
		_, err := listAll(c, context.Background(), km)
		require.Error(t, err)
		require.Zero(t, r.srv.PendingFaults())
		assert.NotErrorIs(t, err, cloudkeys.ErrOutcomeUnknown, "a read")
		assert.LessOrEqual(t, len(err.Error()), 600, "a short message, not the body")
		var ae *cloudkeys.APIError
		if errors.As(err, &ae) {
			c.observe("*APIError HTTP %d: %s", ae.StatusCode, clip(ae.Message, 40))
			return
		}
		c.observe("decode error: %s", clip(err.Error(), 60))
	}
}

func clip(s string, n int) string {
	s = strings.ReplaceAll(s, "|", "/")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// redirect puts an httptest server in front that redirects every request
// to a second server on another host (or from https to http); the call
// fails and the second server receives nothing. Over TLS + HTTP/2 both
// servers speak HTTPS with HTTP/2 (the second plain HTTP when the row is
// the downgrade).
func redirect(t *testing.T, c *cell, fromHost, toHost string, downgrade bool) {
	r := c.start(t, false)
	var hits atomic.Int64
	var mu sync.Mutex
	var got []*http.Request
	secureFront := downgrade || c.net.tls
	// One certificate for both servers, valid for 127.0.0.1 and localhost.
	cert, pool, err := fakeserver.NewTLSPair()
	require.NoError(t, err)
	second := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		got = append(got, req.Clone(context.Background()))
		mu.Unlock()
		http.Error(w, "second host", http.StatusTeapot)
	}))
	secondScheme := "http"
	if c.net.tls && !downgrade {
		second.EnableHTTP2 = true
		second.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
		second.StartTLS()
		secondScheme = "https"
	} else {
		second.Start()
	}
	defer second.Close()
	_, secondPort, _ := net.SplitHostPort(second.Listener.Addr().String())
	target := secondScheme + "://" + net.JoinHostPort(toHost, secondPort)
	var protos sync.Map
	front := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		hits.Add(1)
		protos.Store(req.Proto, true)
		http.Redirect(w, req, target+req.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	opts := []cloudkeys.Option{c.logger(), cloudkeys.WithRetry(fastRetry)}
	scheme := "http"
	if secureFront {
		front.EnableHTTP2 = c.net.tls
		front.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
		front.StartTLS()
		// Through the client's own pooled transport, as users get it.
		opts = append(opts, cloudkeys.WithTLSConfig(&tls.Config{RootCAs: pool}))
		scheme = "https"
	} else {
		front.Start()
	}
	defer front.Close()
	_, frontPort, _ := net.SplitHostPort(front.Listener.Addr().String())
	km, err := r.at(scheme+"://"+net.JoinHostPort(fromHost, frontPort), opts...)
	require.NoError(t, err)
	_, err = listAll(c, context.Background(), km)
	require.Error(t, err)
	require.Positive(t, hits.Load(), "the front server redirected")
	if c.net.tls {
		_, h2 := protos.Load("HTTP/2.0")
		assert.True(t, h2, "the front was reached over HTTP/2")
	}
	mu.Lock()
	defer mu.Unlock()
	for _, q := range got {
		assert.Empty(t, q.Header.Get("Authorization"), "credential sent to the second host")
		assert.Empty(t, q.Header.Get("X-Auth-Token"), "credential sent to the second host")
		assert.Empty(t, q.Header.Get("Cookie"), "credential sent to the second host")
		assert.NotContains(t, q.URL.RawQuery, "signature", "credential sent to the second host")
	}
	assert.Empty(t, got, "the second host was never contacted")
	c.observe("error, second host got %d requests: %s", len(got), clip(err.Error(), 70))
}

// expiredCredentials ends the client's session or token between two
// calls: the client logs in once more and goes on.
func expiredCredentials(t *testing.T, c *cell) {
	r := c.start(t, true)
	if r.session == nil {
		c.notApplicable("stateless credentials")
		return
	}
	km := r.session(c.logger(), cloudkeys.WithRetry(slowRetry))
	ctx := context.Background()
	_, err := listAll(c, ctx, km)
	require.NoError(t, err)
	before := r.logins()
	require.Equal(t, 1, before, "one login")
	r.expire()
	_, err = listAll(c, ctx, km)
	require.NoError(t, err, "renewed")
	k, err := km.CreateKey(ctx, r.req(7))
	c.rc.note(k, err)
	require.NoError(t, err, "the run continues")
	_, err = listAll(c, ctx, km)
	require.NoError(t, err)
	assert.Equal(t, before+1, r.logins(), "renewed exactly once")
	c.observe("renewed: %d login(s) after expiry, run continued", r.logins()-before)
}

// wrongCredentials: ErrUnauthorized, without a retry storm.
func wrongCredentials(t *testing.T, c *cell) {
	r := c.start(t, true)
	km := r.wrong(c.logger(), cloudkeys.WithRetry(slowRetry))
	r.srv.ResetRequests()
	start := time.Now()
	_, err := listAll(c, context.Background(), km)
	require.ErrorIs(t, err, cloudkeys.ErrUnauthorized)
	n := len(r.srv.Requests())
	assert.LessOrEqual(t, n, 2, "no retry storm")
	assert.Zero(t, time.Since(start), "no backoff wait")
	c.observe("ErrUnauthorized after %d request(s), no wait", n)
}

// TestFaultMatrix runs every scenario for every vendor over every network
// (plain HTTP/1.1, TLS with HTTP/2) and prints one table per network (with
// -v); then it scans everything the runs printed for secrets.
func TestFaultMatrix(t *testing.T) {
	rc := newRecorder()
	type result struct {
		ok  bool
		obs string
		na  bool
	}
	scs := allScenarios()
	var b strings.Builder
	for _, nw := range networks {
		res := map[string]map[string]result{}
		for _, sc := range scs {
			res[sc.name] = map[string]result{}
			for _, vc := range vendors {
				c := &cell{rc: rc, vc: vc, net: nw, log: &cellLog{}}
				body := func(t *testing.T) {
					defer func() {
						if p := recover(); p != nil {
							t.Errorf("panic: %v", p)
						}
					}()
					sc.run(t, c)
				}
				ok := t.Run(nw.name+"/"+sc.name+"/"+vc.name, func(t *testing.T) {
					if sc.bubble {
						synctest.Test(t, body)
					} else {
						body(t)
					}
				})
				res[sc.name][vc.name] = result{ok: ok, obs: c.obs, na: c.na}
			}
		}
		b.WriteString("### " + nw.name + "\n\n| scenario |")
		for _, vc := range vendors {
			b.WriteString(" " + vc.name + " |")
		}
		b.WriteString("\n|---|")
		for range vendors {
			b.WriteString("---|")
		}
		b.WriteString("\n")
		for _, sc := range scs {
			b.WriteString("| " + sc.name + " |")
			for _, vc := range vendors {
				r := res[sc.name][vc.name]
				switch {
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
		b.WriteString("\n")
	}
	if testing.Verbose() {
		fmt.Fprint(os.Stdout, b.String())
	}

	t.Run("leak scan", func(t *testing.T) {
		leaked, scanned, n := rc.leaks()
		assert.Empty(t, leaked, "secrets in logs, errors or printed results")
		assert.Greater(t, n, 40, "secrets collected from all five vendors")
		assert.Contains(t, rc.logs.String(), `"level":"DEBUG"`, "Debug records were written")
		if testing.Verbose() {
			fmt.Fprintf(os.Stdout, "leak scan: %d secrets × %d bytes of logs, errors and %%+v results: %d found\n%s", n, scanned, len(leaked), rc.kinds())
		}
	})
}

// allScenarios is the matrix's list: the network and server faults, the
// HTTP/2 stream faults and stalls, and the unreadable answers.
func allScenarios() []scenario {
	return slices.Concat(scenarios(), streamScenarios(), answerScenarios())
}

// TestLeakScanFindsPlantedSecret proves the scan is not blind: a secret in
// the log, URL-escaped in an error, or JSON-escaped is found.
func TestLeakScanFindsPlantedSecret(t *testing.T) {
	for _, plant := range []func(rc *recorder, s string){
		func(rc *recorder, s string) { rc.logger(nil).Debug("x", "v", s) },
		func(rc *recorder, s string) { rc.note(errors.New("GET /?sig=" + url.QueryEscape(s))) },
		func(rc *recorder, s string) { rc.note(struct{ A string }{s}) },
	} {
		rc := newRecorder()
		secret := "s3cr3t+/=\"value-0123"
		rc.addSecret(secret, "planted")
		rc.note(errors.New("harmless"))
		leaked, _, _ := rc.leaks()
		require.Empty(t, leaked)
		plant(rc, secret)
		leaked, _, _ = rc.leaks()
		require.Len(t, leaked, 1)
	}
}

// TestCloudStackStockServer runs the matrix's network and server scenarios
// once more against a stock CloudStack fake (enforce.post.requests.and.
// timestamps off, the fake's default) over HTTP/1.1: the matrix runs
// against an enforcing one, and the client must work on both.
func TestCloudStackStockServer(t *testing.T) {
	rc := newRecorder()
	vc := vendorCase{"cloudstack",
		func(m, tls bool) *rig { return startCloudStackMode(false, m, tls) },
		func(m, tls bool) *rig {
			return startCloudStackMode(false, m, tls, cloudstacktest.WithPendingPolls(1<<30))
		}}
	for _, sc := range scenarios() {
		c := &cell{rc: rc, vc: vc, net: networks[0], log: &cellLog{}}
		t.Run(sc.name, func(t *testing.T) {
			if sc.bubble {
				synctest.Test(t, func(t *testing.T) { sc.run(t, c) })
			} else {
				sc.run(t, c)
			}
		})
	}
	leaked, _, _ := rc.leaks()
	assert.Empty(t, leaked, "secrets in logs, errors or printed results")
}
