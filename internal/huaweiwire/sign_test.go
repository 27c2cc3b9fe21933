package huaweiwire

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCanonicalRequestSDKQueryVector(t *testing.T) {
	t.Parallel()
	// The SDK's canonical-query test vector (signer_test.go).
	q := url.Values{}
	q.Set("enable", "true")
	q.Set("limit", "1")
	q["multi"] = []string{"3", "1", "2"}
	q.Set("path", "/tmp/123")
	q.Set("test", "一 (&=?!#%.*)")
	var b []byte
	b = appendCanonicalQuery(b, q.Encode())
	assert.Equal(t, "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29", string(b))

	u, _ := url.Parse("https://h/v1/a b/ü?x=")
	h := http.Header{"X-Sdk-Date": {"20240101T000000Z"}}
	cr, err := CanonicalRequest("GET", u, h, "host;x-sdk-date", nil)
	require.NoError(t, err)
	assert.Equal(t, "GET\n/v1/a%20b/%C3%BC/\nx=\nhost:h\nx-sdk-date:20240101T000000Z\n\nhost;x-sdk-date\n"+emptySHA256, cr)
}

func TestSignRejectsBadInput(t *testing.T) {
	t.Parallel()
	u, _ := url.Parse("https://h/p")
	h := http.Header{"X-Sdk-Date": {"20240101T000000Z"}}
	for _, sh := range []string{"", "host", "Host;x-sdk-date", "authorization;x-sdk-date", "a;;x-sdk-date"} {
		_, err := SignAKSK("ak", "sk", "GET", u, h, sh, nil)
		assert.Error(t, err, sh)
	}
	_, err := SignAKSK("ak", "sk", "GET", u, http.Header{}, "x-sdk-date", nil)
	assert.ErrorIs(t, err, errNoDate)
	_, err = SignAKSK("", "sk", "GET", u, h, "x-sdk-date", nil)
	assert.Error(t, err)
	_, err = SignAKSK("ak", "", "GET", u, h, "x-sdk-date", nil)
	assert.Error(t, err)
}
