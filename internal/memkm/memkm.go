// Package memkm is the in-memory cloudkeys.KeyManager of the SDK's own
// tests, now public as cloudkeystest.KeyManager: these aliases keep
// existing tests compiling. New code should use cloudkeystest.
package memkm

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
)

// KM is cloudkeystest.KeyManager.
type KM = cloudkeystest.KeyManager

// New is cloudkeystest.NewKeyManager.
func New(caps cloudkeys.Capabilities) *KM { return cloudkeystest.NewKeyManager(caps) }
