package main

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
)

func init() {
	fakes = append(fakes, vendor{name: "huaweibcs", start: func() (cloudkeys.KeyManager, cloudkeys.CreateKeyRequest, func(), error) {
		srv := huaweibcstest.NewServer()
		// AK/SK signing (HUAWEICLOUD_BCS_ENDPOINT, HUAWEICLOUD_SDK_PROJECT_ID,
		// HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK); the credential's secret
		// comes back once, in a ZIP file.
		km, err := fromEnv("huaweibcs", srv.Env(), srv.ClientOptions()...)
		if err != nil {
			srv.Close()
			return nil, cloudkeys.CreateKeyRequest{}, nil, err
		}
		return km, cloudkeys.CreateKeyRequest{Description: "quickstart"}, srv.Close, nil
	}})
}
