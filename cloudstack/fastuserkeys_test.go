package cloudstack_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

// answerRecorder keeps the bodies of the getUserKeys answers that pass
// through it.
type answerRecorder struct {
	next   http.RoundTripper
	mu     sync.Mutex
	bodies [][]byte
}

func (r *answerRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil || req.URL.Query().Get("command") != "getUserKeys" {
		return resp, err
	}
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	r.mu.Lock()
	r.bodies = append(r.bodies, b)
	r.mu.Unlock()
	return resp, nil
}

// recordedUserKeys is a getUserKeys answer of the fake and the keys the
// fake holds for that user.
type recordedUserKeys struct {
	body []byte
	want cloudstack.UserKeys
}

// recordUserKeysAnswers records the stock fake's getUserKeys answers (as
// its admin client reads them) for the admin, a user with keys, a user
// without keys and a user with keys whose API-key access is disabled.
func recordUserKeysAnswers(tb testing.TB) []recordedUserKeys {
	tb.Helper()
	srv := cloudstacktest.NewServer(cloudstacktest.WithInMemory())
	tb.Cleanup(srv.Close)
	rec := &answerRecorder{next: srv.Transport()}
	c := srv.Client(cloudkeys.WithHTTPClient(&http.Client{Transport: rec}))
	withKeys := srv.AddUser(cloudstacktest.UserSpec{Username: "alice"})
	kp, ok := srv.GenerateKeys(withKeys.ID)
	require.True(tb, ok)
	without := srv.AddUser(cloudstacktest.UserSpec{Username: "bob"})
	disabled := srv.AddUser(cloudstacktest.UserSpec{Username: "carol"})
	kd, ok := srv.GenerateKeys(disabled.ID)
	require.True(tb, ok)
	srv.SetAPIKeyAccess(disabled.ID, "Disabled")
	wants := []cloudstack.UserKeys{
		{APIKey: srv.AdminAPIKey(), SecretKey: srv.AdminSecretKey(), APIKeyAccess: "true"},
		{APIKey: kp.APIKey, SecretKey: kp.SecretKey, APIKeyAccess: "true"},
		{APIKeyAccess: "true"},
		{APIKey: kd.APIKey, SecretKey: kd.SecretKey, APIKeyAccess: "false"},
	}
	for _, id := range []string{srv.AdminID(), withKeys.ID, without.ID, disabled.ID} {
		_, err := c.GetUserKeys(context.Background(), id)
		require.NoError(tb, err)
	}
	require.Len(tb, rec.bodies, len(wants))
	out := make([]recordedUserKeys, len(wants))
	for i := range wants {
		out[i] = recordedUserKeys{body: rec.bodies[i], want: wants[i]}
	}
	return out
}

// assertSameUserKeys compares two UserKeys without printing a secret.
func assertSameUserKeys(t *testing.T, want, got *cloudstack.UserKeys, msg string) {
	t.Helper()
	assert.Equal(t, want.APIKey, got.APIKey, msg)
	assert.Equal(t, want.APIKeyAccess, got.APIKeyAccess, msg)
	assert.True(t, want.SecretKey.IsZero() == got.SecretKey.IsZero() && want.SecretKey.Equal(got.SecretKey), "%s: the secret key differs", msg)
}

