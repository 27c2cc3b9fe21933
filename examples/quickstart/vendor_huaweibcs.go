package main

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
)

func init() {
	vendors = append(vendors, vendor{name: "huaweibcs", start: func() (cloudkeys.KeyManager, cloudkeys.CreateKeyRequest, func()) {
		srv := huaweibcstest.NewServer()
		// AK/SK signing; the credential's secret comes back once, in a ZIP file.
		return srv.Client(), cloudkeys.CreateKeyRequest{Description: "quickstart"}, srv.Close
	}})
}
