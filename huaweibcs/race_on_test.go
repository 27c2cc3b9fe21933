//go:build race

package huaweibcs

// maxReadKeysPageAllocs under the race detector, whose sync.Pool drops a
// share of what is put back (then the scratch slice grows anew).
const maxReadKeysPageAllocs = 20.0
