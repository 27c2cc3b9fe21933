package cloudstack_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

// Example runs the key lifecycle against the fake of a CloudStack 4.23
// server, where a user can hold several key pairs.
func Example() {
	srv := cloudstacktest.NewServer(cloudstacktest.WithVersion("4.23.0.0"))
	defer srv.Close()
	alice := srv.AddUser(cloudstacktest.UserSpec{Username: "alice", Password: "alice-pw"})

	// Against a real server: cloudstack.New("https://cs.example.com/client/api",
	// cloudstack.APIKey(apiKey, secretKey)).
	c, err := cloudstack.New(srv.APIURL(), cloudstack.APIKey(srv.AdminAPIKey(), srv.AdminSecretKey().Reveal()),
		cloudstack.WithPollInterval(10*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	caps, err := c.Capabilities(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("multiple keys: %v, delete: %v\n", caps.MultipleKeys, caps.Delete)

	key, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: alice.ID, Name: "ci"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("created %q, secret %v (%d characters)\n", key.Name, key.Secret, len(key.Secret.Reveal()))

	newKey, err := cloudkeys.Rotate(ctx, c, key.ID, func(ctx context.Context, k *cloudkeys.Key) error {
		return nil // store k.Secret.Reveal() in your vault here
	})
	if err != nil {
		log.Fatal(err)
	}
	keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: alice.ID}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("alice has %d key, the rotated one: %v\n", len(keys), keys[0].ID == newKey.ID)

	if err := c.DeleteKey(ctx, newKey.ID); err != nil {
		log.Fatal(err)
	}
	fmt.Println("keys left:", len(srv.UserKeys(alice.ID)))
	// Output:
	// multiple keys: true, delete: true
	// created "ci", secret [REDACTED] (86 characters)
	// alice has 1 key, the rotated one: true
	// keys left: 0
}

// ExampleClient_UpdateUser sets keys an admin chooses for a user with
// updateUser (for instance to carry a user's keys over from another
// system), then signs with them.
func ExampleClient_UpdateUser() {
	srv := cloudstacktest.NewServer(cloudstacktest.WithVersion("4.22.0.0"))
	defer srv.Close()
	bob := srv.AddUser(cloudstacktest.UserSpec{Username: "bob"})
	admin := srv.Client()
	ctx := context.Background()

	u, err := admin.UpdateUser(ctx, cloudstack.UpdateUserRequest{
		ID:            bob.ID,
		UserAPIKey:    "bob-api-key-from-the-old-system",
		UserSecretKey: cloudkeys.NewSecret("bob-secret-from-the-old-system"),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("bob's API key:", u.APIKey)

	c, err := cloudstack.New(srv.APIURL(), cloudstack.APIKey("bob-api-key-from-the-old-system", "bob-secret-from-the-old-system"))
	if err != nil {
		log.Fatal(err)
	}
	keys, err := c.GetUserKeys(ctx, bob.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("bob signs with them:", keys.APIKey == u.APIKey, keys.SecretKey)
	// Output:
	// bob's API key: bob-api-key-from-the-old-system
	// bob signs with them: true [REDACTED]
}
