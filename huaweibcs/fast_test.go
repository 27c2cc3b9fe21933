package huaweibcs

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func recordedList(tb testing.TB) []byte {
	b, err := os.ReadFile("../bench/testdata/answers/huaweibcs-list.json")
	require.NoError(tb, err)
	return b
}

// FuzzReadCredentialKeys holds readKeysPage (huaweiwire.ReadCredentialKeys
// and settle) to the reference, the way a list answer was read before it
// (kept here): json.Unmarshal into a CredentialsPage, then settle. Whatever
// readKeysPage reads, the reference reads without error, with the same
// count and, for each credential, the same id, description, times as sent
// and times parsed.
func FuzzReadCredentialKeys(f *testing.F) {
	var short struct {
		Credentials []json.RawMessage `json:"credentials"`
		Count       int               `json:"count"`
	}
	require.NoError(f, json.Unmarshal(recordedList(f), &short))
	short.Credentials = short.Credentials[:3]
	seed, err := json.Marshal(short)
	require.NoError(f, err)
	f.Add(seed)
	for _, s := range []string{
		`{"credentials":[{"id":"a","description":"d","create_time":"2023-06-06T20:47:02.15507+08:00","update_time":"","eps_info":{"x":[1]},"node_ids":["n",null],"control_type":"allow","allowlists":[{"allowlist_type":"ip","allowlist_info":"1.2.3.4"},null]}],"count":1}`,
		`{"credentials":null,"count":null}`, `{"credentials":[],"count":0}`, `{"count":-1}`, `{"credentials":[null]}`,
		`{"credentials":[{"ID":"a"}]}`, `{"credentials":[{"id":"a","id":"b"}]}`, `{"Credentials":[]}`,
		`{"credentials":[{"node_ids":[1]}]}`, `{"credentials":[{"allowlists":[{"Allowlist_Type":"x"}]}]}`,
		`{"credentials":[{"create_time":"2023-06-06T20:47:02Z","update_time":"2023-06-06 20:47:02"}]}`,
		`{"credentials":[{"control_type":5}]}`, `{"count":1.5}`, `{"count":"1"}`, `[]`, `{} x`,
	} {
		f.Add([]byte(s))
	}
	c := &Client{projectID: "p"}
	f.Fuzz(func(t *testing.T, body []byte) {
		var got CredentialsPage
		if !c.readKeysPage(body, &got) {
			return
		}
		var want CredentialsPage
		if err := json.Unmarshal(body, &want); err != nil {
			t.Fatalf("read what the reference refuses (%v): %q", err, body)
		}
		if err := want.settle(); err != nil {
			t.Fatalf("read what settle refuses (%v): %q", err, body)
		}
		if got.Count != want.Count || got.Credentials != nil || len(got.keys) != len(want.Credentials) {
			t.Fatalf("read %d keys of %d, the reference %d credentials of %d: %q", len(got.keys), got.Count, len(want.Credentials), want.Count, body)
		}
		for i := range got.keys {
			if w := c.key(&want.Credentials[i]); !reflect.DeepEqual(got.keys[i], w) {
				t.Fatalf("credential %d: read %+v, the reference %+v: %q", i, got.keys[i], w, body)
			}
		}
	})
}

// TestReadKeysPageReadsTheRecordedAnswer: the answer the benchmarks record
// goes the one-pass way.
func TestReadKeysPageReadsTheRecordedAnswer(t *testing.T) {
	var res CredentialsPage
	require.True(t, (&Client{}).readKeysPage(recordedList(t), &res))
	assert.Len(t, res.keys, 100)
	assert.Equal(t, 100, res.Count)
	assert.False(t, res.keys[0].CreatedAt.IsZero())
}

// TestReadKeysPageAllocations: a page of 100 credentials read for keys
// costs one copy of the answer's text (its strings share it), one slice of
// Keys, and nothing per credential (the scratch slice comes from a pool;
// the race detector's pool drops some, hence the slack there).
func TestReadKeysPageAllocations(t *testing.T) {
	body := recordedList(t)
	c := &Client{projectID: "p"}
	allocs := testing.AllocsPerRun(100, func() {
		var res CredentialsPage
		require.True(t, c.readKeysPage(body, &res))
	})
	t.Logf("allocs per page: %.0f", allocs)
	assert.LessOrEqual(t, allocs, maxReadKeysPageAllocs)
}

// TestGetKeyKeepsNoPage: the key GetKey returns has strings of its own, not
// pieces of the page's shared answer text.
func TestGetKeyKeepsNoPage(t *testing.T) {
	var res CredentialsPage
	require.True(t, (&Client{}).readKeysPage(recordedList(t), &res))
	in := res.keys[3]
	out := ownKey(in)
	assert.Equal(t, in, *out)
	assert.NotSame(t, unsafe.StringData(in.ID), unsafe.StringData(out.ID))
	assert.NotSame(t, unsafe.StringData(in.Description), unsafe.StringData(out.Description))
}
