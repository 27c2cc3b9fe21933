package e24test

import (
	"errors"
	"strings"
	"time"
)

var errXDate = errors.New("e24test: X-Date is not an HTTP date as PHP's strtotime reads it")

// ParseXDate reads an X-Date header the way the real server is assumed to:
// it is PHP, and how it reads X-Date is not documented, so the fake takes
// PHP's strtotime (PHP 8.2, date.timezone UTC) as the rule, for the
// HTTP-date shapes only. Accepted, with strtotime's reading:
//
//   - RFC 1123/822/2822 and RFC 850: "[Day[,] ]D[D] Mon YYYY HH:MM:SS[ zone]",
//     with '-' instead of either space of the date ("Monday, 04-Jul-16
//     ..."), a two-digit year (00-69 is 20xx, 70-99 19xx) and a comma after
//     the year (the vendor's own example, "Mon, 04 Jul 2015, 14:01:02 EST");
//     asctime: "[Day ]Mon D HH:MM:SS YYYY" (day padded with a space or a
//     zero, or not). Day and month names are English, abbreviated or full
//     ("Sept" too), any case.
//   - The zone is one of strtotime's abbreviations (phpZoneAbbreviations,
//     any case), each one fixed offset whatever the date: EST is -05:00 and
//     EDT -04:00 in any season, CST -06:00, IST +02:00 (Israel), KST +08:30,
//     BST +01:00, GMT/UTC/Z 0, the military letters A-Z but J; or a numeric
//     offset, "GMT" (upper case) optional before it: ±H, ±HH (up to 99
//     hours), ±HMM, ±HHMM and ±HH:MM (hours to 24, minutes to 59), ±HHMMSS,
//     ±HH:MM:SS. No zone means UTC (PHP's default when date.timezone is
//     unset; the real server's setting is unknown). RFC 822's "UT" is
//     refused: strtotime does not know it.
//   - Fields overflow as in PHP: day 0 is the previous month's last day, 31
//     Jun is 1 Jul, 24:MM:SS is the next day, second 60 the next minute;
//     day 32+, minute 60+ or second 61+ are refused.
//   - A day name is not checked but applied as strtotime does: the date
//     moves forward to the next such weekday (0-6 days), after the
//     overflow. "Tue, 04 Jul 2016" (a Monday) is 5 Jul 2016, and the
//     vendor's "Mon, 04 Jul 2015" (a Saturday) is 6 Jul 2015.
//
// strtotime accepts much more (relative forms like "now" or "+1 day", ISO
// 8601, region ids such as "Europe/Warsaw", one-digit times, a zone in
// parentheses, several spaces); the fake refuses those, so it is stricter
// than the server could be, never looser. testdata/strtotime.tsv holds
// PHP's verdicts the tests compare with.
func ParseXDate(v string) (time.Time, error) {
	v = strings.Trim(v, " \t")
	if len(v) > 128 {
		return time.Time{}, errXDate
	}
	p := &xparser{s: v}
	if t, ok := p.rfc1123(); ok {
		return t, nil
	}
	p = &xparser{s: v}
	if t, ok := p.asctime(); ok {
		return t, nil
	}
	return time.Time{}, errXDate
}

var (
	weekdays = [...]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}
	months   = [...]string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
)

type xparser struct {
	s string
	i int
}

func (p *xparser) rest() string { return p.s[p.i:] }

func (p *xparser) eat(lit string) bool {
	if strings.HasPrefix(p.rest(), lit) {
		p.i += len(lit)
		return true
	}
	return false
}

// word reads a run of ASCII letters.
func (p *xparser) word() string {
	j := p.i
	for j < len(p.s) && (p.s[j]|0x20) >= 'a' && (p.s[j]|0x20) <= 'z' {
		j++
	}
	w := p.s[p.i:j]
	p.i = j
	return w
}

