package main

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

func init() {
	for _, version := range []string{"4.22.0.0", "4.23.0.0"} {
		fakes = append(fakes, vendor{name: "cloudstack-" + version[:4], start: func() (cloudkeys.KeyManager, cloudkeys.CreateKeyRequest, func(), error) {
			// Up to 4.22 a user holds one key pair (rotation is in place and
			// keys cannot be deleted); from 4.23 users hold many named pairs.
			srv := cloudstacktest.NewServer(cloudstacktest.WithVersion(version))
			u := srv.AddUser(cloudstacktest.UserSpec{Username: "quickstart"})
			// CLOUDSTACK_API_URL, CLOUDSTACK_API_KEY, CLOUDSTACK_SECRET_KEY.
			km, err := fromEnv("cloudstack", srv.Env(), srv.ClientOptions()...)
			if err != nil {
				srv.Close()
				return nil, cloudkeys.CreateKeyRequest{}, nil, err
			}
			return km, cloudkeys.CreateKeyRequest{Owner: u.ID, Name: "quickstart", Description: "cloudkeys quickstart"}, srv.Close, nil
		}})
	}
}
