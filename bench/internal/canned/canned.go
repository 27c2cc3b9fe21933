// Package canned measures a client without the network and without the
// server: a Recorder sits between a client and a real server (a fake on
// 127.0.0.1) and keeps every answer — status, headers, body — in the order
// the requests were made; a Tape built from that recording is an
// http.RoundTripper that serves the recorded answers again, at once, from
// memory (a fresh body reader per request, no socket, no goroutine, no
// server work). A benchmark of a client over a Tape therefore times the
// client's own work: building and signing the request, the http.Client and
// whatever the client wraps around it, reading and decoding the answer.
//
// A Tape finds the answer for a request by its key (Key): the method, the
// path and the query with the parameters that carry time, signature or
// credentials dropped (CloudStack's signature, expires, signatureversion
// and apikey/apiKey) and the rest sorted, so that two clients that ask the
// same question — the SDK and its lean baseline, or cloudkeys and another
// vendor SDK — are served the same recorded answer. Headers are not part of
// the key (they carry dates and signatures): nothing is verified, the
// answer is served whatever the request's signature. When one key was
// recorded several times, its answers are served in the recorded order,
// round and round, so a call that makes the same request twice sees the
// same sequence as when it was recorded. A request whose key was never
// recorded fails with an error naming the key.
//
// This is benchmark infrastructure: it lives in bench/internal so that
// bench and bench/peers share it and no user of the SDK can import it.
package canned

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// volatile names the query parameters a Key leaves out, lowercased: they
// carry a timestamp, a signature or the caller's credential, not the
// question asked.
var volatile = map[string]bool{"signature": true, "expires": true, "signatureversion": true, "apikey": true}

// Key is how a Tape tells requests apart: "METHOD /path?a=1&b=2", query
// parameter names lowercased and sorted, volatile ones left out.
func Key(req *http.Request) string {
	return key(req.Method, req.URL.Path, req.URL.RawQuery)
}

func key(method, path, rawQuery string) string {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return method + " " + path + "?" + rawQuery
	}
	type kv struct{ k, v string }
	var kvs []kv
	for name, vs := range q {
		l := strings.ToLower(name)
		if volatile[l] {
			continue
		}
		for _, v := range vs {
			kvs = append(kvs, kv{l, v})
		}
	}
	slices.SortStableFunc(kvs, func(a, b kv) int { return strings.Compare(a.k, b.k) })
	var b strings.Builder
	b.WriteString(method)
	b.WriteByte(' ')
	b.WriteString(path)
	for i, p := range kvs {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.k))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.v))
	}
	return b.String()
}

// Exchange is one recorded request and its answer.
type Exchange struct {
	Key              string // Key of the request
	Method, URL      string // as sent (for messages)
	Status           string // "200 OK"
	StatusCode       int
	Proto            string
	ProtoMajor       int
	ProtoMinor       int
	Header           http.Header
	Body             []byte
	ContentLength    int64 // as received: -1 for a chunked answer
	TransferEncoding []string
	Uncompressed     bool
}

// Recorder is an http.RoundTripper that passes every request to Next and
// records the answer. It reads each answer's body whole and hands the
// client a copy.
type Recorder struct {
	Next http.RoundTripper

	mu  sync.Mutex
	log []Exchange
}

// RoundTrip sends req through Next and records what came back.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.Next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("canned: reading the answer to %s %s: %w", req.Method, req.URL, err)
	}
	ex := Exchange{
		Key: Key(req), Method: req.Method, URL: req.URL.String(),
		Status: resp.Status, StatusCode: resp.StatusCode,
		Proto: resp.Proto, ProtoMajor: resp.ProtoMajor, ProtoMinor: resp.ProtoMinor,
		Header: resp.Header.Clone(), Body: body, ContentLength: resp.ContentLength,
		TransferEncoding: slices.Clone(resp.TransferEncoding), Uncompressed: resp.Uncompressed,
	}
	r.mu.Lock()
	r.log = append(r.log, ex)
	r.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// Exchanges returns what was recorded, oldest first.
func (r *Recorder) Exchanges() []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.log)
}

// Reset forgets what was recorded.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = nil
}

