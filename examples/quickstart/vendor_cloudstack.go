package main

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

func init() {
	for _, version := range []string{"4.22.0.0", "4.23.0.0"} {
		vendors = append(vendors, vendor{name: "cloudstack-" + version[:4], start: func() (cloudkeys.KeyManager, cloudkeys.CreateKeyRequest, func()) {
			// Up to 4.22 a user holds one key pair (rotation is in place and
			// keys cannot be deleted); from 4.23 users hold many named pairs.
			srv := cloudstacktest.NewServer(cloudstacktest.WithVersion(version))
			u := srv.AddUser(cloudstacktest.UserSpec{Username: "quickstart"})
			return srv.Client(), cloudkeys.CreateKeyRequest{Owner: u.ID, Name: "quickstart", Description: "cloudkeys quickstart"}, srv.Close
		}})
	}
}
