package huaweibcs_test

import (
	"context"
	"fmt"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
)

// Example runs the key lifecycle against the in-process fake. Against Huawei
// Cloud, build the client with huaweibcs.New(huaweibcs.DefaultEndpoint,
// projectID, huaweibcs.AKSK(ak, sk)) instead.
func Example() {
	srv := huaweibcstest.NewServer()
	defer srv.Close()
	c := srv.Client() // AK/SK-signed as the seeded access key
	ctx := context.Background()

	created, err := c.CreateCredential(ctx, huaweibcs.CreateCredentialRequest{Description: "ci key"})
	if err != nil {
		fmt.Println("create:", err)
		return
	}
	// The secret comes back only now; store it. It never prints.
	fmt.Println("secret:", created.APIKey, "length", len(created.APIKey.Reveal()))

	for cr, err := range c.ListCredentials(ctx, huaweibcs.ListCredentialsOptions{}) {
		if err != nil {
			fmt.Println("list:", err)
			return
		}
		fmt.Println("listed:", cr.Description, cr.ID == created.ID)
	}

	// The vendor-neutral view.
	var km cloudkeys.KeyManager = c
	k, err := km.GetKey(ctx, created.ID)
	if err != nil {
		fmt.Println("get:", err)
		return
	}
	fmt.Println("key:", k.Vendor, k.Description, k.Secret.IsZero())

	if err := c.DeleteCredential(ctx, created.ID); err != nil {
		fmt.Println("delete:", err)
		return
	}
	fmt.Println("left on the server:", srv.CredentialCount())
	// Output:
	// secret: [REDACTED] length 32
	// listed: ci key true
	// key: huaweibcs ci key true
	// left on the server: 0
}
