package onezone_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
)

// Example runs the KeyManager lifecycle and the token API against the
// fake Onezone.
func Example() {
	srv := onezonetest.NewServer()
	defer srv.Close()
	c := srv.Client() // or onezone.New("https://zone.example.com", onezone.Token(os.Getenv("ONEZONE_API_KEY")))
	ctx := context.Background()

	key, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Name: "ci-deploy", Description: "CI", ExpiresAt: time.Now().Add(24 * time.Hour)})
	if err != nil {
		fmt.Println("create:", err)
		return
	}
	fmt.Println("created:", key.Name, "secret:", key.Secret)

	// Check the token as a service would.
	res, err := c.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: key.Secret})
	if err != nil {
		fmt.Println("verify:", err)
		return
	}
	fmt.Println("subject is the admin:", res.Subject.ID == srv.AdminID())

	// Revoke it: the token stops working.
	_ = c.SetKeyEnabled(ctx, key.ID, false)
	_, err = c.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: key.Secret})
	fmt.Println("after revoke:", onezone.ErrorID(err))

	// Rotate: a replacement with a derived name, then the old one is deleted.
	nk, err := cloudkeys.Rotate(ctx, c, key.ID, func(context.Context, *cloudkeys.Key) error { return nil })
	if err != nil {
		fmt.Println("rotate:", err)
		return
	}
	keys, _ := cloudkeys.Collect(c.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
	fmt.Println("keys:", len(keys), "replaced:", nk.ID != key.ID)
	_ = c.DeleteKey(ctx, nk.ID)
	// Output:
	// created: ci-deploy secret: [REDACTED]
	// subject is the admin: true
	// after revoke: tokenRevoked
	// keys: 1 replaced: true
}
