// Package envcfgtest helps test NewFromEnv constructors: environments from
// maps, a getenv that records what it was asked for, and the first request
// a client sends, captured without a network.
package envcfgtest

import (
	"context"
	"errors"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cloudkeys/cloudkeys"
)

// Getenv returns a getenv that reads m.
func Getenv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// Recorder is a getenv over Env that records every name asked for.
type Recorder struct {
	Env map[string]string

	mu    sync.Mutex
	names map[string]bool
}

// Getenv reads r.Env and records name.
func (r *Recorder) Getenv(name string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.names == nil {
		r.names = map[string]bool{}
	}
	r.names[name] = true
	return r.Env[name]
}

// Names returns the names asked for so far, sorted.
func (r *Recorder) Names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Sorted(maps.Keys(r.names))
}

// errStub ends every request the stub transport sees.
var errStub = errors.New("envcfgtest: request captured")

// stub records the first request and fails every request.
type stub struct {
	mu    sync.Mutex
	first string
}

func (s *stub) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.first == "" {
		s.first = dump(req)
	}
	if req.Body != nil {
		_ = req.Body.Close()
	}
	return nil, errStub
}

// dump writes a request as text: method and URL, the headers sorted by
// name, and the body.
func dump(req *http.Request) string {
	var b strings.Builder
	b.WriteString(req.Method + " " + req.URL.String() + "\n")
	for _, k := range slices.Sorted(maps.Keys(req.Header)) {
		b.WriteString(k + ": " + strings.Join(req.Header[k], ", ") + "\n")
	}
	if req.Body != nil {
		body, _ := io.ReadAll(req.Body)
		b.WriteString("\n" + string(body))
	}
	return b.String()
}

// Clock is the fixed time FirstRequest's clients sign with.
var Clock = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

// FirstRequest builds a KeyManager with build, given options that capture
// its requests (one attempt, a fixed clock, a transport that sends
// nothing), lists its keys and returns the first request it tried to send,
// as text. build's error is returned as is.
func FirstRequest(build func(opts ...cloudkeys.Option) (cloudkeys.KeyManager, error)) (string, error) {
	s := &stub{}
	km, err := build(
		cloudkeys.WithHTTPClient(&http.Client{Transport: s}),
		cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 1}),
		cloudkeys.WithClock(func() time.Time { return Clock }),
	)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, err := range km.ListKeys(ctx, cloudkeys.ListKeysOptions{}) {
		if err != nil {
			break
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.first, nil
}

// Subsets calls f with every subset of vals (2^len(vals) maps), the empty
// one first.
func Subsets(vals map[string]string, f func(env map[string]string)) {
	names := slices.Sorted(maps.Keys(vals))
	for mask := 0; mask < 1<<len(names); mask++ {
		env := map[string]string{}
		for i, n := range names {
			if mask&(1<<i) != 0 {
				env[n] = vals[n]
			}
		}
		f(env)
	}
}

// Builder builds a KeyManager with the given options (a NewFromEnv call, or
// a reference implementation of it).
type Builder = func(opts ...cloudkeys.Option) (cloudkeys.KeyManager, error)

// Diff compares got with want: "" when both fail with an
// *cloudkeys.InvalidInputError naming the same field (any field when
// sameField is false) or both send the same first request; otherwise a
// description of the difference. An error of got that contains one of
// secrets is a difference too.
func Diff(got, want Builder, sameField bool, secrets ...string) string {
	g, gerr := FirstRequest(got)
	w, werr := FirstRequest(want)
	if gerr != nil {
		for _, s := range secrets {
			if s != "" && strings.Contains(gerr.Error(), s) {
				return "error contains a secret: " + gerr.Error()
			}
		}
	}
	switch {
	case werr != nil && gerr == nil:
		return "want error " + werr.Error() + ", got none"
	case werr == nil && gerr != nil:
		return "want no error, got " + gerr.Error()
	case werr != nil:
		var gi, wi *cloudkeys.InvalidInputError
		if !errors.As(gerr, &gi) || !errors.As(werr, &wi) {
			return "want two *cloudkeys.InvalidInputError, got " + gerr.Error() + " and " + werr.Error()
		}
		if sameField && gi.Field != wi.Field {
			return "want an error about " + wi.Field + " (" + werr.Error() + "), got " + gerr.Error()
		}
		return ""
	case g == "":
		return "no request captured"
	case g != w:
		return "want request\n" + w + "\ngot\n" + g
	}
	return ""
}