// Tape replays recorded answers. It is safe for concurrent use.
type Tape struct {
	slots map[string]*slot
	order []string // keys in the order first recorded

	// seen caches the slot of a request's exact method, path and raw
	// query: with a fixed clock a client sends byte-identical URLs, so
	// after the first request the lookup costs no query parsing.
	mu   sync.RWMutex
	seen map[rawKey]*slot

	served atomic.Int64
}

type rawKey struct{ method, path, query string }

type slot struct {
	answers []*Exchange
	next    atomic.Uint64
	headers []http.Header // copies, to tell a client that wrote into a shared header
}

// maxSeen bounds the raw-URL cache (a client whose URLs change on every
// request would otherwise grow it); past it, lookups parse the query.
const maxSeen = 1024

// NewTape returns a Tape serving exs. At least one exchange is needed.
func NewTape(exs []Exchange) *Tape {
	t := &Tape{slots: map[string]*slot{}, seen: map[rawKey]*slot{}}
	for i := range exs {
		ex := exs[i] // a copy the tape owns
		s := t.slots[ex.Key]
		if s == nil {
			s = &slot{}
			t.slots[ex.Key] = s
			t.order = append(t.order, ex.Key)
		}
		s.answers = append(s.answers, &ex)
		s.headers = append(s.headers, ex.Header.Clone())
	}
	return t
}

// Tape returns a Tape of everything recorded so far.
func (r *Recorder) Tape() *Tape { return NewTape(r.Exchanges()) }

// Keys returns the recorded keys, in the order first recorded.
func (t *Tape) Keys() []string { return slices.Clone(t.order) }

// Answers returns the answers recorded for key, in order.
func (t *Tape) Answers(key string) []Exchange {
	s := t.slots[key]
	if s == nil {
		return nil
	}
	out := make([]Exchange, len(s.answers))
	for i, a := range s.answers {
		out[i] = *a
	}
	return out
}

// Served returns how many answers the tape has served.
func (t *Tape) Served() int64 { return t.served.Load() }

// Intact reports an error if a client changed a header map the tape hands
// out (the recorded headers are shared between the answers, as a client
// must not write to a response's header).
func (t *Tape) Intact() error {
	for _, k := range t.order {
		s := t.slots[k]
		for i, a := range s.answers {
			if !equalHeader(a.Header, s.headers[i]) {
				return fmt.Errorf("canned: the header of the answer to %s was changed by a client: %v, recorded %v", k, a.Header, s.headers[i])
			}
		}
	}
	return nil
}

func equalHeader(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// ErrNotRecorded is wrapped by the error of a request the tape has no
// answer for.
var ErrNotRecorded = fmt.Errorf("canned: no recorded answer")

func (t *Tape) lookup(req *http.Request) (*slot, error) {
	rk := rawKey{req.Method, req.URL.Path, req.URL.RawQuery}
	t.mu.RLock()
	s := t.seen[rk]
	t.mu.RUnlock()
	if s != nil {
		return s, nil
	}
	k := Key(req)
	s = t.slots[k]
	if s == nil {
		return nil, fmt.Errorf("%w for %s (recorded: %s)", ErrNotRecorded, k, strings.Join(t.order, ", "))
	}
	t.mu.Lock()
	if len(t.seen) < maxSeen {
		t.seen[rk] = s
	}
	t.mu.Unlock()
	return s, nil
}

// body is a fresh reader over a recorded body: one allocation per answer.
type body struct{ bytes.Reader }

func (*body) Close() error { return nil }

// RoundTrip serves the next recorded answer for req's key.
func (t *Tape) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
	s, err := t.lookup(req)
	if err != nil {
		return nil, err
	}
	a := s.answers[(s.next.Add(1)-1)%uint64(len(s.answers))]
	b := &body{}
	b.Reset(a.Body)
	t.served.Add(1)
	return &http.Response{
		Status: a.Status, StatusCode: a.StatusCode,
		Proto: a.Proto, ProtoMajor: a.ProtoMajor, ProtoMinor: a.ProtoMinor,
		Header: a.Header, Body: b, ContentLength: a.ContentLength,
		TransferEncoding: a.TransferEncoding, Uncompressed: a.Uncompressed,
		Request: req,
	}, nil
}
