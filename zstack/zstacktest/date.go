package zstacktest

import (
	"errors"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // region ids must resolve on machines without zoneinfo too
)

// RequestDate is an AccessKey request's Date header as the management node
// reads it: RestServer.checkTime does ZonedDateTime.parse(date, formatter)
// with
//
//	new DateTimeFormatterBuilder().parseCaseInsensitive()
//	    .appendPattern("EEE, dd MMM yyyy HH:mm:ss z").toFormatter(Locale.ENGLISH)
//
// and compares date.toLocalDateTime() with its own wall clock (default
// rest.checkTimeZone=false) or the instants (true).
type RequestDate struct {
	// Zone is the zone id Java resolves the label to: "America/New_York"
	// for "EST", "Asia/Yangon" for "MMT", "GMT+08:00", "+08:00", "Z".
	Zone string
	// Instant is date.toInstant(), in UTC.
	Instant time.Time
	// Wall is date.toLocalDateTime() as a time in UTC (it has no zone). It
	// differs from the header's text only for 24:00:00 (the next day's
	// midnight), a day clamped to the month's end ("31 Sep" is 30 Sep) and a
	// wall time in a zone's DST gap (moved forward by the gap).
	Wall time.Time
}

var errDate = errors.New("zstacktest: the Date header is not \"EEE, dd MMM yyyy HH:mm:ss z\" as the server's formatter reads it")

// ParseDate parses a Date header exactly as the server's formatter does
// (OpenJDK 17; see RequestDate), returning an error where it throws:
//
//   - "EEE" and "MMM" are English short names ("Thu", "Sep"), any case;
//     "dd", "HH", "mm", "ss" exactly two digits; "yyyy" four digits (more
//     only with a leading '+'); the weekday must be the date's, a day past
//     the month's end is clamped to it (31 Sep is 30 Sep, still checked
//     against the weekday), 24:00:00 is the next day's midnight;
//   - the zone label "z" is, in this order: an offset "+hh:mm" or
//     "+hh:mm:ss" (at most 18 h; "+08", "+0800" and "+8:00" are refused);
//     "GMT", "UT" or "UTC" alone or followed by such an offset ("GMT+8" and
//     "UTC0" are refused; "GMT0" is GMT); then a zone id or a short zone
//     name the JDK knows (jdkZoneNames: "Asia/Shanghai", "IST", "MSK",
//     "AEDT", ...), which resolves to one region ("EST" and "EDT" are both
//     America/New_York, "IST" is Africa/Abidjan, "CST" America/Chicago)
//     whose offset on that date counts, DST included; long names such as
//     "China Standard Time" are refused; last "Z";
//   - the instant is the wall time in that zone, the earlier offset in an
//     overlap and the offset before a gap, as ZonedDateTime.ofLocal.
//
// Non-ASCII bytes never match (Java's case-insensitive match folds only
// what an ISO-8859-1 header can hold, which changes nothing outside ASCII).
func ParseDate(v string) (RequestDate, error) {
	var d RequestDate
	if len(v) > 256 {
		return d, errDate
	}
	p := parser{s: v}
	wd := p.name(weekdayNames[:])
	p.lit(", ")
	day := p.num2()
	p.lit(" ")
	month := p.name(monthNames[:])
	p.lit(" ")
	year := p.year()
	p.lit(" ")
	hour := p.num2()
	p.lit(":")
	minute := p.num2()
	p.lit(":")
	sec := p.num2()
	p.lit(" ")
	if p.bad {
		return d, errDate
	}
	label := v[p.i:]

	// Resolve as Parsed.resolve does in ResolverStyle.SMART.
	if day < 1 || day > 31 || minute > 59 {
		return d, errDate
	}
	if l := daysIn(time.Month(month+1), year); day > l {
		day = l
	}
	date := time.Date(year, time.Month(month+1), day, 0, 0, 0, 0, time.UTC)
	if int(date.Weekday()) != (wd+1)%7 { // weekdayNames start on Monday
		return d, errDate
	}
	switch {
	case hour == 24 && minute == 0 && sec == 0:
		date = date.AddDate(0, 0, 1)
		hour = 0
	case hour > 23 || sec > 59:
		return d, errDate
	}
	wall := date.Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute + time.Duration(sec)*time.Second)

	zone, rules, ok := parseZone(label)
	if !ok {
		return d, errDate
	}
	instant, local := ofLocal(wall, rules)
	return RequestDate{Zone: zone, Instant: instant, Wall: local}, nil
}

// ParseRequestDate returns the Date header's wall-clock part, what the
// server compares with its own wall clock by default
// (date.toLocalDateTime(), as a time in UTC); see ParseDate.
func ParseRequestDate(v string) (time.Time, error) {
	d, err := ParseDate(v)
	return d.Wall, err
}

