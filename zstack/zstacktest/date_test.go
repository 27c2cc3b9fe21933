package zstacktest

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The server's verdicts on Date headers, from the oracle: ZStack
// RestServer's formatter (new DateTimeFormatterBuilder().parseCaseInsensitive()
// .appendPattern("EEE, dd MMM yyyy HH:mm:ss z").toFormatter(Locale.ENGLISH),
// used as ZonedDateTime.parse) run by testdata/DateOracle.java on
// OpenJDK 64-Bit Server VM 17.0.15+6-Debian-1deb12u1 (tzdata 2025a),
// 2026-12-07. Each row: the header, then the zone id, the instant and the
// local date-time, or "" for refused (400 'Date' format error). A summer and
// a winter date for every label: the JDK resolves an abbreviation to one
// region (EST and EDT are both America/New_York; IST is Africa/Abidjan, not
// India; MMT Asia/Yangon, ICT Asia/Bangkok, BST Pacific/Bougainville, CST
// America/Chicago) and takes that region's offset on that date.
var jdk17DateVerdicts = []struct{ in, zone, instant, local string }{
	{`Sun, 06 Jul 2025 13:54:10 IST`, `Africa/Abidjan`, `2025-07-06T13:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 IST`, `Africa/Abidjan`, `2025-01-06T13:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 MMT`, `Asia/Yangon`, `2025-07-06T07:24:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 MMT`, `Asia/Yangon`, `2025-01-06T07:24:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 ICT`, `Asia/Bangkok`, `2025-07-06T06:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 ICT`, `Asia/Bangkok`, `2025-01-06T06:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 MSK`, `Europe/Moscow`, `2025-07-06T10:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 MSK`, `Europe/Moscow`, `2025-01-06T10:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 KST`, `Asia/Seoul`, `2025-07-06T04:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 KST`, `Asia/Seoul`, `2025-01-06T04:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 WIB`, `Asia/Jakarta`, `2025-07-06T06:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 WIB`, `Asia/Jakarta`, `2025-01-06T06:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 AEDT`, `Australia/Sydney`, `2025-07-06T03:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 AEDT`, `Australia/Sydney`, `2025-01-06T02:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 AEST`, `Australia/Sydney`, `2025-07-06T03:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 AEST`, `Australia/Sydney`, `2025-01-06T02:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 JST`, `Asia/Tokyo`, `2025-07-06T04:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 JST`, `Asia/Tokyo`, `2025-01-06T04:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 CST`, `America/Chicago`, `2025-07-06T18:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 CST`, `America/Chicago`, `2025-01-06T19:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 EST`, `America/New_York`, `2025-07-06T17:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 EST`, `America/New_York`, `2025-01-06T18:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 EDT`, `America/New_York`, `2025-07-06T17:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 EDT`, `America/New_York`, `2025-01-06T18:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 PST`, `America/Los_Angeles`, `2025-07-06T20:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 PST`, `America/Los_Angeles`, `2025-01-06T21:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 PDT`, `America/Los_Angeles`, `2025-07-06T20:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 PDT`, `America/Los_Angeles`, `2025-01-06T21:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 CET`, `Europe/Paris`, `2025-07-06T11:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 CET`, `Europe/Paris`, `2025-01-06T12:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 CEST`, `Europe/Paris`, `2025-07-06T11:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 CEST`, `Europe/Paris`, `2025-01-06T12:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 BST`, `Pacific/Bougainville`, `2025-07-06T02:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 BST`, `Pacific/Bougainville`, `2025-01-06T02:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 GMT`, `GMT`, `2025-07-06T13:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 GMT`, `GMT`, `2025-01-06T13:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 UTC`, `UTC`, `2025-07-06T13:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 UTC`, `UTC`, `2025-01-06T13:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 UT`, `UT`, `2025-07-06T13:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 UT`, `UT`, `2025-01-06T13:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 Z`, `Z`, `2025-07-06T13:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 Z`, `Z`, `2025-01-06T13:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 Asia/Shanghai`, `Asia/Shanghai`, `2025-07-06T05:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 Asia/Shanghai`, `Asia/Shanghai`, `2025-01-06T05:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 Europe/Moscow`, `Europe/Moscow`, `2025-07-06T10:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 Europe/Moscow`, `Europe/Moscow`, `2025-01-06T10:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 America/New_York`, `America/New_York`, `2025-07-06T17:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 America/New_York`, `America/New_York`, `2025-01-06T18:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 Asia/Kolkata`, `Asia/Kolkata`, `2025-07-06T08:24:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 Asia/Kolkata`, `Asia/Kolkata`, `2025-01-06T08:24:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 Asia/Yangon`, `Asia/Yangon`, `2025-07-06T07:24:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 Asia/Yangon`, `Asia/Yangon`, `2025-01-06T07:24:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 +08:00`, `+08:00`, `2025-07-06T05:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 +08:00`, `+08:00`, `2025-01-06T05:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 -05:30`, `-05:30`, `2025-07-06T19:24:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 -05:30`, `-05:30`, `2025-01-06T19:24:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 +08:00:00`, `+08:00`, `2025-07-06T05:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 +08:00:00`, `+08:00`, `2025-01-06T05:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 +08`, "", "", ""},
	{`Mon, 06 Jan 2025 13:54:10 +08`, "", "", ""},
	{`Sun, 06 Jul 2025 13:54:10 +0800`, "", "", ""},
	{`Mon, 06 Jan 2025 13:54:10 +0800`, "", "", ""},
	{`Sun, 06 Jul 2025 13:54:10 +8:00`, "", "", ""},
	{`Mon, 06 Jan 2025 13:54:10 +8:00`, "", "", ""},
	{`Sun, 06 Jul 2025 13:54:10 GMT+8`, "", "", ""},
	{`Mon, 06 Jan 2025 13:54:10 GMT+8`, "", "", ""},
	{`Sun, 06 Jul 2025 13:54:10 GMT+08`, "", "", ""},
	{`Mon, 06 Jan 2025 13:54:10 GMT+08`, "", "", ""},
	{`Sun, 06 Jul 2025 13:54:10 GMT+0800`, "", "", ""},
	{`Mon, 06 Jan 2025 13:54:10 GMT+0800`, "", "", ""},
	{`Sun, 06 Jul 2025 13:54:10 GMT+08:00`, `GMT+08:00`, `2025-07-06T05:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 GMT+08:00`, `GMT+08:00`, `2025-01-06T05:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 UTC+08:00`, `UTC+08:00`, `2025-07-06T05:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 UTC+08:00`, `UTC+08:00`, `2025-01-06T05:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 UT-05:30`, `UT-05:30`, `2025-07-06T19:24:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 UT-05:30`, `UT-05:30`, `2025-01-06T19:24:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 GMT0`, `GMT0`, `2025-07-06T13:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 GMT0`, `GMT0`, `2025-01-06T13:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 UTC0`, "", "", ""},
	{`Mon, 06 Jan 2025 13:54:10 UTC0`, "", "", ""},
	{`Sun, 06 Jul 2025 13:54:10 PRC`, `PRC`, `2025-07-06T05:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 PRC`, `PRC`, `2025-01-06T05:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 Zulu`, `Zulu`, `2025-07-06T13:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 Zulu`, `Zulu`, `2025-01-06T13:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 China Standard Time`, "", "", ""},
	{`Mon, 06 Jan 2025 13:54:10 China Standard Time`, "", "", ""},
	{`Sun, 06 Jul 2025 13:54:10 India Standard Time`, "", "", ""},
	{`Mon, 06 Jan 2025 13:54:10 India Standard Time`, "", "", ""},
	{`Sun, 06 Jul 2025 13:54:10 ist`, `Africa/Abidjan`, `2025-07-06T13:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 ist`, `Africa/Abidjan`, `2025-01-06T13:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 kst`, `Asia/Seoul`, `2025-07-06T04:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 kst`, `Asia/Seoul`, `2025-01-06T04:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 msk`, `Europe/Moscow`, `2025-07-06T10:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 msk`, `Europe/Moscow`, `2025-01-06T10:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 asia/shanghai`, `Asia/Shanghai`, `2025-07-06T05:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 asia/shanghai`, `Asia/Shanghai`, `2025-01-06T05:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 gmt+08:00`, `GMT+08:00`, `2025-07-06T05:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 gmt+08:00`, `GMT+08:00`, `2025-01-06T05:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 est`, `America/New_York`, `2025-07-06T17:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 est`, `America/New_York`, `2025-01-06T18:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 z`, `Z`, `2025-07-06T13:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 z`, `Z`, `2025-01-06T13:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 Etc/GMT+8`, "", "", ""},
	{`Mon, 06 Jan 2025 13:54:10 Etc/GMT+8`, "", "", ""},
	{`Sun, 06 Jul 2025 13:54:10 +19:00`, "", "", ""},
	{`Mon, 06 Jan 2025 13:54:10 +19:00`, "", "", ""},
	{`Sun, 06 Jul 2025 13:54:10 +18:00`, `+18:00`, `2025-07-05T19:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 +18:00`, `+18:00`, `2025-01-05T19:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 -00:00`, `Z`, `2025-07-06T13:54:10Z`, `2025-07-06T13:54:10`},
	{`Mon, 06 Jan 2025 13:54:10 -00:00`, `Z`, `2025-01-06T13:54:10Z`, `2025-01-06T13:54:10`},
	{`Sun, 06 Jul 2025 13:54:10 XYZ`, "", "", ""},
	{`Mon, 06 Jan 2025 13:54:10 XYZ`, "", "", ""},
	{`Thu, 06 Sep 2018 13:54:10 GMT+08:00`, `GMT+08:00`, `2018-09-06T05:54:10Z`, `2018-09-06T13:54:10`},
	{`thu, 06 sep 2018 13:54:10 gmt`, `GMT`, `2018-09-06T13:54:10Z`, `2018-09-06T13:54:10`},
	{`THU, 06 SEP 2018 13:54:10 GMT`, `GMT`, `2018-09-06T13:54:10Z`, `2018-09-06T13:54:10`},
	{`Fri, 06 Sep 2018 13:54:10 GMT`, "", "", ""},
	{`Thu, 06 Sept 2018 13:54:10 GMT`, "", "", ""},
	{`Thursday, 06 Sep 2018 13:54:10 GMT`, "", "", ""},
	{`Thu, 6 Sep 2018 13:54:10 GMT`, "", "", ""},
	{`Thu, 06 Sep 18 13:54:10 GMT`, "", "", ""},
	{`Thu, 06 Sep +2018 13:54:10 GMT`, "", "", ""},
	{`Thu, 06 Sep 02018 13:54:10 GMT`, "", "", ""},
	{`Thu, 06 Sep +02018 13:54:10 GMT`, `GMT`, `2018-09-06T13:54:10Z`, `2018-09-06T13:54:10`},
	{`Sat, 01 Jan 0000 00:00:00 GMT`, "", "", ""},
	{`Sun, 31 Sep 2018 13:54:10 GMT`, `GMT`, `2018-09-30T13:54:10Z`, `2018-09-30T13:54:10`},
	{`Mon, 31 Sep 2018 13:54:10 GMT`, "", "", ""},
	{`Fri, 29 Feb 2025 12:00:00 GMT`, `GMT`, `2025-02-28T12:00:00Z`, `2025-02-28T12:00:00`},
	{`Fri, 30 Feb 2025 12:00:00 GMT`, `GMT`, `2025-02-28T12:00:00Z`, `2025-02-28T12:00:00`},
	{`Sat, 32 Jan 2025 12:00:00 GMT`, "", "", ""},
	{`Thu, 06 Sep 2018 24:00:00 GMT`, `GMT`, `2018-09-07T00:00:00Z`, `2018-09-07T00:00:00`},
	{`Thu, 06 Sep 2018 24:00:01 GMT`, "", "", ""},
	{`Thu, 06 Sep 2018 23:59:60 GMT`, "", "", ""},
	{`Thu, 06 Sep 2018 13:54 GMT`, "", "", ""},
	{`Thu,06 Sep 2018 13:54:10 GMT`, "", "", ""},
	{`Thu, 06 Sep 2018 13:54:10 `, "", "", ""},
	{`Thu, 06 Sep 2018 13:54:10`, "", "", ""},
	{`Sun, 09 Mar 2025 02:30:00 EST`, `America/New_York`, `2025-03-09T07:30:00Z`, `2025-03-09T03:30:00`},
	{`Sun, 02 Nov 2025 01:30:00 EST`, `America/New_York`, `2025-11-02T05:30:00Z`, `2025-11-02T01:30:00`},
	{`Sun, 30 Mar 2025 01:30:00 Europe/London`, `Europe/London`, `2025-03-30T01:30:00Z`, `2025-03-30T02:30:00`},
	{`Sun, 26 Oct 2025 01:30:00 Europe/London`, `Europe/London`, `2025-10-26T00:30:00Z`, `2025-10-26T01:30:00`},
	{`Sun, 06 Apr 2025 02:30:00 Australia/Sydney`, `Australia/Sydney`, `2025-04-05T15:30:00Z`, `2025-04-06T02:30:00`},
	{`Sun, 05 Oct 2025 02:15:00 Australia/Sydney`, `Australia/Sydney`, `2025-10-04T16:15:00Z`, `2025-10-05T03:15:00`},
	{`Sun, 27 Apr 2025 02:30:00 SystemV/EST5EDT`, `SystemV/EST5EDT`, `2025-04-27T07:30:00Z`, `2025-04-27T03:30:00`},
	{`Sun, 26 Oct 2025 01:30:00 SystemV/EST5EDT`, `SystemV/EST5EDT`, `2025-10-26T05:30:00Z`, `2025-10-26T01:30:00`},
	{`Sun, 26 Oct 2025 01:30:00 systemv/pst8pdt`, `SystemV/PST8PDT`, `2025-10-26T08:30:00Z`, `2025-10-26T01:30:00`},
}

