// Command zstack runs the cloudkeys KeyManager lifecycle against a ZStack
// management node: capabilities, create, list, get, disable/enable, rotate
// (create-then-delete via cloudkeys.Rotate) and delete. It prints no secret.
//
// Environment (zstack.NewFromEnv; "cloudkeys help zstack"):
//
//	ZSTACK_ENDPOINT                              e.g. http://mn:8080
//	ZSTACK_ACCOUNT, ZSTACK_PASSWORD              account login (ZSTACK_USER: as that user), or
//	ZSTACK_ACCESS_KEY_ID, ZSTACK_ACCESS_KEY_SECRET  AccessKey signing
//	ZSTACK_TIMEZONE     the server's zone, e.g. Asia/Shanghai (default: local)
//	ZSTACK_OWNER_UUID   the account owning the new key (this program's own;
//	                    required with an AccessKey)
//
// ZSTACK_PASSWORD and ZSTACK_ACCESS_KEY_SECRET may instead come from files
// named by ZSTACK_PASSWORD_FILE and ZSTACK_ACCESS_KEY_SECRET_FILE. With any
// of the ZSTACK_ variables NewFromEnv reads set it uses the environment
// only; with none it starts the in-process fake and uses it.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/vendors"
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
	owner := os.Getenv("ZSTACK_OWNER_UUID")

	var c *zstack.Client
	if v, _ := vendors.Lookup("zstack"); v.Configured(os.Getenv) {
		var err error
		if c, err = zstack.NewFromEnv(os.Getenv, ""); err != nil {
			return err
		}
		fmt.Println("using", os.Getenv(zstack.EnvEndpoint))
	} else {
		srv := zstacktest.NewServer()
		defer srv.Close()
		c = srv.Client()
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