// userKeysEdgeCases are getUserKeys answers around what the one-pass
// reader takes, with whether it takes them (the rest go the old way).
var userKeysEdgeCases = []struct {
	body    string
	onePass bool
}{
	{`{"getuserkeysresponse":{"userkeys":{"apikey":"k","secretkey":"s","apikeyaccess":true}}}`, true},
	{` {"getuserkeysresponse" : {"userkeys" : {"apikey" : "k" , "secretkey" : "s"} } } ` + "\n", true},
	{`{"getuserkeysresponse":{"userkeys":{"apikey":"k","secretkey":"s","apikeyaccess":"false"}}}`, true},
	{`{"getuserkeysresponse":{"userkeys":{"apikeyaccess":false}}}`, true},
	{`{"getuserkeysresponse":{"userkeys":null}}`, true},
	{`{"getuserkeysresponse":{}}`, true},
	{`{"getuserkeysresponse":{"userkeys":{}}}`, true},
	{`{"getuserkeysresponse":{"userkeys":{"secretkey":null,"apikey":null,"apikeyaccess":null}}}`, true},
	{`{"getuserkeysresponse":{"userkeys":{"secretkey":""}}}`, true},
	{`{"getuserkeysresponse":{"userkeys":{"apikey":12.5e3,"apikeyaccess":-0}}}`, true},
	{`{"getuserkeysresponse":{"userkeys":{"apikey":"\u0041\n","secretkey":"s\/\"\u00e9","apikeyaccess":"\ud800"}}}`, true},
	{"{\"getuserkeysresponse\":{\"userkeys\":{\"apikey\":\"\xff\",\"secretkey\":\"\xc3\xa9\"}}}", true},
	{`{"getuserkeysresponse":{"userkeys":{"\u0061pikey":"k","secret\u006bey":"s"}}}`, true},
	{`{"getuserkeysresponse":{"userkeys":{"uuid":"p","id":1,"name":{"x":[1]},"startdate":true,"created":null,"state":[],"Name":"n","UUID":2,"x":{}}}}`, true},
	{`{"getuserkeysresponse":{"userkeys":{"permissions":[{"rule":"list*","permission":"allow","description":null},null,{"Rule":"x","other":1}]}}}`, true},
	{`{"getuserkeysresponse":{"userkeys":{"permissions":null}}}`, true},
	{`{"getuserkeysresponse":{"count":1,"userkeys":{"apikey":"k"},"other":[{"a":null}]}}`, true},
	{`{"getuserkeysresponse":{"userkeys":{"apikey":"k","errorcode":1}}}`, true},
	// Other kinds than the fields take: the decode fails.
	{`{"getuserkeysresponse":{"userkeys":[]}}`, false},
	{`{"getuserkeysresponse":{"userkeys":"x"}}`, false},
	{`{"getuserkeysresponse":{"userkeys":{"secretkey":1}}}`, false},
	{`{"getuserkeysresponse":{"userkeys":{"secretkey":true}}}`, false},
	{`{"getuserkeysresponse":{"userkeys":{"secretkey":{"v":"TOPSECRET"}}}}`, false},
	{`{"getuserkeysresponse":{"userkeys":{"permissions":{}}}}`, false},
	{`{"getuserkeysresponse":{"userkeys":{"permissions":[{"rule":1}]}}}`, false},
	{`{"getuserkeysresponse":{"userkeys":{"permissions":[{"RULE":true}]}}}`, false},
	{`{"getuserkeysresponse":{"userkeys":{"permissions":[{"Description":false}]}}}`, false},
	{`{"getuserkeysresponse":{"userkeys":{"permissions":[{"permission":{}}]}}}`, false},
	{`{"getuserkeysresponse":{"userkeys":{"permissions":["x"]}}}`, false},
	{`{"getuserkeysresponse":{"userkeys":{"permissions":[[]]}}}`, false},
	// What the reader would have to guess: a flexString's object or
	// array, names matched case-insensitively, members twice.
	{`{"getuserkeysresponse":{"userkeys":{"apikey":{"a":1}}}}`, false},
	{`{"getuserkeysresponse":{"userkeys":{"apikeyaccess":[1]}}}`, false},
	{`{"getuserkeysresponse":{"UserKeys":{"apikey":"k"}}}`, false},
	{`{"getuserkeysresponse":{"userkeys":{"APIKey":"k"}}}`, false},
	{`{"getuserkeysresponse":{"userkeys":{"SecretKey":"s"}}}`, false},
	{"{\"getuserkeysresponse\":{\"userkeys\":{\"api\u212aey\":\"k\"}}}", false}, // KELVIN SIGN folds to k
	{`{"getuserkeysresponse":{"userkeys":{"Permissions":[]}}}`, false},
	{`{"getuserkeysresponse":{"userkeys":{"apikey":"a","apikey":"b"}}}`, false},
	{`{"getuserkeysresponse":{"userkeys":{"secretkey":"a","secretkey":null}}}`, false},
	{`{"getuserkeysresponse":{"userkeys":{"permissions":[],"permissions":[]}}}`, false},
	{`{"getuserkeysresponse":{"userkeys":{"apikey":"a"},"userkeys":{"secretkey":"b"}}}`, false},
	// Error envelopes (check's), and what unwrap refuses.
	{`{"getuserkeysresponse":{"cserrorcode":9999,"errorcode":530,"errortext":"boom","uuidList":[]}}`, false},
	{`{"getuserkeysresponse":{"ErrorCode":431,"userkeys":{"apikey":"k"}}}`, false},
	{`{"getuserkeysresponse":{"userkeys":{"apikey":"k"}},"x":1}`, false},
	{`{"getuserkeysresponse":{"userkeys":{"apikey":"k"}}} x`, false},
	{`{"getuserkeysresponse":{"userkeys":{"apikey":"k"}}`, false},
}

