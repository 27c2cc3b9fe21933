//go:build !race

package transport

// raceEnabled is true under the race detector, whose sync.Pool drops a
// share of what is put back: the allocation counts of pooled paths hold
// only without it.
const raceEnabled = false
