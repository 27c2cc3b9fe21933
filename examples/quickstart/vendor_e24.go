package main

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/e24"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
)

func init() {
	fakes = append(fakes, vendor{name: "e24", start: func() (cloudkeys.KeyManager, cloudkeys.CreateKeyRequest, func(), error) {
		srv := e24test.NewServer()
		key, secret := srv.AdminKey()
		km, err := fromEnv("e24", [][2]string{
			{e24.EnvEndpoint, srv.URL()}, {e24.EnvAPIKey, key}, {e24.EnvAPISecret, secret.Reveal()},
		}, srv.ClientOptions()...)
		if err != nil {
			srv.Close()
			return nil, cloudkeys.CreateKeyRequest{}, nil, err
		}
		// e24cloud keys belong to the signing account and have no name.
		return km, cloudkeys.CreateKeyRequest{}, srv.Close, nil
	}})
}
