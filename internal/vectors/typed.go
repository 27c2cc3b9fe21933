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
	var v CloudStack
	load(t, "cloudstack.json", &v)
	for _, c := range v.Cases {
		for k, val := range c.Params {
			c.Params[k] = strings.ReplaceAll(val, "$apiKey", v.APIKey)
		}
	}
	mustHave(t, "cloudstack.json", len(v.Cases))
	return v
}

// LoadZStack reads zstack.json.
func LoadZStack(t testing.TB) ZStack {
	t.Helper()
	var v ZStack
	load(t, "zstack.json", &v)
	mustHave(t, "zstack.json", len(v.Cases))
	return v
}

// LoadE24 reads e24.json.
func LoadE24(t testing.TB) E24 {
	t.Helper()
	var v E24
	load(t, "e24.json", &v)
	mustHave(t, "e24.json", len(v.Cases))
	return v
}

// LoadHuawei reads the cases of huaweibcs.json.
func LoadHuawei(t testing.TB) []HuaweiCase {
	t.Helper()
	var v struct {
		Cases []HuaweiCase `json:"cases"`
	}
	load(t, "huaweibcs.json", &v)
	mustHave(t, "huaweibcs.json", len(v.Cases))
	return v.Cases
}

func load(t testing.TB, name string, v any) {
	t.Helper()
	if err := json.Unmarshal(Read(t, name), v); err != nil {
		t.Fatalf("signing vectors %s: %v", name, err)
	}
}

func mustHave(t testing.TB, name string, n int) {
	t.Helper()
	if n == 0 {
		t.Fatalf("signing vectors %s: no cases", name)
	}
}
