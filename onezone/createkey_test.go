package onezone_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/onezone"
)

// TestWireCreateKey: CreateKey sends the create, then reads the new token
// back (GET /tokens/named/{id}) for what the create's answer lacks — the
// subject (Owner) and creationTime (CreatedAt) — and returns the Key GetKey
// shows, with the create's token as its Secret. A failed read is no error:
// the Key is then filled from the request.
func TestWireCreateKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	until := time.Unix(1_700_000_000, 0)
	const created = `{"tokenId":"k1","token":"MDAxKEY"}`
	got := func(subject string) string {
		return `{"id":"k1","name":"k1","subject":{"type":"user","id":"` + subject + `"},"type":{"accessToken":{}},` +
			`"caveats":[{"type":"time","validUntil":1700000000}],"metadata":{"creationTime":1690000000,"custom":{"description":"d"}},` +
			`"revoked":false,"token":"MDAxKEY"}`
	}
	req := func(owner string) cloudkeys.CreateKeyRequest {
		return cloudkeys.CreateKeyRequest{Owner: owner, Name: "k1", Description: "d", ExpiresAt: until}
	}
	complete := func(owner string) *cloudkeys.Key {
		return &cloudkeys.Key{Vendor: "onezone", ID: "k1", Owner: owner, Name: "k1", Description: "d", Enabled: true,
			CreatedAt: time.Unix(1_690_000_000, 0).UTC(), ExpiresAt: until.UTC()}
	}
	tests := []struct {
		name     string
		req      cloudkeys.CreateKeyRequest
		readBack int
		readBody string
		wantPost string
		want     *cloudkeys.Key
	}{
		{"Owner given", req("u1"), 200, got("u1"), "/users/u1/tokens/named", complete("u1")},
		{"Owner \"\": the subject from the read", req(""), 200, got("u9"), "/user/tokens/named", complete("u9")},
		{"the read fails: filled from the request", req(""), 403, `{"error":{"id":"forbidden"}}`, "/user/tokens/named",
			&cloudkeys.Key{Vendor: "onezone", ID: "k1", Name: "k1", Description: "d", Enabled: true, ExpiresAt: until.UTC()}},
		{"the read fails, Owner given", req("u1"), 403, `{"error":{"id":"forbidden"}}`, "/users/u1/tokens/named",
			&cloudkeys.Key{Vendor: "onezone", ID: "k1", Owner: "u1", Name: "k1", Description: "d", Enabled: true, ExpiresAt: until.UTC()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, reqs := mockClient(t, onezone.Token(wireToken),
				answer(201, created, "Content-Type", "application/json"),
				answer(tt.readBack, tt.readBody, "Content-Type", "application/json"))
			k, err := c.CreateKey(ctx, tt.req)
			require.NoError(t, err)
			sent := reqs()
			require.Len(t, sent, 2, "the create and one read")
			assert.Equal(t, "POST", sent[0].method)
			assert.Equal(t, onezone.BasePath+tt.wantPost, sent[0].path)
			assert.JSONEq(t, `{"name":"k1","type":{"accessToken":{}},"caveats":[{"type":"time","validUntil":1700000000}],"customMetadata":{"description":"d"}}`, sent[0].body)
			assert.Equal(t, "GET", sent[1].method)
			assert.Equal(t, onezone.BasePath+"/tokens/named/k1", sent[1].path)
			assert.Equal(t, "MDAxKEY", k.Secret.Reveal(), "the create's token")
			k.Secret = cloudkeys.Secret{}
			assert.Equal(t, tt.want, k)
		})
	}
}
