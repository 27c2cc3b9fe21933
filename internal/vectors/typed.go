package vectors

import (
	"encoding/json"
	"strings"
	"testing"
)

// CloudStack is cloudstack.json: API-key request signatures.
type CloudStack struct {
	APIKey    string           `json:"apiKey"`
	SecretKey string           `json:"secretKey"`
	Cases     []CloudStackCase `json:"cases"`
}

// CloudStackCase is one signed parameter set; Wire is the signature as it
// goes on the wire (URL-encoded), where the file gives it.
type CloudStackCase struct {
	Name      string            `json:"name"`
	Params    map[string]string `json:"params"`
	Signature string            `json:"signature"`
	Wire      string            `json:"wire"`
}

// ZStack is zstack.json: AccessKey signatures, all made at Date.
type ZStack struct {
	AccessKeyID     string       `json:"accessKeyId"`
	AccessKeySecret string       `json:"accessKeySecret"`
	Date            string       `json:"date"`
	Cases           []ZStackCase `json:"cases"`
}

// ZStackCase is one signed method and path.
type ZStackCase struct {
	Method    string `json:"method"`
	Path      string `json:"path"`
	Signature string `json:"signature"`
}

// E24 is e24.json: Authorization headers, all for Host at XDate.
type E24 struct {
	APIKey string    `json:"apiKey"`
	Secret string    `json:"secret"`
	Host   string    `json:"host"`
	XDate  string    `json:"xDate"`
	Cases  []E24Case `json:"cases"`
}

// E24Case is one signed request.
type E24Case struct {
	Method        string `json:"method"`
	PathAndQuery  string `json:"pathAndQuery"`
	Body          string `json:"body"`
	Authorization string `json:"authorization"`
}

// HuaweiCase is one case of huaweibcs.json: an SDK-HMAC-SHA256 request and
// its Authorization header (and, where published, the SHA-256 of its
// canonical request).
type HuaweiCase struct {
	Name          string            `json:"name"`
	AK            string            `json:"ak"`
	SK            string            `json:"sk"`
	Method        string            `json:"method"`
	URL           string            `json:"url"`
	Headers       map[string]string `json:"headers"`
	SignedHeaders string            `json:"signedHeaders"`
	Body          string            `json:"body"`
	HashedCR      string            `json:"hashedCanonicalRequest"`
	Authorization string            `json:"authorization"`
}

// LoadCloudStack reads cloudstack.json with "$apiKey" in the parameters
// replaced by the file's API key.
func LoadCloudStack(t testing.TB) CloudStack {
	t.Helper()
	v := load(t, "cloudstack.json", func(v *CloudStack) int { return len(v.Cases) })
	for _, c := range v.Cases {
		for k, val := range c.Params {
			c.Params[k] = strings.ReplaceAll(val, "$apiKey", v.APIKey)
		}
	}
	return v
}

// LoadZStack reads zstack.json.
func LoadZStack(t testing.TB) ZStack {
	t.Helper()
	return load(t, "zstack.json", func(v *ZStack) int { return len(v.Cases) })
}

// LoadE24 reads e24.json.
func LoadE24(t testing.TB) E24 {
	t.Helper()
	return load(t, "e24.json", func(v *E24) int { return len(v.Cases) })
}

// LoadHuawei reads the cases of huaweibcs.json.
func LoadHuawei(t testing.TB) []HuaweiCase {
	t.Helper()
	type file struct {
		Cases []HuaweiCase `json:"cases"`
	}
	return load(t, "huaweibcs.json", func(v *file) int { return len(v.Cases) }).Cases
}

// load decodes the vectors file name; a file that does not decode, or has
// no cases, fails the test.
func load[T any](t testing.TB, name string, cases func(*T) int) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(Read(t, name), &v); err != nil {
		t.Fatalf("signing vectors %s: %v", name, err)
	}
	if cases(&v) == 0 {
		t.Fatalf("signing vectors %s: no cases", name)
	}
	return v
}
