// Command huaweibcs runs the API-key lifecycle on Huawei Cloud NES: create,
// list, get, rotate (create-then-delete) and delete. It prints no secret.
//
// Against Huawei Cloud it reads, in this order:
//
//	HUAWEICLOUD_SDK_PROJECT_ID   the 32-character project id (required)
//	HUAWEICLOUD_BCS_ENDPOINT     default https://bcs.ap-southeast-3.myhuaweicloud.com
//	HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK [, HUAWEICLOUD_SDK_SECURITY_TOKEN]   AK/SK signing
//	HUAWEICLOUD_SDK_TOKEN        or an IAM user token (X-Auth-Token)
//	HUAWEICLOUD_SDK_IAM_ENDPOINT, HUAWEICLOUD_SDK_DOMAIN, HUAWEICLOUD_SDK_USER,
//	HUAWEICLOUD_SDK_PASSWORD     or a password login
//
// The secrets may instead come from files named by the same variables with
// _FILE appended (HUAWEICLOUD_SDK_SK_FILE, ...). With any of the variables
// set (see "cloudkeys help huaweibcs") it uses the environment only; with
// none it starts the in-process fake and uses it.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
	"github.com/cloudkeys/cloudkeys/vendors"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func fromEnv() (*huaweibcs.Client, func(), error) {
	if v, _ := vendors.Lookup("huaweibcs"); !v.Configured(os.Getenv) {
		fmt.Println("no Huawei Cloud variables in the environment: using the in-process fake")
		srv := huaweibcstest.NewServer()
		return srv.Client(), srv.Close, nil
	}
	c, err := huaweibcs.NewFromEnv(os.Getenv, "")
	return c, func() {}, err
}

func run() error {
	c, done, err := fromEnv()
	if err != nil {
		return err
	}
	defer done()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	var km cloudkeys.KeyManager = c
	caps, err := km.Capabilities(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("%s capabilities: %+v\n", km.Vendor(), caps)

	k, err := km.CreateKey(ctx, cloudkeys.CreateKeyRequest{Description: "cloudkeys example"})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	fmt.Printf("created %s, secret %v (%d characters; shown only once)\n", k.ID, k.Secret, len(k.Secret.Reveal()))

	n := 0
	for key, err := range km.ListKeys(ctx, cloudkeys.ListKeysOptions{}) {
		if err != nil {
			return fmt.Errorf("list: %w", err)
		}
		n++
		if key.ID == k.ID {
			fmt.Printf("listed %s %q created %s\n", key.ID, key.Description, key.CreatedAt.Format(time.RFC3339))
		}
	}
	fmt.Println("keys in the project:", n)

	got, err := km.GetKey(ctx, k.ID)
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	fmt.Printf("got %s %q\n", got.ID, got.Description)

	nk, err := cloudkeys.Rotate(ctx, km, k.ID, func(_ context.Context, nk *cloudkeys.Key) error {
		fmt.Printf("store the new secret of %s (%d characters) in your vault here\n", nk.ID, len(nk.Secret.Reveal()))
		return nil
	})
	if err != nil {
		return fmt.Errorf("rotate: %w", err)
	}
	fmt.Printf("rotated %s -> %s\n", k.ID, nk.ID)

	if err := km.DeleteKey(ctx, nk.ID); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	fmt.Println("deleted", nk.ID)
	return nil
}
