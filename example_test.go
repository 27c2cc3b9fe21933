package cloudkeys_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
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
	// km is any vendor's client (e24.New, vendors.FromEnv, ...). Here an
	// in-memory KeyManager from package cloudkeystest stands in for one,
	// holding one key.
	mem := cloudkeystest.NewKeyManager(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
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

// A tool refuses to delete the key its own client authenticates with,
// which would lock the client out, and rotates it with Rotate instead: the
// client switches to the new key before the old one is deleted.
func ExampleIsOwnCredential() {
	ctx := context.Background()
	mem := cloudkeystest.NewKeyManager(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	own := mem.Add("alice", "ci", "")
	mem.AuthenticateAs(own.ID) // the client's credential is key own
	var km cloudkeys.KeyManager = mem

	if yes, err := cloudkeys.IsOwnCredential(ctx, km, own.ID); err == nil && yes {
		fmt.Println("refusing to delete", own.ID, "(the client's own credential)")
	}
	nk, err := cloudkeys.Rotate(ctx, km, own.ID, func(context.Context, *cloudkeys.Key) error { return nil })
	if err != nil {
		fmt.Println(err)
		return
	}
	id, _ := km.(cloudkeys.CredentialRotator).CredentialKeyID(ctx)
	fmt.Println("the client now authenticates with", id, id == nk.ID)
	// Output:
	// refusing to delete k1 (the client's own credential)
	// the client now authenticates with k2 true
}
