package cloudkeys_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/memkm"
)

func ExampleSecret() {
	s := cloudkeys.NewSecret("hunter2")
	k := cloudkeys.Key{ID: "k1", Secret: s}
	b, _ := json.Marshal(k.Secret)
	fmt.Println(s)
	fmt.Printf("%+v\n", k.Secret)
	fmt.Println(string(b))
	fmt.Println(len(s.Reveal()))
	// Output:
	// [REDACTED]
	// [REDACTED]
	// "[REDACTED]"
	// 7
}

func ExampleAPIError() {
	var err error = fmt.Errorf("create key: %w", &cloudkeys.APIError{
		Vendor: "zstack", Operation: "CreateAccessKey", StatusCode: 503, Code: "SYS.1007",
		Message: "invalid argument", Kind: cloudkeys.ErrInvalidRequest,
	})
	var ae *cloudkeys.APIError
	fmt.Println(errors.Is(err, cloudkeys.ErrInvalidRequest), errors.Is(err, cloudkeys.ErrServer))
	fmt.Println(errors.As(err, &ae), ae.Code)
	fmt.Println(err)
	// Output:
	// true false
	// true SYS.1007
	// create key: zstack: CreateAccessKey: invalid argument (HTTP 503, code SYS.1007)
}

func ExampleRotate() {
	ctx := context.Background()
	mem := memkm.New(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	old := mem.Add("alice", "ci", "deploy")
	var km cloudkeys.KeyManager = mem

	nk, err := cloudkeys.Rotate(ctx, km, old.ID, func(ctx context.Context, nk *cloudkeys.Key) error {
		// Save nk.Secret.Reveal() in your vault here; the old key still works.
		_, err := km.GetKey(ctx, old.ID)
		fmt.Println("old key alive while storing:", err == nil)
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = km.GetKey(ctx, old.ID)
	fmt.Println("new key:", nk.ID, nk.Name, nk.Secret)
	fmt.Println("old key gone:", errors.Is(err, cloudkeys.ErrNotFound))
	// Output:
	// old key alive while storing: true
	// new key: k2 ci [REDACTED]
	// old key gone: true
}
