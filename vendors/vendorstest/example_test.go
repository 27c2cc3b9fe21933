package vendorstest_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/vendors"
	"github.com/cloudkeys/cloudkeys/vendors/vendorstest"
)

// The same code for every vendor: start its fake, build a client from the
// fake's environment as a program would from os.Getenv, and create a key.
func Example() {
	ctx := context.Background()
	for _, name := range vendorstest.Names() {
		f, err := vendorstest.Start(name, vendorstest.Options{InMemory: true})
		if err != nil {
			log.Fatal(err)
		}
		km, err := vendors.FromEnv(name, f.Getenv, "", f.ClientOptions()...)
		if err != nil {
			log.Fatal(err)
		}
		k, err := km.CreateKey(ctx, f.CreateRequest("example"))
		if err != nil {
			log.Fatal(err)
		}
		caps, _ := km.Capabilities(ctx)
		fmt.Printf("%-10s created a key (secret %v); delete: %v\n", name, k.Secret, caps.Delete)
		f.Close()
	}
	// Output:
	// cloudstack created a key (secret [REDACTED]); delete: true
	// e24        created a key (secret [REDACTED]); delete: true
	// huaweibcs  created a key (secret [REDACTED]); delete: true
	// onezone    created a key (secret [REDACTED]); delete: true
	// zstack     created a key (secret [REDACTED]); delete: true
}

// Faults work the same on every fake.
func ExampleFake_faults() {
	f, err := vendorstest.Start("huaweibcs", vendorstest.Options{InMemory: true})
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	km := f.Client(cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 1}))
	f.FailNext(1, 429)
	_, err = cloudkeys.Collect(km.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
	fmt.Println(errors.Is(err, cloudkeys.ErrRateLimited), f.Requests()[0].Status, f.PendingFaults())
	// Output: true 429 0
}
