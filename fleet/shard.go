package fleet

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// InShard reports whether the profile named profile belongs to shard i of
// n (1 ≤ i ≤ n): the FNV-1a hash of the name, modulo n, is i−1. The split
// depends on nothing but the name, so machines that each run one shard
// cover every profile exactly once without talking to each other.
func InShard(profile string, i, n int) bool {
	if n <= 1 {
		return true
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(profile))
	return int(h.Sum32()%uint32(n)) == i-1
}

// Shard returns the targets of shard i of n (see [InShard]).
func Shard(targets []Target, i, n int) []Target {
	var out []Target
	for _, t := range targets {
		if InShard(t.Profile, i, n) {
			out = append(out, t)
		}
	}
	return out
}

// ParseShard parses "i/n" (1 ≤ i ≤ n), e.g. "2/3".
func ParseShard(s string) (i, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return 0, 0, fmt.Errorf("invalid shard %q: want i/n with 1 ≤ i ≤ n, e.g. 1/3", s)
	}
	return i, n, nil
}
