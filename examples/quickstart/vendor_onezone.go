package main

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
)

func init() {
	vendors = append(vendors, vendor{name: "onezone", start: func() (cloudkeys.KeyManager, cloudkeys.CreateKeyRequest, func()) {
		srv := onezonetest.NewServer()
		// Basic auth as the seeded admin; keys are named access tokens of
		// the caller. Onezone requires a name, unique per owner, so
		// cloudkeys.Rotate derives a new one for the replacement.
		return srv.Client(), cloudkeys.CreateKeyRequest{Name: "quickstart", Description: "quickstart"}, srv.Close
	}})
}
