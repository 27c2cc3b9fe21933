// Command zstack runs the cloudkeys KeyManager lifecycle against a ZStack
// management node: capabilities, create, list, get, disable/enable, rotate
// (create-then-delete via cloudkeys.Rotate) and delete. It prints no secret.
//
// Environment:
//
//	ZSTACK_ENDPOINT                              e.g. http://mn:8080
//	ZSTACK_ACCOUNT, ZSTACK_PASSWORD              account login, or
//	ZSTACK_ACCESS_KEY_ID, ZSTACK_ACCESS_KEY_SECRET  AccessKey signing
//	ZSTACK_OWNER_UUID   the account owning the new key (required with an AccessKey)
//	ZSTACK_TIMEZONE     the server's zone, e.g. Asia/Shanghai (default: local)
//
// Without ZSTACK_ENDPOINT it starts the in-process fake and uses it.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/zstack"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	var opts []cloudkeys.Option
	if tz := os.Getenv("ZSTACK_TIMEZONE"); tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return fmt.Errorf("ZSTACK_TIMEZONE: %w", err)
		}
		opts = append(opts, cloudkeys.WithServerLocation(loc))
	}
	owner := os.Getenv("ZSTACK_OWNER_UUID")

	var c *zstack.Client
	if ep := os.Getenv("ZSTACK_ENDPOINT"); ep != "" {
		var creds zstack.Credentials
		switch {
		case os.Getenv("ZSTACK_ACCESS_KEY_ID") != "":
			creds = zstack.AccessKey(os.Getenv("ZSTACK_ACCESS_KEY_ID"), os.Getenv("ZSTACK_ACCESS_KEY_SECRET"))
		default:
			creds = zstack.AccountLogin(os.Getenv("ZSTACK_ACCOUNT"), os.Getenv("ZSTACK_PASSWORD"))
		}
		var err error
		if c, err = zstack.New(ep, creds, opts...); err != nil {
			return err
		}
		fmt.Println("using", ep)
	} else {
		srv := zstacktest.NewServer()
		defer srv.Close()
		c = srv.Client(opts...)
		fmt.Println("using the in-process fake at", srv.URL())
	}

	caps, err := c.Capabilities(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("capabilities: %+v\n", caps)

	k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Owner: owner, Description: "cloudkeys example"})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	fmt.Printf("created %s (AccessKeyID %s, secret of %d characters: %v)\n", k.ID, k.AccessKey, len(k.Secret.Reveal()), k.Secret)

	n := 0
	for key, err := range c.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: k.Owner}) {
		if err != nil {
			return fmt.Errorf("list: %w", err)
		}
		n++
		_ = key
	}
	fmt.Println("keys of the owner:", n)

	got, err := c.GetKey(ctx, k.ID)
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	fmt.Println("get: enabled =", got.Enabled)

	if err := c.SetKeyEnabled(ctx, k.ID, false); err != nil {
		return fmt.Errorf("disable: %w", err)
	}
	if err := c.SetKeyEnabled(ctx, k.ID, true); err != nil {
		return fmt.Errorf("enable: %w", err)
	}
	fmt.Println("disabled and enabled again")

	nk, err := cloudkeys.Rotate(ctx, c, k.ID, func(_ context.Context, nk *cloudkeys.Key) error {
		fmt.Printf("store the new secret of %s here (%d characters)\n", nk.ID, len(nk.Secret.Reveal()))
		return nil
	})
	if err != nil {
		return fmt.Errorf("rotate: %w", err)
	}
	fmt.Println("rotated:", k.ID, "->", nk.ID)

	if err := c.DeleteKey(ctx, nk.ID); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	fmt.Println("deleted", nk.ID)
	return nil
}
