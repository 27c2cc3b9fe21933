package zstack

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
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
	return t.Format(DateLayout) + " " + zoneLabel(t)
}

func zoneLabel(t time.Time) string {
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
