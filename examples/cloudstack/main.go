// Command cloudstack runs the cloudkeys KeyManager lifecycle against Apache
// CloudStack: capabilities, create, list, get, rotate, delete.
//
// With any of the variables cloudstack.NewFromEnv reads set (see
// "cloudkeys help cloudstack") it uses the environment only: the server at
// CLOUDSTACK_API_URL, with the credentials of CLOUDSTACK_API_KEY and
// CLOUDSTACK_SECRET_KEY (or CLOUDSTACK_USERNAME, CLOUDSTACK_PASSWORD and
// CLOUDSTACK_DOMAIN); the secrets may come from files named by
// CLOUDSTACK_SECRET_KEY_FILE and CLOUDSTACK_PASSWORD_FILE. Creating and
// rotating keys there needs CLOUDSTACK_KEY_OWNER, the id of a (test) user
// whose keys may be replaced — before 4.23 rotation invalidates the old key
// at once, so it is never your own. With none of them set it starts the
// in-process fake, once as 4.22 and once as 4.23. No secret is ever printed.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
	"github.com/cloudkeys/cloudkeys/vendors"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if v, _ := vendors.Lookup("cloudstack"); v.Configured(os.Getenv) {
		c, err := cloudstack.NewFromEnv(os.Getenv, "")
		if err != nil {
			log.Fatal(err)
		}
		if err := run(ctx, c, os.Getenv("CLOUDSTACK_KEY_OWNER")); err != nil {
			log.Fatal(err)
		}
		return
	}
	for _, version := range []string{"4.22.0.0", "4.23.0.0"} {
		srv := cloudstacktest.NewServer(cloudstacktest.WithVersion(version))
		owner := srv.AddUser(cloudstacktest.UserSpec{Username: "demo", Password: "demo-password"})
		fmt.Printf("== fake CloudStack %s at %s\n", version, srv.APIURL())
		err := run(ctx, srv.Client(), owner.ID)
		srv.Close()
		if err != nil {
			log.Fatal(err)
		}
	}
}

func run(ctx context.Context, c *cloudstack.Client, owner string) error {
	v, err := c.ServerVersion(ctx)
	if err != nil {
		return err
	}
	caps, err := c.Capabilities(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("server %s: %+v\n", v, caps)
	if owner == "" {
		fmt.Println("CLOUDSTACK_KEY_OWNER not set: listing only")
		return list(ctx, c, "")
	}

	req := cloudkeys.CreateKeyRequest{Owner: owner, Name: "cloudkeys-demo", Description: "created by examples/cloudstack"}
	key, err := c.CreateKey(ctx, req)
	if errors.Is(err, cloudkeys.ErrConflict) {
		fmt.Println("the owner already has a key pair (before 4.23: one per user); using it")
		keys, lerr := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: owner}))
		if lerr != nil || len(keys) == 0 {
			return errors.Join(err, lerr)
		}
		key, err = keys[0], nil
	}
	if err != nil {
		return err
	}
	fmt.Printf("created key %s… secret %v (%d characters)\n", short(key.ID), key.Secret, len(key.Secret.Reveal()))

	if err := list(ctx, c, owner); err != nil {
		return err
	}
	got, err := c.GetKey(ctx, key.ID)
	if err != nil {
		return err
	}
	fmt.Printf("get: key %s… owner %s enabled %v\n", short(got.ID), got.Owner, got.Enabled)

	rotated, err := cloudkeys.Rotate(ctx, c, key.ID, func(_ context.Context, k *cloudkeys.Key) error {
		fmt.Printf("store: new secret of %d characters would go to the vault now\n", len(k.Secret.Reveal()))
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Printf("rotated: %s… → %s…\n", short(key.ID), short(rotated.ID))

	if caps.Delete {
		if err := c.DeleteKey(ctx, rotated.ID); err != nil {
			return err
		}
		fmt.Printf("deleted %s…\n", short(rotated.ID))
	} else {
		fmt.Println("delete: not supported before 4.23; the key stays")
	}
	return list(ctx, c, owner)
}

func list(ctx context.Context, c *cloudstack.Client, owner string) error {
	n := 0
	for k, err := range c.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: owner}) {
		if err != nil {
			return err
		}
		n++
		fmt.Printf("  key %s… owner %s name %q\n", short(k.ID), k.Owner, k.Name)
	}
	fmt.Printf("%d key(s)\n", n)
	return nil
}

// short shows the start of an id or API key only.
func short(s string) string {
	if len(s) > 8 {
		return s[:8]
	}
	return s
}
