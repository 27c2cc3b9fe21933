package reliability

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
)

// lockedBuffer is a bytes.Buffer safe for concurrent writers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// recorder gathers everything the SDK printed during a run — every Debug
// log line, every error string and the %+v of every result — and every
// secret the run used, for the leak scan.
type recorder struct {
	logs lockedBuffer

	mu      sync.Mutex
	notes   []string
	secrets map[string]string // secret -> where it came from
}

func newRecorder() *recorder { return &recorder{secrets: map[string]string{}} }

// logger returns a Debug-level JSON logger writing into the recorder and
// into cell (the log of one cell, for its figures).
func (rc *recorder) logger(cell io.Writer) *slog.Logger {
	w := io.Writer(&rc.logs)
	if cell != nil {
		w = io.MultiWriter(&rc.logs, cell)
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// note records the printed forms of results and errors, and harvests the
// secrets of any keys among them.
func (rc *recorder) note(vals ...any) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, v := range vals {
		switch x := v.(type) {
		case nil:
			continue
		case error:
			rc.notes = append(rc.notes, x.Error(), fmt.Sprintf("%+v", x), fmt.Sprintf("%#v", x))
			continue
		case *cloudkeys.Key:
			rc.keySecretLocked(x)
		case []*cloudkeys.Key:
			for _, k := range x {
				rc.keySecretLocked(k)
			}
		}
		rc.notes = append(rc.notes, fmt.Sprintf("%+v", v), fmt.Sprintf("%v", v), fmt.Sprintf("%#v", v))
		if b, err := json.Marshal(v); err == nil {
			rc.notes = append(rc.notes, string(b))
		}
	}
}

func (rc *recorder) keySecretLocked(k *cloudkeys.Key) {
	if k != nil && !k.Secret.IsZero() {
		rc.secrets[k.Secret.Reveal()] = k.Vendor + " key secret"
	}
}

// addSecret registers a secret the output must never contain.
func (rc *recorder) addSecret(s, where string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(s) >= 8 {
		rc.secrets[s] = where
	}
}

// harvest registers the rig's fixed secrets and every credential the fake
// saw on the wire.
func (rc *recorder) harvest(r *rig) {
	for _, s := range r.secrets {
		rc.addSecret(s, r.vendor+" fixed secret")
	}
	for _, s := range wireSecrets(r.srv.Requests()) {
		rc.addSecret(s.value, r.vendor+" "+s.where)
	}
}

type found struct{ value, where string }

// wireSecrets extracts every credential from requests as a server saw them:
// Authorization values (Basic blobs, bearer tokens, session ids,
// signatures — not the public access-key ids), token and cookie headers,
// signature/session/password parameters, whole signed query strings, and
// password, secret and token fields of JSON bodies.
func wireSecrets(reqs []cloudkeystest.Request) []found {
	var out []found
	add := func(v, where string) {
		if len(v) >= 8 {
			out = append(out, found{v, where})
		}
	}
	for _, r := range reqs {
		for _, v := range r.Header.Values("Authorization") {
			scheme, rest, _ := strings.Cut(v, " ")
			if rest == "" {
				rest = scheme
			}
			for _, piece := range strings.Split(rest, ",") {
				piece = strings.TrimSpace(piece)
				switch {
				case strings.HasPrefix(piece, "Signature="):
					add(strings.TrimPrefix(piece, "Signature="), "Authorization signature")
				case strings.HasPrefix(piece, "Access="), strings.HasPrefix(piece, "SignedHeaders="):
				case strings.Contains(piece, ":"):
					_, sig, _ := strings.Cut(piece, ":") // "<public id>:<signature>"
					add(sig, "Authorization signature")
				default:
					add(piece, "Authorization credential")
				}
			}
		}
		for _, h := range []string{"X-Auth-Token", "X-Subject-Token", "X-Session-Id", "Sessionkey"} {
			for _, v := range r.Header.Values(h) {
				add(v, h+" header")
			}
		}
		for _, c := range (&httpCookieReader{r.Header}).values() {
			add(c, "cookie")
		}
		for _, q := range []string{r.RawQuery, formBody(r)} {
			vals, err := url.ParseQuery(q)
			if err != nil {
				continue
			}
			if vals.Get("signature") != "" {
				add(q, "signed query string")
			}
			for k, vs := range vals {
				lk := strings.ToLower(k)
				if lk == "signature" || lk == "sessionkey" || strings.Contains(lk, "password") || strings.Contains(lk, "secret") || strings.Contains(lk, "token") {
					for _, v := range vs {
						add(v, "parameter "+k)
					}
				}
			}
		}
		var body any
		if json.Unmarshal(r.Body, &body) == nil {
			walkJSON(body, "", func(key, v string) {
				lk := strings.ToLower(key)
				if strings.Contains(lk, "password") || strings.Contains(lk, "secret") || strings.Contains(lk, "token") && !strings.Contains(lk, "tokenid") {
					add(v, "body field "+key)
				}
			})
		}
	}
	return out
}

func formBody(r cloudkeystest.Request) string {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return string(r.Body)
	}
	return ""
}

type httpCookieReader struct{ h map[string][]string }

func (c *httpCookieReader) values() []string {
	var out []string
	for _, line := range c.h["Cookie"] {
		for _, kv := range strings.Split(line, ";") {
			if _, v, ok := strings.Cut(strings.TrimSpace(kv), "="); ok {
				out = append(out, v)
			}
		}
	}
	return out
}

func walkJSON(v any, key string, f func(key, v string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			walkJSON(e, k, f)
		}
	case []any:
		for _, e := range x {
			walkJSON(e, key, f)
		}
	case string:
		f(key, x)
	}
}

// leaks returns a description of every secret (raw, URL-escaped or
// JSON-escaped) found in the recorded output.
func (rc *recorder) leaks() (leaked []string, scanned int, nSecrets int) {
	hay := rc.haystack()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for s, where := range rc.secrets {
		q, _ := json.Marshal(s)
		for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s), strings.Trim(string(q), `"`)} {
			if strings.Contains(hay, form) {
				leaked = append(leaked, fmt.Sprintf("%s (%d chars) from %s", redactHint(s), len(s), where))
				break
			}
		}
	}
	sort.Strings(leaked)
	return leaked, len(hay), len(rc.secrets)
}

// kinds counts the collected secrets by where they came from, for the
// printed summary.
func (rc *recorder) kinds() string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	n := map[string]int{}
	for _, where := range rc.secrets {
		n[where]++
	}
	keys := make([]string, 0, len(n))
	for k := range n {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "  %3d  %s\n", n[k], k)
	}
	return b.String()
}

func (rc *recorder) haystack() string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.logs.String() + "\n" + strings.Join(rc.notes, "\n")
}

// redactHint shows only the first two characters of a leaked secret.
func redactHint(s string) string { return s[:2] + "…" }

// cellLog is the log of one matrix cell; waits reads the "retrying" lines.
type cellLog struct{ lockedBuffer }

// waits returns the waits between attempts the transport logged.
func (l *cellLog) waits() []time.Duration {
	var out []time.Duration
	for _, line := range strings.Split(l.String(), "\n") {
		var rec struct {
			Msg    string `json:"msg"`
			Waited int64  `json:"waited"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "cloudkeys: retrying" {
			out = append(out, time.Duration(rec.Waited))
		}
	}
	return out
}
