package cloudstack_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

const caps423 = `{"listcapabilitiesresponse":{"capability":{"cloudstackversion":"4.23.0.0"}}}`

func jobDone(result string) string {
	return `{"queryasyncjobresultresponse":{"jobid":"j1","jobstatus":1,"jobresulttype":"object","jobresult":` + result + `}}`
}

// TestKeyPairIDOn423 pins where a 4.23 Key's ID comes from: the uuid of
// ApiKeyPairResponse (facts §1.4), else an "id", else the "id" of the
// immediate asynchronous answer, else listUserKeys of the owner matched by
// API key. A Key never has an empty ID: when nothing names the new pair,
// CreateKey fails with an error matching cloudkeys.ErrOutcomeUnknown.
func TestKeyPairIDOn423(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const pair = `"apikey":"AK-new","secretkey":"SK-new","userid":"u1"`
	for _, tc := range []struct {
		name    string
		answers []string
		wantID  string
		listed  bool // listUserKeys was asked
	}{
		{"uuid", []string{caps423, `{"registeruserkeysresponse":{"jobid":"j1"}}`, jobDone(`{"userkeys":{"uuid":"kp-uuid",` + pair + `}}`)}, "kp-uuid", false},
		{"id", []string{caps423, `{"registeruserkeysresponse":{"jobid":"j1"}}`, jobDone(`{"userkeys":{"id":"kp-id",` + pair + `}}`)}, "kp-id", false},
		{"uuid before id", []string{caps423, `{"registeruserkeysresponse":{"jobid":"j1"}}`, jobDone(`{"userkeys":{"id":"kp-id","uuid":"kp-uuid",` + pair + `}}`)}, "kp-uuid", false},
		{"immediate answer's id", []string{caps423, `{"registeruserkeysresponse":{"jobid":"j1","id":"kp-imm"}}`, jobDone(`{"userkeys":{` + pair + `}}`)}, "kp-imm", false},
		{"synchronous uuid", []string{caps423, `{"registeruserkeysresponse":{"userkeys":{"uuid":"kp-sync",` + pair + `}}}`}, "kp-sync", false},
		{"looked up by API key", []string{caps423, `{"registeruserkeysresponse":{"jobid":"j1"}}`, jobDone(`{"userkeys":{` + pair + `}}`),
			`{"listuserkeysresponse":{"count":2,"userapikey":[{"uuid":"kp-old","apikey":"AK-old"},{"uuid":"kp-found","apikey":"AK-new"}]}}`}, "kp-found", true},
		{"synchronous, looked up", []string{caps423, `{"registeruserkeysresponse":{"userkeys":{` + pair + `}}}`,
			`{"listuserkeysresponse":{"count":1,"userapikey":[{"uuid":"kp-found","apikey":"AK-new"}]}}`}, "kp-found", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, w := newWire(t, cloudstack.APIKey(mockAK, mockSK), tc.answers...)
			k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: "u1"})
			require.NoError(t, err)
			assert.Equal(t, tc.wantID, k.ID)
			assert.Equal(t, "AK-new", k.AccessKey)
			assert.Equal(t, "SK-new", k.Secret.Reveal())
			w.mu.Lock()
			defer w.mu.Unlock()
			assert.Len(t, w.reqs, len(tc.answers))
			if tc.listed {
				q, err := url.ParseQuery(w.reqs[len(w.reqs)-1].RawQuery)
				require.NoError(t, err)
				assert.Equal(t, "listUserKeys", q.Get("command"))
				assert.Equal(t, "u1", q.Get("userid"))
			}
		})
	}

	// Nothing names the new pair: an error, never a Key with an empty ID.
	for _, answers := range [][]string{
		{caps423, `{"registeruserkeysresponse":{"jobid":"j1"}}`, jobDone(`{"userkeys":{` + pair + `}}`),
			`{"listuserkeysresponse":{"count":1,"userapikey":[{"uuid":"kp-old","apikey":"AK-old"}]}}`},
		{caps423, `{"registeruserkeysresponse":{"jobid":"j1"}}`, jobDone(`{"userkeys":{` + pair + `}}`), `{"listuserkeysresponse":{}}`},
		{caps423, `{"registeruserkeysresponse":{"jobid":"j1"}}`, jobDone(`{"userkeys":{` + pair + `}}`),
			`{"listuserkeysresponse":{"uuidList":[],"errorcode":530,"errortext":"boom"}}`},
	} {
		c, _ := newWire(t, cloudstack.APIKey(mockAK, mockSK), answers...)
		k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: "u1"})
		require.Error(t, err)
		assert.Nil(t, k)
		require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown, "the pair exists; the caller must reconcile")
		assert.NotContains(t, err.Error(), "SK-new")
		assert.NotContains(t, err.Error(), "AK-new")
	}

	// A listed pair without uuid or id is an error, not a Key without ID.
	c, _ := newWire(t, cloudstack.APIKey(mockAK, mockSK), caps423,
		`{"listuserkeysresponse":{"count":2,"userapikey":[{"uuid":"kp-1","apikey":"AK-1"},{"apikey":"AK-2"}]}}`)
	var ids []string
	var err error
	for k, e := range c.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: "u1"}) {
		if e != nil {
			err = e
			break
		}
		ids = append(ids, k.ID)
	}
	assert.Equal(t, []string{"kp-1"}, ids)
	require.Error(t, err)
	require.ErrorIs(t, err, cloudkeys.ErrServer)
}

// TestFakeSendsKeyPairUUID: the fake answers with ApiKeyPairResponse's
// "uuid" (facts §1.4), not an "id", and the client reads it.
func TestFakeSendsKeyPairUUID(t *testing.T) {
	t.Parallel()
	for _, mode := range [][]cloudstacktest.Option{nil, {cloudstacktest.WithSyncRegister()}} {
		srv, c := newFake(t, append([]cloudstacktest.Option{cloudstacktest.WithVersion("4.23.0.0")}, mode...)...)
		ctx := context.Background()
		u := srv.AddUser(cloudstacktest.UserSpec{Username: "quinn"})
		raw, err := c.DoRead(ctx, "listUserKeys", url.Values{"userid": {srv.AdminID()}})
		require.NoError(t, err)
		assert.Contains(t, string(raw), `"uuid":"`)
		assert.NotContains(t, string(raw), `"id":"`)
		k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: u.ID})
		require.NoError(t, err)
		require.Len(t, srv.UserKeys(u.ID), 1)
		assert.Equal(t, srv.UserKeys(u.ID)[0].ID, k.ID)
		assert.Equal(t, 1, countCommand(srv, "listUserKeys"), "only the DoRead above: no lookup needed")
	}
}
