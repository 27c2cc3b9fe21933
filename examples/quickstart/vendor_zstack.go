package main

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/zstack"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

func init() {
	fakes = append(fakes, vendor{name: "zstack", start: func() (cloudkeys.KeyManager, cloudkeys.CreateKeyRequest, func(), error) {
		// Writes answer 202 and are polled; one poll per job keeps it quick.
		srv := zstacktest.NewServer(zstacktest.WithPendingPolls(1))
		// A session login as the admin account; the key goes to that account.
		km, err := fromEnv("zstack", [][2]string{
			{zstack.EnvEndpoint, srv.URL()},
			{zstack.EnvAccount, zstacktest.AdminAccountName},
			{zstack.EnvPassword, zstacktest.AdminPassword},
			{zstack.EnvTimezone, srv.Location().String()},
		}, srv.ClientOptions()...)
		if err != nil {
			srv.Close()
			return nil, cloudkeys.CreateKeyRequest{}, nil, err
		}
		return km, cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID, Description: "quickstart"}, srv.Close, nil
	}})
}