var (
	weekdayNames = [...]string{"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"}
	monthNames   = [...]string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
)

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// parser reads the fixed part of the pattern; bad sticks once set.
type parser struct {
	s   string
	i   int
	bad bool
}

func (p *parser) lit(l string) {
	if !p.bad && strings.HasPrefix(p.s[p.i:], l) {
		p.i += len(l)
		return
	}
	p.bad = true
}

// name matches one of names (upper case) case-insensitively.
func (p *parser) name(names []string) int {
	if !p.bad && len(p.s)-p.i >= 3 {
		for n, name := range names {
			if strings.EqualFold(p.s[p.i:p.i+3], name) {
				p.i += 3
				return n
			}
		}
	}
	p.bad = true
	return 0
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// num2 reads exactly two digits (SignStyle.NOT_NEGATIVE, fixed width).
func (p *parser) num2() int {
	if !p.bad && len(p.s)-p.i >= 2 && isDigit(p.s[p.i]) && isDigit(p.s[p.i+1]) {
		p.i += 2
		return int(p.s[p.i-2]-'0')*10 + int(p.s[p.i-1]-'0')
	}
	p.bad = true
	return 0
}

// year reads "yyyy": YEAR_OF_ERA, 4 to 19 digits, SignStyle.EXCEEDS_PAD in
// strict mode (a '+' exactly when there are more than 4 digits; a '-'
// gives a year of era below 1, which resolving refuses), within LocalDate's
// range.
func (p *parser) year() int {
	if p.bad || p.i >= len(p.s) {
		p.bad = true
		return 0
	}
	plus := p.s[p.i] == '+'
	if plus {
		p.i++
	}
	start := p.i
	y := 0
	for p.i < len(p.s) && p.i-start < 19 && isDigit(p.s[p.i]) {
		if y <= 999_999_999 {
			y = y*10 + int(p.s[p.i]-'0')
		}
		p.i++
	}
	n := p.i - start
	if n < 4 || plus != (n > 4) || y < 1 || y > 999_999_999 {
		p.bad = true
	}
	return y
}

// zoneRules gives a zone's offset, in seconds east of UTC, at an instant.
type zoneRules interface{ offset(unix int64) int }

type fixedRules int

func (f fixedRules) offset(int64) int { return int(f) }

type locRules struct{ loc *time.Location }

func (l locRules) offset(unix int64) int {
	_, off := time.Unix(unix, 0).In(l.loc).Zone()
	return off
}

// parseZone reads the "z" label as ZoneTextPrinterParser.parse does on
// JDK 17 and returns the zone id and its rules.
func parseZone(s string) (string, zoneRules, bool) {
	if s == "" {
		return "", nil, false
	}
	if s[0] == '+' || s[0] == '-' {
		off, ok := parseOffset(s)
		if !ok {
			return "", nil, false
		}
		return offsetID(off), fixedRules(off), true
	}
	up := strings.ToUpper(s)
	if prefix, rest, ok := offsetPrefix(up); ok {
		switch {
		case rest == "":
			return prefix, fixedRules(0), true
		case prefix == "GMT" && rest == "0":
			return "GMT0", fixedRules(0), true
		}
		off, ok := parseOffset(rest)
		if !ok {
			return "", nil, false
		}
		if off == 0 {
			return prefix, fixedRules(0), true
		}
		return prefix + offsetID(off), fixedRules(off), true
	}
	if id, ok := jdkZoneNames[up]; ok {
		r, ok := regionRules(id)
		return id, r, ok
	}
	if up == "Z" {
		return "Z", fixedRules(0), true
	}
	return "", nil, false
}

// offsetPrefix reports the GMT, UT or UTC prefix the parser reads as an
// offset-based zone before looking at names.
func offsetPrefix(up string) (prefix, rest string, ok bool) {
	for _, p := range [...]string{"UTC", "GMT", "UT"} {
		if rest, ok := strings.CutPrefix(up, p); ok {
			return p, rest, true
		}
	}
	return "", "", false
}

// parseOffset reads "+HH:MM:ss" strictly: sign, two-digit hours, a colon
// and two-digit minutes, optionally a colon and two-digit seconds; at most
// 23:59:59 per field and 18 hours in all (ZoneOffset's range).
func parseOffset(s string) (int, bool) {
	if len(s) != 6 && len(s) != 9 || s[0] != '+' && s[0] != '-' || s[3] != ':' || len(s) == 9 && s[6] != ':' {
		return 0, false
	}
	var f [3]int
	for k := 0; 1+3*k < len(s); k++ {
		a, b := s[1+3*k], s[2+3*k]
		if !isDigit(a) || !isDigit(b) {
			return 0, false
		}
		f[k] = int(a-'0')*10 + int(b-'0')
	}
	if f[0] > 23 || f[1] > 59 || f[2] > 59 {
		return 0, false
	}
	off := f[0]*3600 + f[1]*60 + f[2]
	if off > 18*3600 {
		return 0, false
	}
	if s[0] == '-' {
		off = -off
	}
	return off, true
}

// offsetID is ZoneOffset.getId: "Z", "+08:00", "-05:30", "+05:30:15".
func offsetID(off int) string {
	if off == 0 {
		return "Z"
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	b := []byte{sign, byte('0' + off/36000), byte('0' + off/3600%10), ':', byte('0' + off/600%6), byte('0' + off/60%10)}
	if s := off % 60; s != 0 {
		b = append(b, ':', byte('0'+s/10), byte('0'+s%10))
	}
	return string(b)
}

var regionCache sync.Map // zone id -> zoneRules

// regionRules loads a region id the JDK resolved a name to. The JDK's
// SystemV zones are not in the IANA data Go has: SystemV/XXXn is a fixed
// offset, SystemV/XXXnYYY one with US daylight time of 1976-1986 (the last
// Sundays of April and October, 02:00), from the JDK's tzdata "systemv".
func regionRules(id string) (zoneRules, bool) {
	if r, ok := regionCache.Load(id); ok {
		return r.(zoneRules), true
	}
	var r zoneRules
	if sysv, ok := systemV[id]; ok {
		r = sysv
	} else {
		loc, err := time.LoadLocation(id)
		if err != nil {
			return nil, false
		}
		r = locRules{loc}
	}
	regionCache.Store(id, r)
	return r, true
}

// sysVRules is a SystemV zone: a standard offset and, if dst, an hour more
// from the last Sunday of April 02:00 (standard time) to the last Sunday of
// October 02:00 (daylight time).
type sysVRules struct {
	std int
	dst bool
}

var systemV = map[string]zoneRules{
	"SystemV/AST4": sysVRules{-4 * 3600, false}, "SystemV/AST4ADT": sysVRules{-4 * 3600, true},
	"SystemV/CST6": sysVRules{-6 * 3600, false}, "SystemV/CST6CDT": sysVRules{-6 * 3600, true},
	"SystemV/EST5": sysVRules{-5 * 3600, false}, "SystemV/EST5EDT": sysVRules{-5 * 3600, true},
	"SystemV/HST10": sysVRules{-10 * 3600, false},
	"SystemV/MST7":  sysVRules{-7 * 3600, false}, "SystemV/MST7MDT": sysVRules{-7 * 3600, true},
	"SystemV/PST8": sysVRules{-8 * 3600, false}, "SystemV/PST8PDT": sysVRules{-8 * 3600, true},
	"SystemV/YST9": sysVRules{-9 * 3600, false}, "SystemV/YST9YDT": sysVRules{-9 * 3600, true},
}

func (z sysVRules) offset(unix int64) int {
	if !z.dst {
		return z.std
	}
	year := time.Unix(unix+int64(z.std), 0).UTC().Year()
	lastSunday := func(m time.Month) int64 {
		t := time.Date(year, m+1, 0, 2, 0, 0, 0, time.UTC) // the month's last day, 02:00
		t = t.AddDate(0, 0, -int(t.Weekday()))
		return t.Unix()
	}
	start := lastSunday(time.April) - int64(z.std)        // 02:00 standard
	end := lastSunday(time.October) - int64(z.std) - 3600 // 02:00 daylight
	if unix >= start && unix < end {
		return z.std + 3600
	}
	return z.std
}

// ofLocal is ZonedDateTime.ofLocal(wall, zone, null): the instant of a wall
// time (given as a time in UTC) in a zone and its local date-time. In an
// overlap the earlier offset (the one before the transition) wins; in a
// gap the wall time moves forward by the gap's length.
func ofLocal(wall time.Time, r zoneRules) (instant, local time.Time) {
	w := wall.Unix()
	before, after := r.offset(w-2*86400), r.offset(w+2*86400)
	valid := func(off int) bool { return r.offset(w-int64(off)) == off }
	var off int
	switch {
	case valid(before):
		off = before
	case valid(after):
		off = after
	default: // a gap: the offset before it, then shown in the offset after
		instant = time.Unix(w-int64(before), 0).UTC()
		return instant, instant.Add(time.Duration(r.offset(instant.Unix())) * time.Second)
	}
	instant = time.Unix(w-int64(off), 0).UTC()
	return instant, wall
}
