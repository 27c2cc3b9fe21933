package reliability

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/cloudkeys/cloudkeys"
)

// Two fuzz targets per vendor, written once:
//
//   - FuzzResponses<Vendor> runs a KeyManager operation against a fresh
//     in-memory fake and replaces the answer to one of its requests (login,
//     version, list, job poll, ...) with a fuzzed status and body: every
//     response decoder on the KeyManager path meets arbitrary input. The
//     seeds are the fake's real answers.
//   - FuzzFakeRequests<Vendor> sends an arbitrary request to the vendor's
//     fake (its request parser, signature check and handlers). The seeds are
//     the requests a real client session sent.
//
// Neither may panic; an operation must not report success without a key.

// swapTransport passes requests to base, except the one numbered target
// (0-based, in order of arrival), which it answers with status and body.
// With real set that request reaches the server and only the answer's
// status and body are replaced, its headers (a session cookie, a token
// header) kept, so decoders behind a header check meet the fuzzed body too.
// With record set it keeps every real answer instead.
type swapTransport struct {
	base http.RoundTripper

	mu     sync.Mutex
	n      int
	target int
	real   bool
	status int
	body   []byte
	record *[]recorded
}

type recorded struct {
	status int
	body   []byte
}

func (s *swapTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	i := s.n
	s.n++
	swap := i == s.target
	status, body, rec, real := s.status, s.body, s.record, s.real
	s.mu.Unlock()
	if swap {
		header := http.Header{"Content-Type": {"application/json"}}
		if real {
			resp, err := s.base.RoundTrip(req)
			if err != nil {
				return nil, err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			header = resp.Header.Clone()
			header.Del("Content-Length")
		} else if req.Body != nil {
			_, _ = io.Copy(io.Discard, req.Body)
			_ = req.Body.Close()
		}
		return &http.Response{
			StatusCode: status, Status: http.StatusText(status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header:        header,
			Body:          io.NopCloser(bytes.NewReader(body)),
			ContentLength: int64(len(body)), Request: req,
		}, nil
	}
	resp, err := s.base.RoundTrip(req)
	if err == nil && rec != nil {
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(b))
		s.mu.Lock()
		*rec = append(*rec, recorded{resp.StatusCode, b})
		s.mu.Unlock()
	}
	return resp, err
}

// fuzzOps are the KeyManager operations the response fuzzers run.
var fuzzOps = []func(ctx context.Context, km cloudkeys.KeyManager, r *rig, id string) error{
	func(ctx context.Context, km cloudkeys.KeyManager, _ *rig, _ string) error {
		_, err := km.Capabilities(ctx)
		return err
	},
	func(ctx context.Context, km cloudkeys.KeyManager, _ *rig, _ string) error {
		_, err := cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
		return err
	},
	func(ctx context.Context, km cloudkeys.KeyManager, _ *rig, id string) error {
		k, err := km.GetKey(ctx, id)
		if err == nil && k == nil {
			panic("GetKey: nil key and nil error")
		}
		return err
	},
	func(ctx context.Context, km cloudkeys.KeyManager, r *rig, _ string) error {
		k, err := km.CreateKey(ctx, r.req(1))
		if err == nil && k == nil {
			panic("CreateKey: nil key and nil error")
		}
		return err
	},
	func(ctx context.Context, km cloudkeys.KeyManager, _ *rig, id string) error {
		return km.DeleteKey(ctx, id)
	},
}

// responseFixture starts a fresh in-memory fake with one key and a client
// whose requests after that go through sw. With session set the client is
// the rig's session client (password login), built after the key was
// created, so its first request through sw is the login and the login
// answer's decoder is fuzzed too.
func responseFixture(vc vendorCase, sw *swapTransport, session bool) (*rig, cloudkeys.KeyManager, string) {
	r := vc.start(true, false)
	sw.base = r.srv.Transport()
	sw.target = -1
	opts := []cloudkeys.Option{cloudkeys.WithHTTPClient(&http.Client{Transport: sw}), cloudkeys.WithRetry(noRetry)}
	var km, creator cloudkeys.KeyManager
	if session {
		creator = r.client(cloudkeys.WithRetry(noRetry))
	} else {
		km = r.client(opts...)
		creator = km
	}
	k, err := creator.CreateKey(context.Background(), r.req(0))
	if err != nil {
		panic("fuzz fixture: " + err.Error())
	}
	if session {
		km = r.session(opts...)
	}
	sw.mu.Lock()
	sw.n = 0
	sw.mu.Unlock()
	return r, km, k.ID
}

// realAnswer in the fuzzed target byte lets the request reach the server
// and keeps the real answer's headers (see swapTransport.real).
const realAnswer = 0x80

func fuzzResponses(f *testing.F, vc vendorCase, session bool) {
	for op := range fuzzOps {
		var rec []recorded
		sw := &swapTransport{}
		r, km, id := responseFixture(vc, sw, session)
		sw.record = &rec
		_ = fuzzOps[op](context.Background(), km, r, id)
		r.srv.Close()
		for i, a := range rec {
			// the fuzzed status is 200 + status%400
			f.Add(uint8(op), uint8(i), uint16(a.status-200), a.body)
			f.Add(uint8(op), uint8(i)|realAnswer, uint16(a.status-200), a.body)
		}
	}
	f.Add(uint8(1), uint8(0), uint16(0), []byte(`{"items":[{"id":"tr`))
	f.Add(uint8(1), uint8(0), uint16(302), []byte(htmlBadGateway))
	f.Add(uint8(1), uint8(0), uint16(0), []byte{})
	f.Fuzz(func(t *testing.T, op, target uint8, status uint16, body []byte) {
		sw := &swapTransport{}
		r, km, id := responseFixture(vc, sw, session)
		defer r.srv.Close()
		sw.mu.Lock()
		sw.target, sw.real, sw.status, sw.body = int(target%8), target&realAnswer != 0, 200+int(status%400), body
		sw.mu.Unlock()
		_ = fuzzOps[int(op)%len(fuzzOps)](context.Background(), km, r, id)
	})
}

func FuzzResponsesCloudStack(f *testing.F) { fuzzResponses(f, vendors[0], false) }
func FuzzResponsesZStack(f *testing.F)     { fuzzResponses(f, vendors[1], false) }
func FuzzResponsesE24(f *testing.F)        { fuzzResponses(f, vendors[2], false) }
func FuzzResponsesHuawei(f *testing.F)     { fuzzResponses(f, vendors[3], false) }
func FuzzResponsesOnezone(f *testing.F)    { fuzzResponses(f, vendors[4], false) }

// FuzzResponsesCloudStackSession fuzzes the answers a password-login client
// meets, the login answer (session key, JSESSIONID cookie) among them.
func FuzzResponsesCloudStackSession(f *testing.F) { fuzzResponses(f, vendors[0], true) }

// FuzzResponsesHuaweiToken fuzzes the answers an IAM-password client meets,
// the token answer (X-Subject-Token, expires_at) among them.
func FuzzResponsesHuaweiToken(f *testing.F) { fuzzResponses(f, vendors[3], true) }

var headerName = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)

