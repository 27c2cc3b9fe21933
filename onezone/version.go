package onezone

import (
	"strconv"
	"strings"
)

// Version is a parsed Onezone version such as "21.02.4" or
// "20.02.0-beta4" (numeric parts, then an optional pre-release).
type Version struct {
	Parts      []int
	PreRelease string
}

// ParseVersion parses a version; ok is false when it has no leading
// numeric part.
func ParseVersion(s string) (Version, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	var v Version
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		v.PreRelease = s[i+1:]
		if s[i] == '+' {
			v.PreRelease = ""
		}
		s = s[:i]
	}
	if s == "" {
		return Version{}, false
	}
	for _, p := range strings.Split(s, ".") {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return Version{}, false
		}
		v.Parts = append(v.Parts, n)
	}
	return v, true
}

func mustVersion(s string) Version {
	v, ok := ParseVersion(s)
	if !ok {
		panic("onezone: bad version constant " + s)
	}
	return v
}

// Less reports whether v is older than w. Missing parts count as 0; a
// pre-release is older than the release.
func (v Version) Less(w Version) bool {
	n := max(len(v.Parts), len(w.Parts))
	for i := 0; i < n; i++ {
		a, b := part(v.Parts, i), part(w.Parts, i)
		if a != b {
			return a < b
		}
	}
	return v.PreRelease != "" && w.PreRelease == "" || v.PreRelease != "" && w.PreRelease != "" && v.PreRelease < w.PreRelease
}

func part(p []int, i int) int {
	if i < len(p) {
		return p[i]
	}
	return 0
}
