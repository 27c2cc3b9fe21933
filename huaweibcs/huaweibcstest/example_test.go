package huaweibcstest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
)

// A client that logs in to IAM with a password keeps working when its
// token is revoked mid-run (as a password change or an expiry does): the
// NES answer 401 makes it log in once more and repeat the call.
func Example_tokenRenewal() {
	srv := huaweibcstest.NewServer()
	defer srv.Close()
	c := srv.PasswordClient()
	ctx := context.Background()

	if _, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Description: "ci"}); err != nil {
		log.Fatal(err)
	}
	srv.RevokeTokens()
	keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("keys:", len(keys), "- IAM logins:", srv.Logins())
	// Output:
	// keys: 1 - IAM logins: 2
}
