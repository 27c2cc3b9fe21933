package zstacktest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/internal/zstackwire"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

// ZStack's own Go SDK (zstack-sdk-go, getAccessKeyHeader) signs with the
// machine's local time and zone abbreviation, mapping Go's "+0630" and
// "+07" to MMT and ICT. A real server (JDK 17 formatter) accepts all these
// labels; with the default checkTimeZone=false it then compares wall
// clocks, so a client in the server's own zone passes. With
// checkTimeZone=true it compares instants, and the JDK's reading of the
// label counts: IST is Africa/Abidjan (UTC), so a client in India is 5:30
// off and refused, while KST, MSK, EDT and AEST are read right. The fake
// used to refuse IST, MMT, ICT, MSK, KST, WIB and AEST with 400.
func TestAccessKeyDateLocalAbbreviations(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		zone, label           string
		status, statusCheckTZ int
	}{
		{"Asia/Kolkata", "IST", 200, 403},
		{"Asia/Seoul", "KST", 200, 200},
		{"Europe/Moscow", "MSK", 200, 200},
		{"Asia/Jakarta", "WIB", 200, 200},
		{"Asia/Yangon", "MMT", 200, 200},
		{"Asia/Bangkok", "ICT", 200, 200},
		{"Australia/Sydney", "", 200, 200}, // AEST or AEDT, as Go names it
		{"America/New_York", "", 200, 200}, // EST or EDT
		{"Asia/Shanghai", "", 200, 200},    // Go says CST: Java's America/Chicago
	} {
		loc, err := time.LoadLocation(tc.zone)
		require.NoError(t, err)
		for _, checkTZ := range []bool{false, true} {
			opts := []zstacktest.Option{zstacktest.WithLocation(loc)}
			want := tc.status
			if checkTZ {
				opts = append(opts, zstacktest.WithCheckTimeZone())
				want = tc.statusCheckTZ
				if tc.zone == "Asia/Shanghai" {
					want = 403
				}
			}
			srv := zstacktest.NewServer(opts...)
			ak := srv.SeedAccessKey(zstacktest.AdminAccountUUID)
			now := srv.Now().In(loc)
			date := now.Format("Mon, 02 Jan 2006 15:04:05 MST")
			if tc.label != "" {
				date = now.Format(zstackwire.DateLayout) + " " + tc.label
			}
			status, body := do(t, srv, "GET", "/zstack/v1/accesskeys", map[string]string{
				"Date":          date,
				"Authorization": zstackwire.AuthorizationHeader(ak.AccessKeyID, zstackwire.Sign(ak.Secret.Reveal(), "GET", date, "/v1/accesskeys")),
			}, "")
			assert.Equal(t, want, status, "%s %q checkTimeZone=%v: %s", tc.zone, date, checkTZ, body)
			srv.Close()
		}
	}
}

// Our own client's Date (zstackwire.FormatDate: GMT or GMT±hh:mm) passes in
// every zone, in both modes.
func TestAccessKeyClientDates(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"UTC", "Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham", "America/New_York"} {
		loc, err := time.LoadLocation(name)
		require.NoError(t, err)
		for _, checkTZ := range []bool{false, true} {
			opts := []zstacktest.Option{zstacktest.WithLocation(loc)}
			if checkTZ {
				opts = append(opts, zstacktest.WithCheckTimeZone())
			}
			srv := zstacktest.NewServer(opts...)
			ak := srv.SeedAccessKey(zstacktest.AdminAccountUUID)
			c := srv.AccessKeyClient(ak.AccessKeyID, ak.Secret.Reveal())
			_, err := c.GetKey(context.Background(), ak.UUID)
			assert.NoError(t, err, fmt.Sprintf("%s checkTimeZone=%v", name, checkTZ))
			srv.Close()
		}
	}
}
