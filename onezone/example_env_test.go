package onezone_test

import (
	"context"
	"fmt"
	"log"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
)

// NewFromEnv reads ONEZONE_HOST and ONEZONE_API_KEY (or
// ONEZONE_BASIC_AUTH); a program passes os.Getenv.
func ExampleNewFromEnv() {
	srv := onezonetest.NewServer()
	defer srv.Close()
	_, token := srv.IssueAccessToken(srv.AdminID(), "automation")
	env := map[string]string{
		onezone.EnvHost:   srv.URL(),
		onezone.EnvAPIKey: token,
	}
	c, err := onezone.NewFromEnv(func(name string) string { return env[name] }, "")
	if err != nil {
		log.Fatal(err)
	}
	keys, err := cloudkeys.Collect(c.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("named tokens:", len(keys))
	// Output: named tokens: 1
}
