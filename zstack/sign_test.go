package zstack

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/internal/transport"
	"github.com/cloudkeys/cloudkeys/internal/vectors"
	"github.com/cloudkeys/cloudkeys/internal/zstackwire"
)

func TestSignVectors(t *testing.T) {
	t.Parallel()
	v := vectors.LoadZStack(t)
	for _, tc := range v.Cases {
		t.Run(tc.Method+" "+tc.Path, func(t *testing.T) {
			assert.Equal(t, tc.Signature, zstackwire.Sign(v.AccessKeySecret, tc.Method, v.Date, tc.Path))
		})
	}
}

// The signer, as the transport runs it, produces the vectors' headers for
// a request under /zstack with a query (both left out of the signature).
func TestAccessKeySignerVectors(t *testing.T) {
	t.Parallel()
	v := vectors.LoadZStack(t)
	cst := time.FixedZone("", 8*3600)
	now, err := time.ParseInLocation(zstackwire.DateLayout, "Thu, 06 Sep 2018 13:54:10", cst)
	require.NoError(t, err)
	sign := accessKeySigner(v.AccessKeyID, v.AccessKeySecret, cst, "/zstack")
	for _, tc := range v.Cases {
		u, err := url.Parse("http://mn:8080/zstack" + tc.Path + "?deleteMode=Permissive")
		require.NoError(t, err)
		o := &transport.Outgoing{Method: tc.Method, URL: u, Header: http.Header{}, Now: now.UTC()}
		require.NoError(t, sign(context.Background(), o))
		assert.Equal(t, v.Date, o.Header.Get("Date"))
		assert.Equal(t, "ZStack "+v.AccessKeyID+":"+tc.Signature, o.Header.Get("Authorization"))
	}
}

func TestFormatDate(t *testing.T) {
	t.Parallel()
	at := time.Date(2018, 9, 6, 5, 54, 10, 0, time.UTC)
	for _, tc := range []struct {
		loc  *time.Location
		want string
	}{
		{time.UTC, "Thu, 06 Sep 2018 05:54:10 GMT"},
		{time.FixedZone("CST", 8*3600), "Thu, 06 Sep 2018 13:54:10 GMT+08:00"},
		{time.FixedZone("EST", -5*3600), "Thu, 06 Sep 2018 00:54:10 GMT-05:00"},
		{time.FixedZone("IST", 5*3600+1800), "Thu, 06 Sep 2018 11:24:10 GMT+05:30"},
		{nil, "Thu, 06 Sep 2018 05:54:10 GMT"},
	} {
		assert.Equal(t, tc.want, zstackwire.FormatDate(at, tc.loc))
	}
}

func TestSignURI(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/zstack/v1/accesskeys":           "/v1/accesskeys",
		"/v1/accesskeys/x/actions":        "/v1/accesskeys/x/actions",
		"/proxy/zstack/v1/accesskeys":     "/v1/accesskeys",
		"/zstack/v1/accounts/sessions/ab": "/v1/accounts/sessions/ab",
	} {
		assert.Equal(t, want, zstackwire.SignURI(in), in)
	}
}

func TestHashPassword(t *testing.T) {
	t.Parallel()
	// The default admin password as ZStack stores it (AccountConstant).
	assert.Equal(t, "b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb980b1d7785e5976ec049b46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86", zstackwire.HashPassword("password"))
}

func TestParseInventoryDate(t *testing.T) {
	t.Parallel()
	cst := time.FixedZone("", 8*3600)
	want := time.Date(2018, 9, 6, 13, 50, 6, 0, cst)
	for _, s := range []string{"Sep 6, 2018 1:50:06 PM", "Sep 6, 2018, 1:50:06\u202fPM", "Sep 06, 2018 1:50:06 PM", "Sep 6, 2018 13:50:06"} {
		got, err := zstackwire.ParseInventoryDate(s, cst)
		require.NoError(t, err, s)
		assert.True(t, want.Equal(got), "%s: %v", s, got)
	}
	got, err := zstackwire.ParseInventoryDate("", cst)
	require.NoError(t, err)
	assert.True(t, got.IsZero())
	_, err = zstackwire.ParseInventoryDate("yesterday", cst)
	assert.Error(t, err)
	assert.Equal(t, "Sep 6, 2018 1:50:06 PM", zstackwire.FormatInventoryDate(want, cst))
	assert.Equal(t, "Sep 6, 2018 5:50:06 AM", zstackwire.FormatInventoryDate(want, time.UTC))
}

func FuzzSign(f *testing.F) {
	v := vectors.LoadZStack(f)
	for _, c := range v.Cases {
		f.Add(v.AccessKeySecret, c.Method, v.Date, c.Path)
	}
	f.Add("", "", "", "")
	f.Fuzz(func(t *testing.T, secret, method, date, uri string) {
		s := zstackwire.Sign(secret, method, date, uri)
		if len(s) != 28 || s != zstackwire.Sign(secret, method, date, uri) {
			t.Fatalf("signature %q", s)
		}
	})
}

func FuzzFormatDate(f *testing.F) {
	f.Add(int64(1536213250), 8*3600)
	f.Add(int64(0), -5*3600)
	f.Fuzz(func(t *testing.T, unix int64, off int) {
		if off < -18*3600 || off > 18*3600 || unix < 0 || unix > 1<<40 {
			return
		}
		loc := time.FixedZone("", off)
		s := zstackwire.FormatDate(time.Unix(unix, 0), loc)
		if _, err := time.Parse(zstackwire.DateLayout, s[:len(zstackwire.DateLayout)]); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
	})
}

func FuzzParseInventoryDate(f *testing.F) {
	f.Add("Sep 6, 2018 1:50:06 PM")
	f.Add("Sep 6, 2018, 1:50:06\u202fPM")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := zstackwire.ParseInventoryDate(s, time.UTC)
		if err == nil && !got.IsZero() {
			again, err := zstackwire.ParseInventoryDate(zstackwire.FormatInventoryDate(got, time.UTC), time.UTC)
			if err != nil || !again.Equal(got.Truncate(time.Second)) {
				t.Fatalf("%q → %v → %v %v", s, got, again, err)
			}
		}
	})
}

func FuzzParseJobLocation(f *testing.F) {
	f.Add("http://10.0.0.5:8080/zstack/v1/api-jobs/0123456789abcdef0123456789abcdef")
	f.Add("/v1/api-jobs/../../x")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := parseJobLocation(s)
		if err == nil && !validJobID(id) {
			t.Fatalf("%q gave invalid id %q", s, id)
		}
	})
}

func FuzzParseError(f *testing.F) {
	f.Add([]byte(`{"error":{"code":"SYS.1007","description":"x","details":"y"}}`))
	f.Add([]byte(`the job has been expired`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if e, ok := parseError(b); ok && (e.Code == "" || errorMessage(e) == "") {
			t.Fatal("empty code or message")
		}
		_ = classify(&transport.Response{StatusCode: 503, Body: b})
	})
}
