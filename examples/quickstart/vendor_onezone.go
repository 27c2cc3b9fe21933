package main

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
)

func init() {
	fakes = append(fakes, vendor{name: "onezone", start: func() (cloudkeys.KeyManager, cloudkeys.CreateKeyRequest, func(), error) {
		srv := onezonetest.NewServer()
		// Basic auth as the seeded admin; keys are named access tokens of
		// the caller. Onezone requires a name, unique per owner, so
		// cloudkeys.Rotate derives a new one for the replacement.
		km, err := fromEnv("onezone", [][2]string{
			{onezone.EnvHost, srv.URL()}, {onezone.EnvBasicAuth, onezonetest.AdminUsername + ":" + srv.AdminPassword()},
		}, srv.ClientOptions()...)
		if err != nil {
			srv.Close()
			return nil, cloudkeys.CreateKeyRequest{}, nil, err
		}
		return km, cloudkeys.CreateKeyRequest{Name: "quickstart", Description: "quickstart"}, srv.Close, nil
	}})
}
