package zstack

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
)

// The answers the client-only benchmarks record (bench/testdata/answers):
// a GetKey answer and a 100-key ListKeys page.
func recordedAnswers(tb testing.TB) (get, list []byte) {
	var out [2][]byte
	for i, name := range []string{"zstack-get.json", "zstack-list.json"} {
		b, err := os.ReadFile("../bench/testdata/answers/" + name)
		require.NoError(tb, err)
		out[i] = b
	}
	return out[0], out[1]
}

// shortPage cuts a recorded page to its first n inventories, keeping the
// recorded text of each (a 100-key seed slows the fuzzer down).
func shortPage(tb testing.TB, body []byte, n int) []byte {
	var page struct {
		Inventories []json.RawMessage `json:"inventories"`
		Total       int               `json:"total"`
	}
	require.NoError(tb, json.Unmarshal(body, &page))
	page.Inventories = page.Inventories[:n]
	out, err := json.Marshal(page)
	require.NoError(tb, err)
	return out
}

// referenceKeyPage is the way GetKey and ListKeys read a QueryAccessKey
// answer before readKeyPage, kept as the reference: the transport's decode
// (an answer of nothing but white space cannot be read; json.Unmarshal into
// a queryReply), queryPage's page (null inventories left out, Total when
// present) and toKey(inventory(w)) of each. ok is false where the decode
// refused the answer.
func (c *Client) referenceKeyPage(body []byte) (keyPage, bool) {
	if len(bytes.TrimSpace(body)) == 0 {
		return keyPage{}, false
	}
	var r queryReply
	if json.Unmarshal(body, &r) != nil {
		return keyPage{}, false
	}
	var page keyPage
	for _, w := range r.Inventories {
		if w != nil {
			page.keys = append(page.keys, *c.toKey(c.inventory(w)))
		}
	}
	if r.Total != nil {
		page.total, page.hasTotal = *r.Total, true
	}
	return page, true
}

// sameKey reports whether two Keys are equal, secrets compared by value.
func sameKey(a, b *cloudkeys.Key) bool {
	return a.Vendor == b.Vendor && a.ID == b.ID && a.AccessKey == b.AccessKey && a.Secret.Reveal() == b.Secret.Reveal() &&
		a.Owner == b.Owner && a.Name == b.Name && a.Description == b.Description && a.Enabled == b.Enabled &&
		a.CreatedAt == b.CreatedAt && a.LastUsedAt == b.LastUsedAt && a.ExpiresAt == b.ExpiresAt
}

func fuzzClient(tb testing.TB) *Client {
	c, err := New("http://127.0.0.1:1", SessionID("0123456789abcdef0123456789abcdef"), WithServerLocation(time.FixedZone("", 8*3600)))
	require.NoError(tb, err)
	return c
}

// keyPageSeeds are answers every rule of readKeyPage meets: the shape the
// server sends, nulls, names encoding/json matches only case-insensitively
// (ASCII and Unicode folding), members twice, values of other kinds,
// escapes and invalid UTF-8, numbers a total cannot take, other texts.
var keyPageSeeds = []string{
	`{"inventories":[{"uuid":"u","description":"d","accountUuid":"a","userUuid":"a","AccessKeyID":"K","AccessKeySecret":"S","state":"Enabled","createDate":"Sep 6, 2018 1:50:06 PM","lastOpDate":"x"}],"total":1,"schema":{"x":[1,true,null]}}`,
	`{"inventories":null,"total":null}`, `{"inventories":[],"total":0}`, `{"inventories":[null,{"uuid":"u"},null]}`,
	`{"inventories":[{"UUID":"u"}]}`, `{"Inventories":[{"uuid":"u"}]}`, `{"TOTAL":1}`, `{"inventories":[{"accessKeyId":"k"}]}`,
	"{\"inventories\":[{\"AccessKeyI\u0064\":\"k\",\"AccessKeyſecret\":\"s\"}]}", "{\"inventories\":[{\"AccessKeyID\":\"k\",\"AccessKeyId\":\"k2\"}]}",
	`{"inventories":[{"uuid":"a","uuid":"b"}]}`, `{"total":1,"total":2}`, `{"total":1,"total":null}`, `{"total":null,"total":-1}`,
	`{"inventories":[],"inventories":[{"uuid":"x"}]}`, `{"inventories":[{"uuid":"a","state":"Enabled"}],"inventories":[{"uuid":"b"}]}`,
	`{"inventories":[{"state":"Disabled"},{"state":"enabled"},{"state":"Enabled"},{"state":""},{"state":"Enabled "}]}`,
	`{"inventories":[{"state":"Disabled","state":"Enabled"}]}`, `{"inventories":[{"AccessKeySecret":"s","AccessKeySecret":null}]}`,
	`{"inventories":[{"uuid":1}]}`, `{"inventories":[{"AccessKeySecret":5}]}`, `{"inventories":[{"state":true}]}`,
	`{"inventories":[{"userUuid":7}]}`, `{"inventories":[{"lastOpDate":{}}]}`, `{"inventories":[{"createDate":[]}]}`,
	`{"inventories":{}}`, `{"inventories":[1]}`, `{"inventories":["x"]}`, `{"inventories":true}`,
	`{"inventories":[{"\u0075uid":"u","state":"\u0045nabled","accountUuid":"\u0061","AccessKeySecret":"\u0053"}]}`,
	"{\"inventories\":[{\"uuid\":\"\xff\",\"state\":\"Enabled\xff\",\"accountUuid\":\"a\xffb\",\"description\":\"\xe2\x82\"}]}",
	`{"inventories":[{"AccessKeySecret":null,"state":null,"createDate":null,"uuid":null,"accountUuid":null}]}`,
	`{"inventories":[{"accountUuid":"a"},{"accountUuid":"a"},{"accountUuid":"b"},{"accountUuid":"\u0062"},{}]}`,
	`{"inventories":[{"createDate":"Sep 6, 2018 13:50:06"},{"createDate":" Sep 6 2018 1:50:06 PM "},{"createDate":"2018-09-06 13:50:06"},{"createDate":"never"}]}`,
	`{"total":1.5}`, `{"total":"1"}`, `{"total":-3}`, `{"total":-0}`, `{"total":1e2}`, `{"total":99999999999999999999}`, `{"total":true}`,
	`{"error":{"code":"SYS.1007"},"inventories":[]}`, `{"inventories":[{"x":{"uuid":1}}]}`,
	`[]`, `null`, `{} x`, `{`, ``, `  `, `{"inventories":[{"uuid":"u"}]} `, ` {"total":3}`, `"x"`,
}

