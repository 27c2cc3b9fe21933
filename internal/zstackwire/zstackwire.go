// Package zstackwire holds the pure functions of ZStack's wire format that
// package zstack, its fake's tests and the benchmarks share: the AccessKey
// signature (HMAC-SHA1 over METHOD, Date and the path from /v1/), its Date
// header, the login password hash, inventory dates. They are not part of
// the public API: package zstack signs every request itself.
package zstackwire

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// DateLayout is the layout of the Date header of a signed request, without
// the zone label: the server parses "EEE, dd MMM yyyy HH:mm:ss z".
const DateLayout = "Mon, 02 Jan 2006 15:04:05"

// FormatDate formats t as the server's wall-clock time in loc with a zone
// label the server can parse: "GMT" for UTC, else "GMT+08:00" / "GMT-05:00"
// (never "+0800" or "CST", which old servers cannot read or misread). With
// the server's default checkTimeZone=false only the wall-clock part is
// compared, so loc must be the server's zone.
func FormatDate(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	return t.Format(DateLayout) + " " + ZoneLabel(t)
}

// ZoneLabel is the zone label of FormatDate: "GMT", or "GMT+08:00".
func ZoneLabel(t time.Time) string {
	_, off := t.Zone()
	if off == 0 {
		return "GMT"
	}
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	off /= 60
	return fmt.Sprintf("GMT%c%02d:%02d", sign, off/60, off%60)
}

// StringToSign returns what an AccessKey signature covers:
// METHOD + "\n" + date + "\n" + uri, where uri is the decoded path from
// "/v1/" on (no "/zstack" context, no query).
func StringToSign(method, date, uri string) string {
	return strings.ToUpper(method) + "\n" + date + "\n" + uri
}

// Sign returns base64(HMAC-SHA1(secret, StringToSign(method, date, uri))),
// the signature sent as "Authorization: ZStack <AccessKeyID>:<signature>".
func Sign(secret, method, date, uri string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(StringToSign(method, date, uri)))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// SignURI returns the path a signature covers for a request path: the part
// from "/v1/" on, so a "/zstack" context (or any proxy prefix before it) is
// left out. The query is never part of it.
func SignURI(path string) string {
	if strings.HasPrefix(path, "/v1/") || path == "/v1" {
		return path
	}
	if i := strings.Index(path, "/v1/"); i >= 0 {
		return path[i:]
	}
	return path
}

// AuthorizationHeader returns "ZStack <accessKeyID>:<signature>".
func AuthorizationHeader(accessKeyID, signature string) string {
	return "ZStack " + accessKeyID + ":" + signature
}

// HashPassword returns the lowercase SHA-512 hex digest of password, the
// form every ZStack login API expects. The digest is as secret as the
// password.
func HashPassword(password string) string {
	sum := sha512.Sum512([]byte(password))
	return hex.EncodeToString(sum[:])
}

// inventoryLayout is Gson's default Timestamp format: "Sep 6, 2018 1:50:06 PM".
const inventoryLayout = "Jan 2 2006 3:04:05 PM"

// sentLayout is inventoryLayout as the server sends it, with the comma.
const sentLayout = "Jan 2, 2006 3:04:05 PM"

// dateSpaces turns the comma and the no-break spaces of a date into spaces.
var dateSpaces = strings.NewReplacer(",", " ", "\u202f", " ", "\u00a0", " ")

// FormatInventoryDate formats t like the server does in inventories
// ("Sep 6, 2018 1:50:06 PM"), as wall-clock time in loc, without a zone.
func FormatInventoryDate(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Jan 2, 2006 3:04:05 PM")
}

// ParseInventoryDate parses an inventory date such as
// "Sep 6, 2018 1:50:06 PM" as wall-clock time in loc (the server's zone;
// the server sends no zone). It is lenient about the comma newer JDKs put
// after the year and the narrow no-break space before AM/PM. An empty
// string is the zero time.
func ParseInventoryDate(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if len(s) > 64 {
		return time.Time{}, errors.New("zstack: date too long")
	}
	// The form the server sends parses as is; anything else is normalised.
	if t, err := time.ParseInLocation(sentLayout, s, loc); err == nil {
		return t, nil
	}
	n := dateSpaces.Replace(s)
	n = strings.Join(strings.Fields(n), " ")
	for _, layout := range []string{inventoryLayout, "Jan 2 2006 15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, n, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("zstack: cannot parse date " + quoteShort(s))
}

func quoteShort(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return `"` + s + `"`
}
