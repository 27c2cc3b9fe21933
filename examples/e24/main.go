// Command e24 runs the cloudkeys KeyManager lifecycle on e24cloud: it reads
// E24_API_KEY, E24_API_SECRET and E24_REGION (default eu-poland-1poznan) and
// talks to the real API; when the key or secret is unset it starts the
// in-process fake (package e24test) instead. It prints no secret.
//
// Against a real account it creates one API key, rotates it (creating a
// second one and deleting the first) and deletes the result, so the account
// ends with the keys it started with.
package main

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/e24"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
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
	key, secret := os.Getenv("E24_API_KEY"), os.Getenv("E24_API_SECRET")
	if key != "" && secret != "" {
		endpoint := e24.RegionEndpoint(os.Getenv("E24_REGION"))
		var err error
		c, err = e24.New(endpoint, e24.APIKey(key, secret), cloudkeys.WithLogger(logger))
		if err != nil {
			return err
		}
		fmt.Println("using", endpoint)
	} else {
		srv := e24test.NewServer()
		defer srv.Close()
		c = srv.Client(cloudkeys.WithLogger(logger))
		fmt.Println("E24_API_KEY/E24_API_SECRET unset: using the fake at", srv.URL())
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