// FuzzReadKeyPage holds readKeyPage, the one-pass reader of GetKey's and
// ListKeys' answers, to the reference (referenceKeyPage): whatever it
// reads, the reference reads without error, with the same keys (every
// field, secrets and dates included) and the same total.
func FuzzReadKeyPage(f *testing.F) {
	get, list := recordedAnswers(f)
	f.Add(get)
	f.Add(shortPage(f, list, 3))
	for _, s := range keyPageSeeds {
		f.Add([]byte(s))
	}
	c := fuzzClient(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		var got keyPage
		if !c.readKeyPage(body, 1, &got) {
			return
		}
		want, ok := c.referenceKeyPage(body)
		if !ok {
			t.Fatalf("read what the reference refuses: %q", body)
		}
		if got.total != want.total || got.hasTotal != want.hasTotal || len(got.keys) != len(want.keys) {
			t.Fatalf("read %d keys of %d (%v), the reference %d of %d (%v): %q",
				len(got.keys), got.total, got.hasTotal, len(want.keys), want.total, want.hasTotal, body)
		}
		for i := range got.keys {
			if !sameKey(&got.keys[i], &want.keys[i]) {
				t.Fatalf("key %d: read %+v, the reference %+v: %q", i, got.keys[i], want.keys[i], body)
			}
		}
	})
}

// TestReadKeyPageReadsTheRecordedAnswers: the answers the benchmarks
// record go the one-pass way (else the fast path would be dead code).
func TestReadKeyPageReadsTheRecordedAnswers(t *testing.T) {
	t.Parallel()
	c := fuzzClient(t)
	get, list := recordedAnswers(t)
	var page keyPage
	require.True(t, c.readKeyPage(get, 1, &page))
	require.Len(t, page.keys, 1)
	assert.NotEmpty(t, page.keys[0].ID)
	assert.False(t, page.keys[0].CreatedAt.IsZero())
	require.True(t, c.readKeyPage(list, 100, &page))
	assert.Len(t, page.keys, 100)
	assert.True(t, page.hasTotal)
	assert.Equal(t, 100, page.total)
}

// TestReadKeyPageAllocations pins what reading a recorded 100-key page
// costs: the keys in one allocation, and per key its uuid, AccessKeyID and
// createDate (the page's one owner is one string). The decode it replaced
// took about 10 per key.
func TestReadKeyPageAllocations(t *testing.T) {
	c := fuzzClient(t)
	_, list := recordedAnswers(t)
	var page keyPage
	allocs := testing.AllocsPerRun(20, func() {
		if !c.readKeyPage(list, 100, &page) || len(page.keys) != 100 {
			t.Fatal("the recorded page goes the one-pass way")
		}
	})
	assert.LessOrEqual(t, allocs, 1+3*100+1.0)
}

// TestRoomForAShortPage: the room made for a page follows the answer's
// length, never more than the limit asked.
func TestRoomForAShortPage(t *testing.T) {
	_, list := recordedAnswers(t)
	assert.Equal(t, 100, roomFor(100, len(list)), "the recorded 100-key page")
	assert.Equal(t, 1, roomFor(1, len(list)))
	assert.Less(t, roomFor(100, len(shortPage(t, list, 3))), 10, "three keys asked 100 at a time")
	assert.Equal(t, 1, roomFor(100, len(`{"inventories":[]}`)))
	assert.Equal(t, 0, roomFor(0, 1000))
}
