package zstacktest_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

// Faults injected into the fake: a busy management node (SYS.1012 in a
// 503) makes a read retry; a create whose 202 answer is lost still ends in
// exactly one key, because the client names the job (X-Job-UUID) and polls
// it instead of creating again.
func Example_faults() {
	srv := zstacktest.NewServer()
	defer srv.Close()
	c := srv.Client(cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 4, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}))
	ctx := context.Background()
	if _, err := c.LogIn(ctx); err != nil { // log in before the faults
		log.Fatal(err)
	}

	srv.FailNext(2, http.StatusServiceUnavailable)
	keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	fmt.Println("listed after two busy answers:", len(keys), err)

	srv.FailNextWith(1, zstacktest.Fault{Commit: true, Drop: true, Match: func(r *http.Request) bool {
		return r.Method == http.MethodPost
	}})
	k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID, Description: "ci"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("created despite the lost answer:", k.ID != "", "- keys on the server:", srv.KeyCount())
	// Output:
	// listed after two busy answers: 0 <nil>
	// created despite the lost answer: true - keys on the server: 1
}
