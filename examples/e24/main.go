// Command e24 runs the cloudkeys KeyManager lifecycle on e24cloud. With any
// of the variables e24.NewFromEnv reads set (see "cloudkeys help e24") it
// uses the environment only: E24_API_KEY and E24_API_SECRET (or a file named
// by E24_API_SECRET_FILE) at E24_ENDPOINT, else at E24_REGION's endpoint
// (default eu-poland-1poznan) — a missing variable is an error, never a
// reason to fall back. With none of them set it starts the in-process fake
// (package e24test) instead. It prints no secret.
//
// Against a real account it creates one API key, rotates it (creating a
// second one and deleting the first) and deletes the result, so the account
// ends with the keys it started with.
package main

import (
	"cmp"
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/e24"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
	"github.com/cloudkeys/cloudkeys/vendors"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	var c *e24.Client
	if v, _ := vendors.Lookup("e24"); v.Configured(os.Getenv) {
		var err error
		c, err = e24.NewFromEnv(os.Getenv, "", cloudkeys.WithLogger(logger))
		if err != nil {
			return err
		}
		fmt.Println("using", cmp.Or(os.Getenv(e24.EnvEndpoint), e24.RegionEndpoint(os.Getenv(e24.EnvRegion))))
	} else {
		srv := e24test.NewServer()
		defer srv.Close()
		c = srv.Client(cloudkeys.WithLogger(logger))
		fmt.Println("no E24_ variable set: using the fake at", srv.URL())
	}

	caps, err := c.Capabilities(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("capabilities: %+v\n", caps)

	acc, err := c.GetAccount(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("account %s: %d API key(s), %d SSH key(s)\n", acc.ID, len(acc.API), len(acc.SSHKeys))

	k, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	fmt.Printf("created %s (secret: %d characters, printed as %v)\n", k.ID, len(k.Secret.Reveal()), k.Secret)

	keys, err := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	fmt.Println("keys now:", len(keys))

	got, err := c.GetKey(ctx, k.ID)
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	fmt.Println("get: secret matches:", got.Secret.Equal(k.Secret))

	nk, err := cloudkeys.Rotate(ctx, c, k.ID, func(_ context.Context, nk *cloudkeys.Key) error {
		// Store nk.Secret.Reveal() in your secret store here.
		fmt.Printf("store: new key %s (secret: %d characters)\n", nk.ID, len(nk.Secret.Reveal()))
		return nil
	})
	if err != nil {
		return fmt.Errorf("rotate: %w", err)
	}
	fmt.Printf("rotated %s -> %s\n", k.ID, nk.ID)

	if err := c.DeleteKey(ctx, nk.ID); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	keys, err = cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	fmt.Println("deleted; keys now:", len(keys))
	return nil
}