func TestParseDateJDK17(t *testing.T) {
	t.Parallel()
	for _, tc := range jdk17DateVerdicts {
		checkVerdict(t, tc.in, tc.zone, tc.instant, tc.local)
	}
}

func checkVerdict(t *testing.T, in, zone, instant, local string) {
	t.Helper()
	d, err := ParseDate(in)
	if zone == "" {
		assert.Error(t, err, "%q: the JDK refuses it", in)
		return
	}
	if !assert.NoError(t, err, "%q: the JDK reads it as %s", in, zone) {
		return
	}
	assert.Equal(t, zone, d.Zone, in)
	assert.Equal(t, instant, javaTime(d.Instant, "2006-01-02T15:04:05Z"), in)
	assert.Equal(t, local, javaTime(d.Wall, "2006-01-02T15:04:05"), in)
	w, err := ParseRequestDate(in)
	require.NoError(t, err)
	assert.Equal(t, d.Wall, w, in)
}

// javaTime formats t as Java's ISO formatters do (years past 9999 get a '+').
func javaTime(t time.Time, layout string) string {
	if t.Year() > 9999 {
		return "+" + t.Format(layout)
	}
	return t.Format(layout)
}

// testdata/jdk17_dates.tsv is the same oracle (its first line names the
// run) on 4,096 headers: every name in jdkZoneNames on a summer and a
// winter date, every offset form behind "", GMT, UT and UTC in several
// cases, the date part's edge cases, DST gaps and overlaps, and 600 random
// mutations of valid headers.
func TestParseDateJDK17File(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/jdk17_dates.tsv")
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		n++
		cols := strings.Split(line, "\t")
		if cols[len(cols)-1] == "refused" {
			checkVerdict(t, strings.Join(cols[:len(cols)-1], "\t"), "", "", "")
			continue
		}
		require.GreaterOrEqual(t, len(cols), 4, line)
		k := len(cols) - 3
		checkVerdict(t, strings.Join(cols[:k], "\t"), cols[k], cols[k+1], cols[k+2])
	}
	require.NoError(t, sc.Err())
	assert.Equal(t, 4096, n)
}

// Every zone the JDK resolves a name to has rules here (Go's IANA data, or
// the JDK's own SystemV zones).
func TestJDKZoneNamesResolve(t *testing.T) {
	t.Parallel()
	assert.Len(t, jdkZoneNames, 873)
	for name, id := range jdkZoneNames {
		_, ok := regionRules(id)
		assert.True(t, ok, "%s -> %s", name, id)
		assert.Equal(t, strings.ToUpper(name), name)
	}
}

func FuzzParseDate(f *testing.F) {
	for _, tc := range jdk17DateVerdicts[:20] {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.Zone == "" || d.Wall.Location() != time.UTC || d.Instant.Location() != time.UTC {
			t.Fatalf("%q: %+v", s, d)
		}
		if off := d.Wall.Sub(d.Instant); off > 18*time.Hour || off < -18*time.Hour {
			t.Fatalf("%q: offset %v", s, off)
		}
	})
}
