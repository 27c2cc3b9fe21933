//go:build !race

package huaweibcs

// maxReadKeysPageAllocs: the answer's text and the Keys.
const maxReadKeysPageAllocs = 2.0
