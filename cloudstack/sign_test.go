package cloudstack

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cloudkeys/cloudkeys/internal/cloudstackwire"
	"github.com/cloudkeys/cloudkeys/internal/vectors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSignVectors(t *testing.T) {
	t.Parallel()
	v := vectors.LoadCloudStack(t)
	require.Len(t, v.Cases, 10)
	for _, c := range v.Cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			p := url.Values{}
			for k, val := range c.Params {
				p.Set(k, val)
			}
			sig := cloudstackwire.Sign(p, v.SecretKey)
			assert.Equal(t, c.Signature, sig)
			if c.Wire != "" {
				assert.Equal(t, c.Wire, cloudstackwire.EncodeValue(sig))
			}
			// A signature parameter already present is not signed.
			p.Set("Signature", "ignored")
			assert.Equal(t, c.Signature, cloudstackwire.Sign(p, v.SecretKey))
		})
	}
}

func TestStringToSignDocsExample(t *testing.T) {
	t.Parallel()
	v := vectors.LoadCloudStack(t)
	p := url.Values{"apikey": {v.APIKey}, "command": {"listUsers"}, "response": {"json"}}
	assert.Equal(t, "apikey="+strings.ToLower(v.APIKey)+"&command=listusers&response=json", strings.ToLower(cloudstackwire.StringToSign(p)))
	// Names sorted as sent, case-sensitively: templateId before templatefilter.
	p = url.Values{"templatefilter": {"featured"}, "templateId": {"abc"}}
	assert.Equal(t, "templateId=abc&templatefilter=featured", cloudstackwire.StringToSign(p))
}

func TestEncodeValue(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"":              "",
		"John Smith":    "John%20Smith",
		"*.example.com": "*.example.com",
		"a~b":           "a%7Eb",
		"a+b/c=d&e":     "a%2Bb%2Fc%3Dd%26e",
		"café 日本":       "caf%C3%A9%20%E6%97%A5%E6%9C%AC",
		"foo?":          "foo%3F",
		"AZaz09.-_*":    "AZaz09.-_*",
		"\x00\n\x7f":    "%00%0A%7F",
	}
	for in, want := range cases {
		assert.Equal(t, want, cloudstackwire.EncodeValue(in), "%q", in)
	}
	// Every printable ASCII character: only A-Z a-z 0-9 . - * _ stay raw.
	for c := byte(32); c < 127; c++ {
		got := cloudstackwire.EncodeValue(string(c))
		raw := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(".-*_", c) >= 0
		if raw {
			assert.Equal(t, string(c), got)
		} else {
			assert.Len(t, got, 3, "%q", c)
			assert.Equal(t, byte('%'), got[0])
		}
	}
}

func TestFormatExpires(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 1, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600))
	assert.Equal(t, "2025-01-01T00:00:00+0000", cloudstackwire.FormatExpires(at))
}

func TestEncodeForm(t *testing.T) {
	t.Parallel()
	p := url.Values{"rules[0].rule": {"list*"}, "command": {"registerUserKeys"}, "name": {"a b~"}}
	assert.Equal(t, "command=registerUserKeys&name=a%20b%7E&rules%5B0%5D.rule=list*", cloudstackwire.EncodeForm(p))
	back, err := url.ParseQuery(cloudstackwire.EncodeForm(p))
	require.NoError(t, err)
	assert.Equal(t, "a b~", back.Get("name"))
	assert.Equal(t, "list*", back.Get("rules[0].rule"))
}

func FuzzSign(f *testing.F) {
	for _, c := range vectors.LoadCloudStack(f).Cases { // every parameter of every vector
		for k, val := range c.Params {
			f.Add(k, val)
		}
	}
	for _, s := range []string{"", "%zz", "\x00"} {
		f.Add("keyword", s)
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		p := url.Values{"command": {"listUsers"}, name: {value}}
		sig := cloudstackwire.Sign(p, "secret")
		require.Len(t, sig, 28)
		require.Equal(t, sig, cloudstackwire.SignEncoded(p, cloudstackwire.EncodeForm(p), "secret"), "the signer's shortcut")
		require.Equal(t, cloudstackwire.EncodeForm(p), cloudstackwire.EncodeForm(withValues(url.Values{"command": {"listUsers"}}, name, value)))
		enc := cloudstackwire.EncodeValue(value)
		for i := 0; i < len(enc); i++ {
			c := enc[i]
			require.True(t, c == '%' || c == '.' || c == '-' || c == '*' || c == '_' ||
				c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9', "%q", enc)
		}
		dec, err := url.PathUnescape(enc)
		require.NoError(t, err)
		require.Equal(t, value, dec)
	})
}
