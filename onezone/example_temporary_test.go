package onezone_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
)

// A short-lived token for a job (POST /user/tokens/temporary with a time
// caveat, which temporary tokens require), confined further to one IP
// (POST /tokens/confine, no server state), then examined and verified the
// way a service receiving it would.
func ExampleClient_CreateTemporaryToken() {
	srv := onezonetest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	tok, err := c.CreateTemporaryToken(ctx, onezone.CurrentUser(), onezone.TemporaryTokenRequest{
		Caveats: onezone.Caveats{onezone.Until(srv.Now().Add(15 * time.Minute))},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("token:", tok) // a cloudkeys.Secret: tok.Reveal() gives the value

	confined, err := c.ConfineToken(ctx, tok, onezone.Caveats{&onezone.IPCaveat{Whitelist: []string{"192.0.2.10/32"}}})
	if err != nil {
		log.Fatal(err)
	}
	ex, err := c.ExamineToken(ctx, confined)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("persistence:", ex.Persistence, "- caveats:", len(ex.Caveats))

	res, err := c.VerifyAccessToken(ctx, onezone.VerifyAccessTokenRequest{Token: confined, PeerIP: "192.0.2.10"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("valid for the caller:", res.Subject.ID == srv.AdminID(), "- ttl set:", res.TTL != nil)
	// Output:
	// token: [REDACTED]
	// persistence: temporary - caveats: 2
	// valid for the caller: true - ttl set: true
}