// fuzzFakeRequests sends fuzzed requests to one fake for the whole run;
// the seeds are a real client session's requests to that fake.
func fuzzFakeRequests(f *testing.F, vc vendorCase) {
	r := vc.start(true, false)
	f.Cleanup(r.srv.Close)
	km := r.client(cloudkeys.WithRetry(noRetry))
	ctx := context.Background()
	k, err := km.CreateKey(ctx, r.req(0))
	if err != nil {
		f.Fatal(err)
	}
	_, _ = cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	_, _ = km.GetKey(ctx, k.ID)
	_ = km.DeleteKey(ctx, k.ID)
	_, _ = km.GetKey(ctx, "no-such-key")
	for _, q := range r.srv.Requests() {
		var hb strings.Builder
		for name, vs := range q.Header {
			for _, v := range vs {
				hb.WriteString(name + ": " + v + "\n")
			}
		}
		target := q.RawPath
		if q.RawQuery != "" {
			target += "?" + q.RawQuery
		}
		f.Add(q.Method, target, hb.String(), q.Body)
	}
	h := r.srv.Handler()
	f.Fuzz(func(t *testing.T, method, target, header string, body []byte) {
		req, err := http.NewRequest(method, "http://fake.invalid"+target, bytes.NewReader(body))
		if err != nil || !strings.HasPrefix(target, "/") {
			return
		}
		sc := bufio.NewScanner(strings.NewReader(header))
		for sc.Scan() {
			name, v, ok := strings.Cut(sc.Text(), ":")
			if ok && headerName.MatchString(name) && !strings.ContainsAny(v, "\r\n\x00") {
				req.Header.Add(name, strings.TrimSpace(v))
			}
		}
		req.RequestURI = target
		req.RemoteAddr = "127.0.0.1:1"
		w := httptest.NewRecorder()
		func() {
			defer func() {
				// A fault's dropped connection is the only allowed panic.
				if p := recover(); p != nil && p != http.ErrAbortHandler { //nolint:errorlint // sentinel panic value
					panic(p)
				}
			}()
			h.ServeHTTP(w, req)
		}()
		if w.Code < 100 || w.Code > 599 {
			t.Fatalf("status %d", w.Code)
		}
	})
}

func FuzzFakeRequestsCloudStack(f *testing.F) { fuzzFakeRequests(f, vendors[0]) }
func FuzzFakeRequestsZStack(f *testing.F)     { fuzzFakeRequests(f, vendors[1]) }
func FuzzFakeRequestsE24(f *testing.F)        { fuzzFakeRequests(f, vendors[2]) }
func FuzzFakeRequestsHuawei(f *testing.F)     { fuzzFakeRequests(f, vendors[3]) }
func FuzzFakeRequestsOnezone(f *testing.F)    { fuzzFakeRequests(f, vendors[4]) }