// FuzzFastUserKeys holds the one-pass reader of getUserKeys answers
// (readAnswer with readGetUserKeys) to the reference way (check, unwrap,
// json.Unmarshal into the keyPairWire GetUserKeys decoded): whatever the
// reader takes, the reference takes, with the same APIKey, SecretKey and
// APIKeyAccess. Seeded with the fake's answers and userKeysEdgeCases.
func FuzzFastUserKeys(f *testing.F) {
	for _, r := range recordUserKeysAnswers(f) {
		f.Add(r.body)
	}
	for _, e := range userKeysEdgeCases {
		f.Add([]byte(e.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, ok := cloudstack.ReadUserKeysOnePass(body)
		if !ok {
			return
		}
		want, ok := cloudstack.ReadUserKeysReference(body)
		if !ok {
			t.Fatalf("read an answer (%d bytes) the reference refuses", len(body))
		}
		if got.APIKey != want.APIKey || got.APIKeyAccess != want.APIKeyAccess {
			t.Fatalf("read apikey %q, apikeyaccess %q; the reference %q, %q", got.APIKey, got.APIKeyAccess, want.APIKey, want.APIKeyAccess)
		}
		if got.SecretKey.IsZero() != want.SecretKey.IsZero() || !got.SecretKey.Equal(want.SecretKey) {
			t.Fatal("read another secret key than the reference") // which, is not printed
		}
	})
}

// TestFastUserKeysReadTheFakesAnswers: the fake's getUserKeys answers go
// the one-pass way (else the reader would be dead code) and read what the
// fake holds.
func TestFastUserKeysReadTheFakesAnswers(t *testing.T) {
	t.Parallel()
	for i, r := range recordUserKeysAnswers(t) {
		got, ok := cloudstack.ReadUserKeysOnePass(r.body)
		require.True(t, ok, "answer %d", i)
		assertSameUserKeys(t, &r.want, got, "answer "+fmtInt(i))
		ref, ok := cloudstack.ReadUserKeysReference(r.body)
		require.True(t, ok, "answer %d", i)
		assertSameUserKeys(t, ref, got, "answer "+fmtInt(i))
	}
}

// TestGetUserKeysEdgeCases: the reader takes what it should and gives up
// on the rest; either way GetUserKeys returns what the reference reads, and
// where the reference refuses the answer, the error it always gave — an
// APIError for an error envelope, else an UndecodableAnswerError — which
// never shows the secret.
func TestGetUserKeysEdgeCases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, e := range userKeysEdgeCases {
		_, ok := cloudstack.ReadUserKeysOnePass([]byte(e.body))
		assert.Equal(t, e.onePass, ok, "one pass: %s", e.body)

		c, _ := newWire(t, cloudstack.APIKey(mockAK, mockSK), e.body)
		got, err := c.GetUserKeys(ctx, "u-1")
		want, ok := cloudstack.ReadUserKeysReference([]byte(e.body))
		if ok {
			require.NoError(t, err, e.body)
			assertSameUserKeys(t, want, got, e.body)
			continue
		}
		require.Error(t, err, e.body)
		assert.NotContains(t, err.Error(), "TOPSECRET", e.body)
		if strings.Contains(strings.ToLower(e.body), `"errorcode"`) {
			var ae *cloudkeys.APIError
			assert.ErrorAs(t, err, &ae, e.body)
		} else {
			var ue *cloudkeys.UndecodableAnswerError
			assert.ErrorAs(t, err, &ue, e.body)
		}
	}
}

// TestGetUserKeysAllocations pins what reading a getUserKeys answer
// costs: GetUserKeys reads it in the pass that looks for an error
// envelope, and allocates clearly less than the way it read it before
// (unwrap, then encoding/json into keyPairWire) over the same recorded
// answer (measured over httpmock: 106 against 117).
func TestGetUserKeysAllocations(t *testing.T) {
	r := recordUserKeysAnswers(t)[0]
	c, _ := newWire(t, cloudstack.APIKey(mockAK, mockSK), string(r.body))
	ctx := context.Background()
	onePass := testing.AllocsPerRun(50, func() {
		uk, err := c.GetUserKeys(ctx, "u-1")
		require.NoError(t, err)
		require.NotEmpty(t, uk.APIKey)
	})
	oldWay := testing.AllocsPerRun(50, func() {
		uk, err := c.GetUserKeysOldWay(ctx, "u-1")
		require.NoError(t, err)
		require.NotEmpty(t, uk.APIKey)
	})
	read := testing.AllocsPerRun(50, func() {
		if _, ok := cloudstack.ReadUserKeysOnePass(r.body); !ok {
			t.Fatal("the recorded answer goes the one-pass way")
		}
	})
	t.Logf("allocs: GetUserKeys %.0f, the old way %.0f; the reader alone %.0f", onePass, oldWay, read)
	// The reader: the UserKeys, its closure, the API key, the secret and
	// its Secret ("true" is a constant). encoding/json took 11 more.
	assert.LessOrEqual(t, read, 5.0)
	assert.LessOrEqual(t, onePass, oldWay-8, "GetUserKeys reads its answer the one-pass way")
}
