package e24test_test

import (
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/e24/e24test"
)

// A client that signs with its local time and zone abbreviation, as the
// community Go driver does (kali11/e24cloud-driver: X-Date =
// time.Now().Format(time.RFC1123)), is on time for a PHP server: strtotime
// knows EDT, EST, CEST, CET, PDT, PST, JST at their offsets. The fake used
// to read them with time.Parse, which gives an abbreviation it does not know
// offset 0, and refused them as expired. A numeric offset (RFC1123Z) works
// too; "UT", which strtotime does not know, does not.
func TestXDateLocalZones(t *testing.T) {
	t.Parallel()
	for _, now := range []time.Time{
		time.Date(2016, 7, 4, 14, 1, 2, 0, time.UTC), // summer: EDT, CEST, PDT
		time.Date(2025, 1, 6, 9, 30, 0, 0, time.UTC), // winter: EST, CET, PST
	} {
		for _, tc := range []struct {
			zone, layout string
			status       int
		}{
			{"America/New_York", time.RFC1123, 200},
			{"Europe/Warsaw", time.RFC1123, 200},
			{"America/Los_Angeles", time.RFC1123, 200},
			{"Asia/Tokyo", time.RFC1123, 200},
			{"America/New_York", time.RFC1123Z, 200},
			{"Asia/Kolkata", time.RFC1123Z, 200},
			{"UTC", "Mon, 02 Jan 2006 15:04:05 UT", 401},
		} {
			loc, err := time.LoadLocation(tc.zone)
			require.NoError(t, err)
			srv := e24test.NewServer()
			srv.Clock().Set(now)
			key, sec := srv.AdminKey()
			u, err := url.Parse(srv.URL())
			require.NoError(t, err)
			date := now.In(loc).Format(tc.layout)
			req, err := http.NewRequest("GET", srv.URL()+"/v2/account", nil)
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Date", date)
			req.Header.Set("Authorization", e24test.Signature(key, sec.Reveal(), "GET", u.Hostname(), date, "/v2/account", nil))
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			b, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			assert.Equal(t, tc.status, resp.StatusCode, "%s %q: %s", tc.zone, date, b)
			srv.Close()
		}
	}
}
