package e24test

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// PHP's verdicts on X-Date headers, from the oracle: strtotime(line,
// 1467640862) with date.timezone UTC on PHP 8.2.36 (Debian 12 php8.2-cli),
// testdata/strtotime.php, run 2026-12-07. Each row: the header, the instant
// strtotime gives it ("" for false), and, where PHP accepts a shape the fake
// does not take (it is stricter than the server could be, never looser),
// why. Most rows read 2016-07-04T14:01:02Z written in another zone: EDT and
// EST, CDT and CST... are fixed offsets in PHP whatever the season; IST is
// Israel's +02:00 and KST +08:30 (timelib's first entries); "UT" and
// military "J" are unknown to it; a day name moves the date forward to
// that weekday.
var strtotimeVerdicts = []struct{ in, instant, fakeRefuses string }{
	{`Mon, 04 Jul 2016 14:01:02 GMT`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 14:01:02 UTC`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 14:01:02 UT`, ``, ``},
	{`Mon, 04 Jul 2016 14:01:02 Z`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 10:01:02 EDT`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 09:01:02 EST`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jan 2016 09:01:02 EST`, `2016-01-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 09:01:02 CDT`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 08:01:02 CST`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 08:01:02 MDT`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 07:01:02 MST`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 07:01:02 PDT`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 06:01:02 PST`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 16:01:02 CEST`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 16:01:02 +0200`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 09:01:02 -0500`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 16:01:02 +02:00`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 16:01:02 +02`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 16:01:02 GMT+0200`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 19:31:02 +0530`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 14:01:02 +2500`, ``, ``},
	{`Mon, 04 Jul 2016 14:01:02 +0960`, ``, ``},
	{`mon, 04 jul 2016 14:01:02 gmt`, `2016-07-04T14:01:02Z`, ``},
	{`MON, 04 JUL 2016 10:01:02 EDT`, `2016-07-04T14:01:02Z`, ``},
	{`mon, 04 jul 2016 10:01:02 edt`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 15:01:02 A`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 02:01:02 Y`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 14:01:02 J`, ``, ``},
	{`04 Jul 2016 14:01:02 GMT`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 16 14:01:02 GMT`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 70 14:01:02 GMT`, `1970-07-06T14:01:02Z`, ``},
	{`Monday, 04-Jul-16 14:01:02 GMT`, `2016-07-04T14:01:02Z`, ``},
	{`Mon Jul  4 14:01:02 2016`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 14:01:02`, `2016-07-04T14:01:02Z`, ``},
	{`Tue, 04 Jul 2016 14:01:02 GMT`, `2016-07-05T14:01:02Z`, ``},
	{`Mon, 04 Jul 2015, 14:01:02 EST`, `2015-07-06T19:01:02Z`, ``},
	{`Mon, 04 Jul 2016 24:00:00 GMT`, `2016-07-11T00:00:00Z`, ``},
	{`Mon, 00 Jul 2016 14:01:02 GMT`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 32 Jul 2016 14:01:02 GMT`, ``, ``},
	{`Mon, 04 Jul 2016 14:60:02 GMT`, ``, ``},
	{`Mon, 04 Jul 2016 16:01:02 IST`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 22:31:02 KST`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 17:01:02 MSK`, `2016-07-04T14:01:02Z`, ``},
	{`Mon, 04 Jul 2016 14:01:02 garbage`, ``, ``},
	{`garbage`, ``, ``},
	{``, ``, ``},
	{`now`, `2016-07-04T14:01:02Z`, `a relative form, not an HTTP date`},
	{`2016-07-04T14:01:02Z`, `2016-07-04T14:01:02Z`, `ISO 8601, not an HTTP date`},
	{`Mon, 04 Jul 2016 14:01:02 Europe/Warsaw`, `2016-07-04T12:01:02Z`, `a region id, not an HTTP-date zone`},
	{`Mon, 04 Jul 2016 14:01:02 UTC+2`, `2016-07-04T14:01:02Z`, `strtotime reads UTC and drops +2 ("double timezone" warning)`},
	{`Mon, 04 Jul 2016 4:01:02 GMT`, `2016-07-04T04:01:02Z`, `a one-digit hour`},
}

func TestParseXDateStrtotime(t *testing.T) {
	t.Parallel()
	for _, tc := range strtotimeVerdicts {
		got, err := ParseXDate(tc.in)
		switch {
		case tc.instant == "":
			assert.Error(t, err, "%q: strtotime gives false", tc.in)
		case tc.fakeRefuses != "":
			assert.Error(t, err, "%q: the fake refuses it (%s) though strtotime gives %s", tc.in, tc.fakeRefuses, tc.instant)
		default:
			if assert.NoError(t, err, "%q: strtotime gives %s", tc.in, tc.instant) {
				assert.Equal(t, tc.instant, got.UTC().Format(time.RFC3339), tc.in)
			}
		}
	}
}

// testdata/strtotime.tsv is the same oracle (its first line names the run)
// on 5,459 headers: every component of the HTTP-date shapes varied alone,
// every strtotime abbreviation and numeric offset form on two dates,
// random combinations of components inside and outside the shapes, asctime
// variants and 600 random mutations of valid headers. The fake never
// accepts what strtotime refuses and, where both accept, reads the same
// instant; it refuses 776 headers strtotime accepts, all outside the
// shapes it takes (extra spaces, " ," after the year, fractions, one-digit
// times, three-digit years, a second zone, parentheses, relative words).
func TestParseXDateStrtotimeFile(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/strtotime.tsv")
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	n, stricter := 0, 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		n++
		cols := strings.Split(line, "\t")
		require.GreaterOrEqual(t, len(cols), 2, line)
		got, err := ParseXDate(cols[0])
		if cols[1] == "false" {
			assert.Error(t, err, "%q: strtotime gives false", cols[0])
			continue
		}
		if err != nil {
			stricter++
			continue
		}
		want, perr := strconv.ParseInt(cols[1], 10, 64)
		require.NoError(t, perr, line)
		assert.Equal(t, want, got.Unix(), "%q: strtotime gives %s", cols[0], cols[len(cols)-1])
	}
	require.NoError(t, sc.Err())
	assert.Equal(t, 5459, n)
	assert.Equal(t, 776, stricter, "headers strtotime accepts and the fake refuses")
}

// Every abbreviation strtotime knows reads at its own offset, in any case.
func TestPHPZoneAbbreviations(t *testing.T) {
	t.Parallel()
	assert.Len(t, phpZoneAbbreviations, 144)
	base := time.Date(2016, 7, 4, 14, 1, 2, 0, time.UTC)
	for abbr, off := range phpZoneAbbreviations {
		for _, z := range []string{abbr, strings.ToUpper(abbr)} {
			got, err := ParseXDate("Mon, 04 Jul 2016 14:01:02 " + z)
			if assert.NoError(t, err, z) {
				assert.Equal(t, base.Add(-time.Duration(off)*time.Second), got, z)
			}
		}
	}
}
