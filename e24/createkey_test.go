package e24_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/e24"
)

// TestWriteKeyOwnerRequests: the Key of CreateKey and RotateKey names the
// account (as GetKey does), read with one GET /v2/account per client at
// most: before the create when an Owner is given (to check it), after it
// when Owner is "", and never again once an answer showed the account id.
// A read after the write that fails leaves Owner "" and is no error.
func TestWriteKeyOwnerRequests(t *testing.T) {
	t.Parallel()
	const (
		base    = "https://" + wireHost + "/v2"
		account = `{"success":true,"account":{"id":"4711","api":[{"api_key":"K1","secret_key":"S1"}]}}`
		created = `{"success":true,"api":{"api_key":"NEWKEY","secret_key":"NEWSECRET"}}`
		renewed = `{"success":true,"api":{"api_key":"K1","secret_key":"RENEWED"}}`
	)
	create := func(owner string) func(context.Context, *e24.Client) (*cloudkeys.Key, error) {
		return func(ctx context.Context, c *e24.Client) (*cloudkeys.Key, error) {
			return c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: owner})
		}
	}
	rotate := func(ctx context.Context, c *e24.Client) (*cloudkeys.Key, error) { return c.RotateKey(ctx, "K1") }
	list := func(ctx context.Context, c *e24.Client) (*cloudkeys.Key, error) {
		_, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
		return nil, err
	}
	type step struct {
		call      func(context.Context, *e24.Client) (*cloudkeys.Key, error)
		wantOwner string
		wantSent  []string // method and path of each request, in order
	}
	tests := []struct {
		name          string
		accountStatus int
		steps         []step
	}{
		{"create, Owner \"\": the account is read after the create, once", http.StatusOK, []step{
			{create(""), "4711", []string{"PUT /v2/account/api", "GET /v2/account"}},
			{create(""), "4711", []string{"PUT /v2/account/api"}},
			{create("4711"), "4711", []string{"PUT /v2/account/api"}},
		}},
		{"create, Owner given: the account is read before the create, once", http.StatusOK, []step{
			{create("4711"), "4711", []string{"GET /v2/account", "PUT /v2/account/api"}},
			{create(""), "4711", []string{"PUT /v2/account/api"}},
		}},
		{"rotate: the account is read after the rotation, once", http.StatusOK, []step{
			{rotate, "4711", []string{"POST /v2/account/api-new-secret-key", "GET /v2/account"}},
			{rotate, "4711", []string{"POST /v2/account/api-new-secret-key"}},
		}},
		{"a list shows the account: no read at all", http.StatusOK, []step{
			{list, "", []string{"GET /v2/account"}},
			{create(""), "4711", []string{"PUT /v2/account/api"}},
			{rotate, "4711", []string{"POST /v2/account/api-new-secret-key"}},
		}},
		{"the read after the write fails: the key all the same, Owner \"\"", http.StatusForbidden, []step{
			{create(""), "", []string{"PUT /v2/account/api", "GET /v2/account"}},
			{rotate, "", []string{"POST /v2/account/api-new-secret-key", "GET /v2/account"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := httpmock.NewMockTransport()
			var sent []string
			answer := func(status int, body string) httpmock.Responder {
				return func(r *http.Request) (*http.Response, error) {
					sent = append(sent, r.Method+" "+r.URL.Path)
					resp := httpmock.NewStringResponse(status, body)
					resp.Header.Set("Content-Type", "application/json")
					return resp, nil
				}
			}
			accountBody := account
			if tt.accountStatus != http.StatusOK {
				accountBody = `{"success":false,"error":"forbidden"}`
			}
			mock.RegisterResponder(http.MethodGet, base+"/account", answer(tt.accountStatus, accountBody))
			mock.RegisterResponder(http.MethodPut, base+"/account/api", answer(http.StatusOK, created))
			mock.RegisterResponder(http.MethodPost, base+"/account/api-new-secret-key", answer(http.StatusOK, renewed))
			c, err := e24.New(e24.RegionEndpoint(""), e24.APIKey(wireKey, wireSecret),
				cloudkeys.WithHTTPClient(&http.Client{Transport: mock}), fastRetry())
			require.NoError(t, err)
			for i, s := range tt.steps {
				sent = nil
				k, err := s.call(context.Background(), c)
				require.NoErrorf(t, err, "step %d", i)
				assert.Equalf(t, s.wantSent, sent, "step %d: requests", i)
				if k == nil {
					continue
				}
				assert.Equalf(t, s.wantOwner, k.Owner, "step %d: Owner", i)
				assert.Falsef(t, k.Secret.IsZero(), "step %d: the secret", i)
				assert.Equalf(t, k.ID, k.AccessKey, "step %d", i)
				assert.Truef(t, k.Enabled, "step %d", i)
				assert.Truef(t, k.CreatedAt.Equal(time.Time{}), "step %d: e24cloud keys have no creation time", i)
			}
		})
	}
}