// digits reads between min and max ASCII digits.
func (p *xparser) digits(minN, maxN int) (int, bool) {
	j, n := p.i, 0
	for j < len(p.s) && j-p.i < maxN && isDigit(p.s[j]) {
		n = n*10 + int(p.s[j]-'0')
		j++
	}
	if j-p.i < minN || j < len(p.s) && isDigit(p.s[j]) {
		return 0, false
	}
	p.i = j
	return n, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// weekday matches an English day name, abbreviated or full.
func weekday(w string) (time.Weekday, bool) {
	w = strings.ToLower(w)
	for d, name := range weekdays {
		if w == name || w == name[:3] {
			return time.Weekday(d), true
		}
	}
	return 0, false
}

// month matches an English month name, abbreviated, full or "sept".
func month(w string) (time.Month, bool) {
	w = strings.ToLower(w)
	for m, name := range months {
		if w == name || w == name[:3] || m == 8 && w == "sept" {
			return time.Month(m + 1), true
		}
	}
	return 0, false
}

// dayName reads an optional leading day name and the separator after it:
// sep is ", " or "," or " " (RFC 1123 style) or " " (asctime).
func (p *xparser) dayName(commaOK bool) (wd time.Weekday, has, ok bool) {
	save := p.i
	w := p.word()
	if w == "" {
		return 0, false, true
	}
	wd, isDay := weekday(w)
	if !isDay {
		p.i = save // a month, for asctime without a day name
		return 0, false, true
	}
	switch {
	case commaOK && p.eat(", "), commaOK && p.eat(","), p.eat(" "):
		return wd, true, true
	}
	return 0, false, false
}

// rfc1123 reads "[Day[,] ]D[D] Mon YYYY[,] HH:MM:SS[ zone]" ('-' or ' '
// between the date's parts).
func (p *xparser) rfc1123() (time.Time, bool) {
	wd, hasWD, ok := p.dayName(true)
	if !ok {
		return time.Time{}, false
	}
	day, ok := p.digits(1, 2)
	if !ok || !p.dateSep() {
		return time.Time{}, false
	}
	mon, ok := month(p.word())
	if !ok || !p.dateSep() {
		return time.Time{}, false
	}
	year, ok := p.year()
	if !ok {
		return time.Time{}, false
	}
	p.eat(",")
	if !p.eat(" ") {
		return time.Time{}, false
	}
	h, m, s, ok := p.clock()
	if !ok {
		return time.Time{}, false
	}
	off := 0
	if p.i < len(p.s) {
		if !p.eat(" ") {
			return time.Time{}, false
		}
		if off, ok = parseZone(p.rest()); !ok {
			return time.Time{}, false
		}
	}
	return resolve(year, mon, day, h, m, s, off, wd, hasWD)
}

func (p *xparser) dateSep() bool { return p.eat(" ") || p.eat("-") }

// year reads four digits as they are, or two as strtotime does
// (00-69: 2000-2069, 70-99: 1970-1999).
func (p *xparser) year() (int, bool) {
	start := p.i
	y, ok := p.digits(2, 4)
	switch {
	case !ok || p.i-start == 3:
		return 0, false
	case p.i-start == 4:
		return y, true
	case y < 70:
		return 2000 + y, true
	default:
		return 1900 + y, true
	}
}

// clock reads HH:MM:SS: hours 00-24, minutes 00-59, seconds 00-60.
func (p *xparser) clock() (h, m, s int, ok bool) {
	var ok1, ok2, ok3 bool
	h, ok1 = p.digits(2, 2)
	if !ok1 || !p.eat(":") {
		return 0, 0, 0, false
	}
	m, ok2 = p.digits(2, 2)
	if !ok2 || !p.eat(":") {
		return 0, 0, 0, false
	}
	s, ok3 = p.digits(2, 2)
	return h, m, s, ok3 && h <= 24 && m <= 59 && s <= 60
}

// asctime reads "[Day ]Mon D HH:MM:SS YYYY" (one or two spaces before the
// day, which may be zero-padded).
func (p *xparser) asctime() (time.Time, bool) {
	wd, hasWD, ok := p.dayName(false)
	if !ok {
		return time.Time{}, false
	}
	mon, ok := month(p.word())
	if !ok || !p.eat(" ") {
		return time.Time{}, false
	}
	p.eat(" ")
	day, ok := p.digits(1, 2)
	if !ok || !p.eat(" ") {
		return time.Time{}, false
	}
	h, m, s, ok := p.clock()
	if !ok || !p.eat(" ") {
		return time.Time{}, false
	}
	start := p.i
	year, ok := p.digits(4, 4)
	if !ok || p.i-start != 4 || p.i != len(p.s) {
		return time.Time{}, false
	}
	return resolve(year, mon, day, h, m, s, 0, wd, hasWD)
}

// resolve computes strtotime's instant: the fields with their overflow,
// then the day name's forward move, then the zone.
func resolve(year int, mon time.Month, day, h, m, s, off int, wd time.Weekday, hasWD bool) (time.Time, bool) {
	if day > 31 {
		return time.Time{}, false
	}
	local := time.Date(year, mon, day, h, m, s, 0, time.UTC)
	if hasWD {
		local = local.AddDate(0, 0, (int(wd)-int(local.Weekday())+7)%7)
	}
	return local.Add(-time.Duration(off) * time.Second), true
}

// parseZone reads the zone at the end of the header: an abbreviation
// strtotime knows, or a numeric offset with an optional "GMT" before it.
func parseZone(z string) (int, bool) {
	if off, ok := phpZoneAbbreviations[strings.ToLower(z)]; ok {
		return int(off), true
	}
	z = strings.TrimPrefix(z, "GMT")
	if z == "" || z[0] != '+' && z[0] != '-' {
		return 0, false
	}
	off, ok := parseOffset(z[1:])
	if z[0] == '-' {
		off = -off
	}
	return off, ok
}

// parseOffset is timelib's numeric zone correction: the text must match
// hour24 [[":"] minute] | hour24lz minutelz secondlz |
// hour24lz ":" minutelz ":" secondlz (hour24 0-24 in one or two digits,
// minute 0-59 in one or two, the lz forms two digits, seconds to 60), and
// its value is read by its length (timelib_parse_tz_cor): one or two
// characters are hours (so "+99" is 99 hours), three or four "H:M",
// "H:MM", "HH:M" or HHMM, five "HH:MM", six HHMMSS, eight "HH:MM:SS".
func parseOffset(b string) (int, bool) {
	if !offsetSyntax(b) {
		return 0, false
	}
	num := func(s string) int {
		n := 0
		for i := 0; i < len(s) && isDigit(s[i]); i++ {
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	switch len(b) {
	case 1, 2:
		return num(b) * 3600, true
	case 3, 4:
		switch {
		case b[1] == ':':
			return num(b)*3600 + num(b[2:])*60, true
		case b[2] == ':':
			return num(b)*3600 + num(b[3:])*60, true
		default:
			n := num(b)
			return n/100*3600 + n%100*60, true
		}
	case 5:
		return num(b)*3600 + num(b[3:])*60, true
	case 6:
		n := num(b)
		return n/10000*3600 + n/100%100*60 + n%100, true
	case 8:
		return num(b)*3600 + num(b[3:])*60 + num(b[6:]), true
	}
	return 0, false
}

// offsetSyntax reports whether b matches timelib's tzcorrection body.
func offsetSyntax(b string) bool {
	two := func(s string, hi int) bool { // exactly two digits, at most hi
		return len(s) == 2 && isDigit(s[0]) && isDigit(s[1]) && int(s[0]-'0')*10+int(s[1]-'0') <= hi
	}
	oneOrTwo := func(s string, hi int) bool { // [0-9] or two digits to hi, with a leading digit <= hi/10
		if len(s) == 1 {
			return isDigit(s[0])
		}
		return two(s, hi)
	}
	hour := func(s string) bool { // [01]?[0-9] | 2[0-4]
		return oneOrTwo(s, 24)
	}
	minute := func(s string) bool { // [0-5]?[0-9]
		return oneOrTwo(s, 59)
	}
	if h, m, ok := strings.Cut(b, ":"); ok {
		if h2, s, ok := strings.Cut(m, ":"); ok {
			return two(h, 24) && two(h2, 59) && two(s, 60)
		}
		return hour(h) && minute(m)
	}
	for i := 0; i < len(b); i++ {
		if !isDigit(b[i]) {
			return false
		}
	}
	switch len(b) {
	case 1, 2: // one hour digit and one minute digit, or two hour digits
		return true
	case 3:
		return hour(b[:1]) && minute(b[1:]) || hour(b[:2]) && minute(b[2:])
	case 4:
		return hour(b[:2]) && minute(b[2:])
	case 6:
		return two(b[:2], 24) && two(b[2:4], 59) && two(b[4:], 60)
	}
	return false
}
