//go:build race

package fakeserver_test

// raceEnabled is true under the race detector, which makes byte-heavy
// tests slow; they then move less data.
const raceEnabled = true
