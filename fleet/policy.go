package fleet

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cloudkeys/cloudkeys"
)

// Policy is what a key must satisfy. A zero duration is not checked.
type Policy struct {
	// MaxAge: no key older than this (from its creation time).
	MaxAge time.Duration
	// MaxUnused: no key whose last use is longer ago than this.
	MaxUnused time.Duration
	// ExpiringWithin: no key that expires within this (or has expired).
	ExpiringWithin time.Duration
	// Now is the time the policy is judged at; nil means time.Now.
	Now func() time.Time
}

// IsZero reports whether the policy checks nothing.
func (p Policy) IsZero() bool { return p.MaxAge == 0 && p.MaxUnused == 0 && p.ExpiringWithin == 0 }

func (p Policy) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// Verdict is the outcome of judging one key against a [Policy].
type Verdict string

// The verdicts. A key violates the policy when a check fails on a value
// the vendor reported; it is unknown when no check fails but one could not
// be made because the vendor does not report the value it needs (e24cloud
// reports no creation time, only Huawei reports last use); it is ok when
// every check passed.
const (
	VerdictOK       Verdict = "ok"
	VerdictViolates Verdict = "violates"
	VerdictUnknown  Verdict = "unknown"
)

// Finding is the audit of one key. It never holds a secret.
type Finding struct {
	Profile   string // the Target's profile
	Vendor    string
	Owner     string
	ID        string
	AccessKey string // the public half, where the vendor has one
	Name      string
	Enabled   bool
	// Created and LastUsed are zero where the vendor does not report them
	// (unknown, never guessed); Expires is zero for a key that never
	// expires.
	Created  time.Time
	LastUsed time.Time
	Expires  time.Time
	Verdict  Verdict
	// Reasons explain every failed check, and every check that could not
	// be made ("created: unknown ..."), one phrase each.
	Reasons []string
}

// Judge evaluates key k, found on target profile, against p.
func (p Policy) Judge(profile string, k *cloudkeys.Key) Finding {
	f := Finding{Profile: profile, Vendor: k.Vendor, Owner: k.Owner, ID: k.ID, AccessKey: k.AccessKey, Name: k.Name,
		Enabled: k.Enabled, Created: k.CreatedAt, LastUsed: k.LastUsedAt, Expires: k.ExpiresAt}
	now := p.now()
	var violations, unknowns []string
	if p.MaxAge > 0 {
		switch {
		case f.Created.IsZero():
			unknowns = append(unknowns, "age unknown: "+k.Vendor+" does not report when this key was created")
		case now.Sub(f.Created) > p.MaxAge:
			violations = append(violations, fmt.Sprintf("created %s ago (max %s)", FormatDuration(now.Sub(f.Created)), FormatDuration(p.MaxAge)))
		}
	}
	if p.MaxUnused > 0 {
		switch {
		case f.LastUsed.IsZero():
			unknowns = append(unknowns, "last use unknown: "+k.Vendor+" does not report it for this key")
		case now.Sub(f.LastUsed) > p.MaxUnused:
			violations = append(violations, fmt.Sprintf("last used %s ago (max %s)", FormatDuration(now.Sub(f.LastUsed)), FormatDuration(p.MaxUnused)))
		}
	}
	if p.ExpiringWithin > 0 && !f.Expires.IsZero() {
		switch left := f.Expires.Sub(now); {
		case left <= 0:
			violations = append(violations, fmt.Sprintf("expired %s ago", FormatDuration(-left)))
		case left <= p.ExpiringWithin:
			violations = append(violations, fmt.Sprintf("expires in %s (within %s)", FormatDuration(left), FormatDuration(p.ExpiringWithin)))
		}
	}
	switch {
	case len(violations) > 0:
		f.Verdict = VerdictViolates
	case len(unknowns) > 0:
		f.Verdict = VerdictUnknown
	default:
		f.Verdict = VerdictOK
	}
	f.Reasons = append(violations, unknowns...)
	return f
}

// ParseDuration parses a policy duration: Go's form ("720h", "90m") or a
// whole number of days with the suffix d ("90d"), which Go durations lack.
// A day is 24 hours. Negative durations are refused.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseUint(days, 10, 32)
		if err != nil || n > 100000 {
			return 0, fmt.Errorf("invalid duration %q: want a number of days such as 90d, or a Go duration such as 720h", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("invalid duration %q: want a number of days such as 90d, or a Go duration such as 720h", s)
	}
	return d, nil
}

// FormatDuration prints d in whole days when it is at least a day ("95d"),
// else as a Go duration, rounded to the second from a second on.
func FormatDuration(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	case d >= time.Second:
		return d.Round(time.Second).String()
	}
	return d.String()
}
