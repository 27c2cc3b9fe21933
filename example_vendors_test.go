package cloudkeys_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

// provision is vendor-neutral code: it asks for a key that expires in 30
// days where the vendor can enforce that, and falls back to a key without
// expiry (to be rotated by a schedule instead) where it cannot.
func provision(ctx context.Context, km cloudkeys.KeyManager, owner string) (*cloudkeys.Key, error) {
	req := cloudkeys.CreateKeyRequest{Owner: owner, Name: "build-agent", Description: "provisioned by CI", ExpiresAt: time.Now().Add(30 * 24 * time.Hour)}
	k, err := km.CreateKey(ctx, req)
	if errors.Is(err, cloudkeys.ErrUnsupported) { // refused before any request
		req.ExpiresAt = time.Time{}
		k, err = km.CreateKey(ctx, req)
	}
	return k, err
}

// One function, five clouds: the same KeyManager code against each
// vendor's in-process fake.
func Example_anyVendor() {
	ctx := context.Background()
	cs := cloudstacktest.NewServer(cloudstacktest.WithVersion("4.23.0.0"))
	zs := zstacktest.NewServer()
	e := e24test.NewServer()
	hw := huaweibcstest.NewServer()
	oz := onezonetest.NewServer()
	defer func() { cs.Close(); zs.Close(); e.Close(); hw.Close(); oz.Close() }()

	targets := []struct {
		km    cloudkeys.KeyManager
		owner string
	}{
		{cs.Client(), cs.AdminID()},
		{zs.Client(), zstacktest.AdminAccountUUID},
		{e.Client(), ""},
		{hw.Client(), ""},
		{oz.Client(), ""},
	}
	for _, t := range targets {
		k, err := provision(ctx, t.km, t.owner)
		if err != nil {
			fmt.Println(t.km.Vendor(), "error:", err)
			continue
		}
		fmt.Printf("%-10s expires: %-5v secret: %v\n", t.km.Vendor(), !k.ExpiresAt.IsZero(), k.Secret)
	}
	// Output:
	// cloudstack expires: true  secret: [REDACTED]
	// zstack     expires: false secret: [REDACTED]
	// e24        expires: false secret: [REDACTED]
	// huaweibcs  expires: false secret: [REDACTED]
	// onezone    expires: true  secret: [REDACTED]
}
