package zstack_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/zstack"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

// Create, list, disable, rotate and delete an AccessKey against the fake
// management node, logged in as its admin account.
func Example() {
	ctx := context.Background()
	srv := zstacktest.NewServer(zstacktest.WithLocation(time.FixedZone("CST", 8*3600)))
	defer srv.Close()
	c := srv.Client(cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}))

	k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID, Description: "ci"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("created:", len(k.AccessKey), "char id,", len(k.Secret.Reveal()), "char secret, printed as", k.Secret)

	if err := c.SetKeyEnabled(ctx, k.ID, false); err != nil {
		fmt.Println(err)
		return
	}
	page, _ := c.QueryAccessKeysPage(ctx, zstack.Query{Conditions: []zstack.Condition{zstack.Eq("state", "Disabled")}, ReplyWithCount: true})
	fmt.Println("disabled keys:", page.Total)

	nk, err := cloudkeys.Rotate(ctx, c, k.ID, func(context.Context, *cloudkeys.Key) error { return nil })
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("rotated:", nk.ID != k.ID)
	if err := c.DeleteKey(ctx, nk.ID); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("keys left:", srv.KeyCount())
	// Output:
	// created: 20 char id, 40 char secret, printed as [REDACTED]
	// disabled keys: 1
	// rotated: true
	// keys left: 0
}
