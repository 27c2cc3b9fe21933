package main

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

func init() {
	vendors = append(vendors, vendor{name: "zstack", start: func() (cloudkeys.KeyManager, cloudkeys.CreateKeyRequest, func()) {
		// Writes answer 202 and are polled; one poll per job keeps it quick.
		srv := zstacktest.NewServer(zstacktest.WithPendingPolls(1))
		// A session login as the admin account; the key goes to that account.
		return srv.Client(), cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID, Description: "quickstart"}, srv.Close
	}})
}
