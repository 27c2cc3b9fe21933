package peers

import (
	"io"
	"net/http"
	"net/url"
	"reflect"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
	"github.com/cloudkeys/cloudkeys/internal/huaweiwire"
)

// TestHuaweiSignerAgainstFake: requests signed by Huawei's own signer pass
// the fake's gateway verifier, which shares no code with huaweibcs's
// signer; the same request with its signature's last digit changed does
// not.
func TestHuaweiSignerAgainstFake(t *testing.T) {
	srv := huaweibcstest.NewServer()
	defer srv.Close()
	u, err := url.Parse(srv.URL())
	require.NoError(t, err)
	path := "/v1/" + huaweibcstest.ProjectID + "/node-provider/credentials"
	victim := srv.AddCredential("to delete")
	for _, c := range []signCase{
		{name: "list", method: http.MethodGet, path: path, query: [][2]string{{"offset", "0"}, {"limit", "5"}, {"marker", "a b/c"}}},
		{name: "create", method: http.MethodPost, path: path, description: "ci deploy key & <more>"},
		{name: "delete", method: http.MethodDelete, path: path + "/" + victim.ID},
	} {
		for _, tamper := range []bool{false, true} {
			b := request.NewHttpRequestBuilder().WithEndpoint(srv.URL()).WithPath(c.path).WithMethod(c.method).
				AddHeaderParam("Host", u.Host).
				AddHeaderParam("X-Project-Id", huaweibcstest.ProjectID).
				AddHeaderParam("X-Sdk-Date", srv.Now().UTC().Format(huaweiwire.DateFormat))
			q := url.Values{}
			for _, kv := range c.query {
				b = b.AddQueryParam(kv[0], reflect.ValueOf(kv[1]))
				q.Set(kv[0], kv[1])
			}
			if c.method == http.MethodPost {
				b = b.AddHeaderParam("Content-Type", "application/json").
					WithBody("application/json", createBody{Description: c.description})
			}
			req := b.Build()
			signed, err := signer.Signer{}.Sign(req, huaweibcstest.AccessKey, huaweibcstest.SecretKey)
			require.NoError(t, err)
			var body io.Reader
			if c.method == http.MethodPost {
				buf, err := req.GetBodyToBytes()
				require.NoError(t, err)
				body = buf
			}
			target := srv.URL() + c.path
			if len(q) > 0 {
				target += "?" + q.Encode()
			}
			hr, err := http.NewRequest(c.method, target, body)
			require.NoError(t, err)
			for k, v := range req.GetHeaderParams() {
				hr.Header.Set(k, v)
			}
			for k, v := range signed {
				hr.Header.Set(k, v)
			}
			if tamper {
				a := hr.Header.Get("Authorization")
				last := byte('0')
				if a[len(a)-1] == '0' {
					last = '1'
				}
				hr.Header.Set("Authorization", a[:len(a)-1]+string(last))
			}
			resp, err := http.DefaultClient.Do(hr)
			require.NoError(t, err)
			out, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			want := http.StatusOK
			if tamper {
				want = http.StatusUnauthorized
			} else if c.method == http.MethodDelete {
				victim = srv.AddCredential("to delete") // the next delete needs one
			}
			require.Equal(t, want, resp.StatusCode, "%s tampered=%v: %s", c.name, tamper, out)
		}
	}
}
