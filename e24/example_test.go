package e24_test

import (
	"context"
	"fmt"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
)

// Example runs the KeyManager lifecycle against the fake: create a key,
// list, rotate it without downtime, delete it.
func Example() {
	ctx := context.Background()
	srv := e24test.NewServer()
	defer srv.Close()
	c := srv.Client() // or e24.New(e24.RegionEndpoint(region), e24.APIKey(key, secret))

	caps, _ := c.Capabilities(ctx)
	fmt.Println("multiple keys:", caps.MultipleKeys, "delete:", caps.Delete)

	k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{})
	if err != nil {
		fmt.Println("create:", err)
		return
	}
	fmt.Println("created key with secret:", k.Secret) // prints [REDACTED]

	keys, _ := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	fmt.Println("keys:", len(keys))

	nk, err := cloudkeys.Rotate(ctx, c, k.ID, func(ctx context.Context, nk *cloudkeys.Key) error {
		// Save nk.Secret.Reveal() in your vault here.
		return nil
	})
	if err != nil {
		fmt.Println("rotate:", err)
		return
	}
	fmt.Println("rotated to a new key:", nk.ID != k.ID)

	if err := c.DeleteKey(ctx, nk.ID); err != nil {
		fmt.Println("delete:", err)
		return
	}
	keys, _ = cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	fmt.Println("keys:", len(keys))
	// Output:
	// multiple keys: true delete: true
	// created key with secret: [REDACTED]
	// keys: 2
	// rotated to a new key: true
	// keys: 1
}
