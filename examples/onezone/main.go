// Command onezone runs the cloudkeys KeyManager lifecycle against Onedata
// Onezone: capabilities, create, list, get, rotate (cloudkeys.Rotate),
// delete. Keys are named access tokens of the caller.
//
// With any of the variables onezone.NewFromEnv reads set (see "cloudkeys
// help onezone") it uses the environment only: the zone at ONEZONE_HOST
// (e.g. https://zone.example.com) with ONEZONE_API_KEY (an access token,
// sent as X-Auth-Token) or ONEZONE_BASIC_AUTH ("user:password"), either of
// them possibly from a file named by ONEZONE_API_KEY_FILE or
// ONEZONE_BASIC_AUTH_FILE. With none set it starts the in-process fake. It
// never prints a secret, only its length.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
	"github.com/cloudkeys/cloudkeys/vendors"
)

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func client() (*onezone.Client, func(), error) {
	if v, _ := vendors.Lookup("onezone"); !v.Configured(os.Getenv) {
		srv := onezonetest.NewServer()
		fmt.Println("no ONEZONE_ variable set: using the fake Onezone at", srv.URL())
		return srv.Client(), srv.Close, nil
	}
	c, err := onezone.NewFromEnv(os.Getenv, "")
	return c, func() {}, err
}

func run(ctx context.Context) error {
	c, done, err := client()
	if err != nil {
		return err
	}
	defer done()
	var km cloudkeys.KeyManager = c

	if cfg, err := c.GetConfiguration(ctx); err == nil {
		fmt.Printf("zone %q version %s\n", cfg.Domain, cfg.Version)
	}
	caps, err := km.Capabilities(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("capabilities: %+v\n", caps)

	name := "cloudkeys-example-" + time.Now().UTC().Format("20060102T150405")
	k, err := km.CreateKey(ctx, cloudkeys.CreateKeyRequest{Name: name, Description: "cloudkeys example", ExpiresAt: time.Now().Add(time.Hour)})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	fmt.Printf("created %s (%s), secret of %d chars: %v\n", k.ID, k.Name, len(k.Secret.Reveal()), k.Secret)

	keys, err := cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	fmt.Printf("listed %d keys\n", len(keys))

	got, err := km.GetKey(ctx, k.ID)
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	fmt.Printf("got %s owner=%s enabled=%v expires=%s\n", got.ID, got.Owner, got.Enabled, got.ExpiresAt.Format(time.RFC3339))

	nk, err := cloudkeys.Rotate(ctx, km, k.ID, func(_ context.Context, nk *cloudkeys.Key) error {
		fmt.Printf("store: new secret of %d chars for %s\n", len(nk.Secret.Reveal()), nk.Name)
		return nil
	})
	if err != nil {
		return fmt.Errorf("rotate: %w", err)
	}
	fmt.Printf("rotated %s -> %s\n", k.ID, nk.ID)

	if err := km.DeleteKey(ctx, nk.ID); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	fmt.Println("deleted", nk.ID)
	return nil
}
