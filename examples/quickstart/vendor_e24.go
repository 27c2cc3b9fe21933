package main

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
)

func init() {
	vendors = append(vendors, vendor{name: "e24", start: func() (cloudkeys.KeyManager, cloudkeys.CreateKeyRequest, func()) {
		srv := e24test.NewServer()
		// e24cloud keys belong to the signing account and have no name.
		return srv.Client(), cloudkeys.CreateKeyRequest{}, srv.Close
	}})
}
