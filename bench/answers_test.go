package bench

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var updateAnswers = flag.Bool("update-answers", false, "rewrite bench/testdata/answers from the fakes")

// recordedAnswer names a file of bench/testdata/answers: the first answer
// the client-only recording of vendor holds for a request whose key starts
// with prefix.
type recordedAnswer struct{ file, vendor, prefix string }

// recordedAnswers are the vendors' hot answers as their fakes send them
// (the seeds and fixtures of the vendors' one-pass readers' tests and
// fuzzers, and of the decoder comparison).
var recordedAnswers = []recordedAnswer{
	{"cloudstack-getuser.json", "cloudstack", "GET /client/api?command=getUser&"},
	{"cloudstack-listusers.json", "cloudstack", "GET /client/api?command=listUsers&"},
	{"zstack-get.json", "zstack", "GET /zstack/v1/accesskeys/"},
	{"zstack-list.json", "zstack", "GET /zstack/v1/accesskeys?"},
	{"e24-account.json", "e24", "GET /v2/account"},
	{"huaweibcs-list.json", "huaweibcs", "GET /v1/"},
	{"onezone-ids.json", "onezone", "GET /api/v3/onezone/user/tokens/named"},
	{"onezone-token.json", "onezone", "GET /api/v3/onezone/tokens/named/"},
}

// TestRecordedAnswers: every file of bench/testdata/answers has the shape
// (the member names at every depth, the kinds of values) of the answer its
// fake sends today, so the readers' tests run on what the fakes really
// send. go test ./bench -run TestRecordedAnswers -update-answers rewrites
// them.
func TestRecordedAnswers(t *testing.T) {
	tapes := map[string]*cannedTarget{}
	for _, ra := range recordedAnswers {
		t.Run(ra.file, func(t *testing.T) {
			ct := tapes[ra.vendor]
			if ct == nil {
				ct = newCanned(t, ra.vendor)
				tapes[ra.vendor] = ct
			}
			var body []byte
			for _, k := range ct.tape.Keys() {
				if strings.HasPrefix(k, ra.prefix) {
					body = ct.tape.Answers(k)[0].Body
					break
				}
			}
			require.NotNil(t, body, "no recorded request starts with %q", ra.prefix)
			path := filepath.Join("testdata", "answers", ra.file)
			if *updateAnswers {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, body, 0o644))
				return
			}
			old, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./bench -run TestRecordedAnswers -update-answers")
			require.Equal(t, shapeOf(t, body), shapeOf(t, old), "%s has another shape than the fake's answer today; rerun with -update-answers", path)
		})
	}
}

// shapeOf is a JSON text with every string, number and bool replaced by
// its kind, and arrays cut to their first element.
func shapeOf(t *testing.T, b []byte) any {
	var v any
	require.NoError(t, json.Unmarshal(b, &v))
	var shape func(any) any
	shape = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			m := make(map[string]any, len(x))
			for k, e := range x {
				m[k] = shape(e)
			}
			return m
		case []any:
			if len(x) == 0 {
				return []any{}
			}
			return []any{shape(x[0])}
		case nil:
			return nil
		default:
			return reflect.TypeOf(x).String()
		}
	}
	return shape(v)
}
