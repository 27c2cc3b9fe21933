package cloudstacktest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

// A test of your own provisioning code against the fake: the server
// registers the key pair, then the connection drops before the answer. The
// SDK never re-sends a write that may have arrived, so the caller sees
// cloudkeys.ErrOutcomeUnknown and reconciles by listing — finding exactly
// one key, not two.
func Example_lostAnswer() {
	srv := cloudstacktest.NewServer(cloudstacktest.WithVersion("4.23.0.0"))
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	owner := srv.AdminID()

	srv.FailNextWith(1, cloudstacktest.Fault{Commit: true, Drop: true, Match: func(r *http.Request) bool {
		return r.Method == http.MethodPost // registerUserKeys; reads are GETs
	}})
	_, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: owner, Name: "deploy-bot"})
	fmt.Println("outcome unknown:", errors.Is(err, cloudkeys.ErrOutcomeUnknown))

	keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: owner}))
	if err != nil {
		log.Fatal(err)
	}
	n := 0
	for _, k := range keys {
		if k.Name == "deploy-bot" {
			n++
		}
	}
	fmt.Println("keys named deploy-bot:", n)
	// Output:
	// outcome unknown: true
	// keys named deploy-bot: 1
}
