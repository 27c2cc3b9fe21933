package e24_test

import (
	"context"
	"fmt"
	"log"

	"github.com/cloudkeys/cloudkeys/e24"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
)

// Upload an SSH public key generated locally (PUT /v2/account/sshkey with
// method "upload"), then delete it by its numeric id (DELETE
// /v2/account/{id}/sshkey — the id comes before "sshkey" on this API).
func ExampleClient_AddSSHKey() {
	srv := e24test.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	const pub = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB ci@example"
	k, err := c.AddSSHKey(ctx, e24.AddSSHKeyRequest{Name: "ci", Method: e24.SSHKeyUpload, Content: pub})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("name:", k.Name, "- fingerprint set:", k.Fingerprint != "", "- keys on the account:", len(srv.SSHKeys()))

	if err := c.DeleteSSHKey(ctx, k.ID); err != nil {
		log.Fatal(err)
	}
	fmt.Println("after delete:", len(srv.SSHKeys()))
	// Output:
	// name: ci - fingerprint set: true - keys on the account: 1
	// after delete: 0
}
