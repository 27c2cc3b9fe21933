package huaweibcs_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/huaweibcs"
)

// TestWireCreateKeyReadsBack: the create's file holds the id and the secret
// only, so CreateKey reads the list once (as GetKey does) and returns the
// Key GetKey shows — create_time, update_time, the stored description —
// with the file's secret. A read that fails or does not show the new key
// is no error: the Key is then filled from the request. A file that cannot
// be read is not followed by a read.
func TestWireCreateKeyReadsBack(t *testing.T) {
	t.Parallel()
	const other = `{"id":"99999999-2222-3333-4444-555555555555","description":"old","create_time":"2023-01-01T00:00:00Z","update_time":""}`
	listed := `{"credentials":[` + other + `,{"id":"` + wireID + `","description":"ci key","create_time":"2024-01-01T08:00:01.5+08:00","update_time":"2024-01-01T08:00:01.5+08:00"}],"count":2}`
	created := time.Date(2024, 1, 1, 0, 0, 1, 500000000, time.UTC)
	fromRequest := &cloudkeys.Key{Vendor: "huaweibcs", ID: wireID, Owner: wirePID, Description: "ci key", Enabled: true}
	tests := []struct {
		name       string
		file       []byte
		listStatus int
		list       string
		wantErr    bool
		wantSent   []string
		want       *cloudkeys.Key
	}{
		{"read back", zipFile(t, "credential.csv", "id,api_key\n"+wireID+",the-secret\n"), 200, listed, false,
			[]string{"POST", "GET limit=1000&offset=0"},
			&cloudkeys.Key{Vendor: "huaweibcs", ID: wireID, Owner: wirePID, Description: "ci key", Enabled: true,
				CreatedAt: created, LastUsedAt: created}},
		{"the read fails", zipFile(t, "credential.csv", "id,api_key\n"+wireID+",the-secret\n"), 403,
			`{"error_code":"BCS.03403001","error_msg":"forbidden"}`, false,
			[]string{"POST", "GET limit=1000&offset=0"}, fromRequest},
		{"the list does not show the key yet", zipFile(t, "credential.csv", "id,api_key\n"+wireID+",the-secret\n"), 200,
			`{"credentials":[` + other + `],"count":1}`, false,
			[]string{"POST", "GET limit=1000&offset=0"}, fromRequest},
		{"the file cannot be read: no read", []byte("apikey\nthe-secret\n"), 200, listed, true,
			[]string{"POST"}, &cloudkeys.Key{Vendor: "huaweibcs", Owner: wirePID, Description: "ci key", Enabled: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock, got := mockClient(t, huaweibcs.AKSK(wireAK, wireSK))
			base := wireEndpoint + "/v1/" + wirePID + "/node-provider/credentials"
			mock.RegisterResponder("POST", base, capture(got, httpmock.NewBytesResponder(200, tt.file).
				HeaderSet(http.Header{"Content-Type": {"application/zip"}})))
			mock.RegisterResponder("GET", base, capture(got, httpmock.NewStringResponder(tt.listStatus, tt.list).
				HeaderSet(http.Header{"Content-Type": {"application/json"}})))
			k, err := c.CreateKey(context.Background(), cloudkeys.CreateKeyRequest{Description: "ci key"})
			if tt.wantErr {
				require.ErrorIs(t, err, cloudkeys.ErrOutcomeUnknown)
			} else {
				require.NoError(t, err)
			}
			require.NotNil(t, k)
			var sent []string
			for _, r := range *got {
				s := r.method
				if r.url.RawQuery != "" {
					s += " " + r.url.RawQuery
				}
				sent = append(sent, s)
			}
			assert.Equal(t, tt.wantSent, sent)
			assert.Equal(t, "the-secret", k.Secret.Reveal(), "the secret from the file")
			k.Secret = cloudkeys.Secret{}
			assert.True(t, tt.want.CreatedAt.Equal(k.CreatedAt), "CreatedAt %v, want %v", k.CreatedAt, tt.want.CreatedAt)
			assert.True(t, tt.want.LastUsedAt.Equal(k.LastUsedAt), "LastUsedAt %v, want %v", k.LastUsedAt, tt.want.LastUsedAt)
			k.CreatedAt, k.LastUsedAt = time.Time{}, time.Time{}
			want := *tt.want
			want.CreatedAt, want.LastUsedAt = time.Time{}, time.Time{}
			assert.Equal(t, &want, k)
		})
	}
}
