package huaweibcs_test

import (
	"context"
	"fmt"
	"log"

	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
)

// The NES credential API itself: create a credential (the answer is a file
// holding the one-time secret), page through the project's credentials,
// delete it.
func ExampleClient_CreateCredential() {
	srv := huaweibcstest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	cred, err := c.CreateCredential(ctx, huaweibcs.CreateCredentialRequest{Description: "indexer"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("id:", len(cred.ID), "characters; secret:", cred.APIKey, "- store cred.APIKey.Reveal() now, it is shown only once")

	page, err := c.ListCredentialsPage(ctx, huaweibcs.ListCredentialsOptions{Limit: 10})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listed:", len(page.Credentials), "of", page.Count)

	if err := c.DeleteCredential(ctx, cred.ID); err != nil {
		log.Fatal(err)
	}
	fmt.Println("left on the server:", srv.CredentialCount())
	// Output:
	// id: 36 characters; secret: [REDACTED] - store cred.APIKey.Reveal() now, it is shown only once
	// listed: 1 of 1
	// left on the server: 0
}
