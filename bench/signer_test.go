package bench

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/internal/cloudstackwire"
	"github.com/cloudkeys/cloudkeys/internal/huaweiwire"
	"github.com/cloudkeys/cloudkeys/internal/zstackwire"
)

// Realistic inputs: the requests GetKey and CreateKey send.
var (
	signNow    = time.Date(2026, 11, 23, 2, 30, 0, 0, time.UTC)
	signSecret = "Hk0rTnX3aQ4mGfV9uJ2cLzP8eW1sYbR6dK5oN7iM"
)

// BenchmarkSign: each signer (internal/cloudstackwire, zstackwire,
// huaweiwire) on the request it signs most. The SDK's per-attempt signers
// wrap these (CloudStack's also encodes the query; see cloudstack
// BenchmarkSignAttempt, and e24's lives in its package: e24
// BenchmarkSignAttempt). Onezone sends a bearer token: nothing to sign.
func BenchmarkSign(b *testing.B) {
	b.Run("cloudstack/getUser", func(b *testing.B) {
		p := url.Values{
			"command": {"getUser"}, "response": {"json"},
			"userapikey":       {"QtX_DXjE5_VGVIWZpIYD-bbE9qEpTvaYFUUgIFUYqJbVXALz5lbuchCW69Dn8dPL3VO2JdyT5mJZ1XVYWe9W3A"},
			"apikey":           {"QdldObQhbD50g1fUFsbetSKvNVGVMh4ZCyAjROUIyl7E8TYFkMHzWEDDb6q3LTJ7KY-PXoGvgbLueIe9pYAnJQ"},
			"signatureversion": {"3"}, "expires": {cloudstackwire.FormatExpires(signNow.Add(5 * time.Minute))},
		}
		b.ReportAllocs()
		for b.Loop() {
			_ = cloudstackwire.EncodeValue(cloudstackwire.Sign(p, signSecret))
		}
	})
	b.Run("zstack/GetAccessKey", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			date := zstackwire.FormatDate(signNow, time.UTC)
			_ = zstackwire.AuthorizationHeader("z3EoJfMsZQiX96UpNgso", zstackwire.Sign(signSecret, http.MethodGet, date, "/v1/accesskeys/91493fc885b100b80c5bdbdca7901d59"))
		}
	})
	huawei := func(method, rawURL string, body []byte) func(b *testing.B) {
		return func(b *testing.B) {
			u, err := url.Parse(rawURL)
			if err != nil {
				b.Fatal(err)
			}
			h := http.Header{}
			h.Set("Content-Type", "application/json")
			h.Set(huaweibcs.HeaderProjectID, "0123456789abcdef0123456789abcdef")
			h.Set(huaweiwire.HeaderSdkDate, signNow.Format(huaweiwire.DateFormat))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := huaweiwire.SignAKSK("HPUAFAKEACCESSKEY0001", signSecret, method, u, h, huaweiwire.DefaultSignedHeaders, body); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.Run("huaweibcs/list", huawei(http.MethodGet,
		"https://bcs.ap-southeast-3.myhuaweicloud.com/v1/0123456789abcdef0123456789abcdef/node-provider/credentials?limit=1000&offset=0", nil))
	b.Run("huaweibcs/create", huawei(http.MethodPost,
		"https://bcs.ap-southeast-3.myhuaweicloud.com/v1/0123456789abcdef0123456789abcdef/node-provider/credentials",
		[]byte(`{"description":"ci deploy key"}`+"\n")))
}
