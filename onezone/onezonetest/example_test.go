package onezonetest_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
)

// Seeding the fake for a test: a user with an access token of their own,
// a client authenticated by that token (X-Auth-Token), and the
// authorization the fake enforces — a user lists their own tokens but not
// everybody's.
func Example_users() {
	srv := onezonetest.NewServer()
	defer srv.Close()
	ctx := context.Background()

	alice := srv.AddUser(onezonetest.User{Username: "alice", FullName: "Alice"})
	_, token := srv.IssueAccessToken(alice, "alice-cli")
	c := srv.ClientWith(onezone.Token(token))

	if _, err := c.CreateKey(ctx, cloudkeys.CreateKeyRequest{Name: "alice-ci"}); err != nil {
		log.Fatal(err)
	}
	n := 0
	for _, err := range c.ListNamedTokens(ctx, onezone.CurrentUser()) {
		if err != nil {
			log.Fatal(err)
		}
		n++
	}
	fmt.Println("alice's tokens:", n)

	_, err := c.ListAllNamedTokensPage(ctx) // needs the oz_tokens_manage privilege
	fmt.Println("all tokens forbidden:", errors.Is(err, cloudkeys.ErrForbidden))
	// Output:
	// alice's tokens: 2
	// all tokens forbidden: true
}
