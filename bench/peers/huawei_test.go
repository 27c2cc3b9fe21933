package peers

import (
	"net/http"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/internal/huaweiwire"
)

const (
	endpoint  = "https://bcs.ap-southeast-3.myhuaweicloud.com"
	projectID = "0123456789abcdef0123456789abcdef"
	ak        = "HPUAFAKEACCESSKEY0001"
	sk        = "Hk0rTnX3aQ4mGfV9uJ2cLzP8eW1sYbR6dK5oN7iM"
	listPath  = "/v1/" + projectID + "/node-provider/credentials"
)

var sdkDate = time.Date(2026, 11, 23, 2, 30, 0, 0, time.UTC).Format(huaweiwire.DateFormat)

// signCase is one request signed by both signers.
type signCase struct {
	name   string
	method string
	path   string
	query  [][2]string
	body   []byte
	// description is the create body's field, for Huawei's SDK.
	description string
}

type createBody struct {
	Description string `json:"description"`
}

var cases = []signCase{
	{name: "list", method: http.MethodGet, path: listPath, query: [][2]string{{"limit", "1000"}, {"offset", "0"}}},
	{name: "create", method: http.MethodPost, path: listPath, body: []byte(`{"description":"ci deploy key"}` + "\n"), description: "ci deploy key"},
	{name: "delete", method: http.MethodDelete, path: listPath + "/9b0e3f2a-5c4d-4e6f-8a7b-1c2d3e4f5a6b"},
}

// huaweiRequest builds the request as Huawei's SDK does before signing:
// host, project id and date in the header parameters (so they are signed),
// query values as reflect.Values, the body as a struct.
func huaweiRequest(c signCase) *request.DefaultHttpRequest {
	b := request.NewHttpRequestBuilder().WithEndpoint(endpoint).WithPath(c.path).WithMethod(c.method).
		AddHeaderParam("Host", "bcs.ap-southeast-3.myhuaweicloud.com").
		AddHeaderParam("X-Project-Id", projectID).
		AddHeaderParam("X-Sdk-Date", sdkDate)
	for _, q := range c.query {
		b = b.AddQueryParam(q[0], reflect.ValueOf(q[1]))
	}
	if c.body != nil {
		// Huawei's SDK keeps the body as a struct and JSON-encodes it
		// (no HTML escaping, a trailing newline) to hash it when signing.
		b = b.AddHeaderParam("Content-Type", "application/json").
			WithBody("application/json", createBody{Description: c.description})
	}
	return b.Build()
}

// ours builds the same request as huaweibcs does before SignAKSK.
func ours(c signCase) (*url.URL, http.Header) {
	u, err := url.Parse(endpoint + c.path)
	if err != nil {
		panic(err)
	}
	q := url.Values{}
	for _, kv := range c.query {
		q.Set(kv[0], kv[1])
	}
	u.RawQuery = q.Encode()
	h := http.Header{}
	h.Set(huaweibcs.HeaderProjectID, projectID)
	h.Set(huaweiwire.HeaderSdkDate, sdkDate)
	if c.body != nil {
		h.Set("Content-Type", "application/json")
	}
	return u, h
}

// TestSameAuthorization: on identical requests both signers produce the
// same Authorization header, byte for byte.
func TestSameAuthorization(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			theirs, err := signer.Signer{}.Sign(huaweiRequest(c), ak, sk)
			require.NoError(t, err)
			u, h := ours(c)
			mine, err := huaweiwire.SignAKSK(ak, sk, c.method, u, h, huaweiwire.DefaultSignedHeaders, c.body)
			require.NoError(t, err)
			require.Equal(t, theirs["Authorization"], mine)
			require.Equal(t, sdkDate, theirs["X-Sdk-Date"])
		})
	}
}

// BenchmarkHuaweiSigner: Huawei's signer.Signer.Sign against
// huaweiwire.SignAKSK on the same requests. Each iteration signs a request
// already built (for Huawei's SDK, the DefaultHttpRequest; for cloudkeys,
// the URL and header), as both SDKs do once per attempt.
func BenchmarkHuaweiSigner(b *testing.B) {
	for _, c := range cases {
		b.Run(c.name+"/huaweicloud-sdk-go-v3", func(b *testing.B) {
			req := huaweiRequest(c)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := (signer.Signer{}).Sign(req, ak, sk); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/cloudkeys", func(b *testing.B) {
			u, h := ours(c)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := huaweiwire.SignAKSK(ak, sk, c.method, u, h, huaweiwire.DefaultSignedHeaders, c.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
