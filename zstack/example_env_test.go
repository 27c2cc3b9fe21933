package zstack_test

import (
	"context"
	"fmt"
	"log"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/zstack"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

// NewFromEnv reads ZSTACK_ENDPOINT, the credentials (here an account
// login) and ZSTACK_TIMEZONE; a program passes os.Getenv.
func ExampleNewFromEnv() {
	srv := zstacktest.NewServer()
	defer srv.Close()
	env := map[string]string{
		zstack.EnvEndpoint: srv.URL(),
		zstack.EnvAccount:  zstacktest.AdminAccountName,
		zstack.EnvPassword: zstacktest.AdminPassword,
		zstack.EnvTimezone: srv.Location().String(),
	}
	c, err := zstack.NewFromEnv(func(name string) string { return env[name] }, "")
	if err != nil {
		log.Fatal(err)
	}
	keys, err := cloudkeys.Collect(c.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("keys:", len(keys))
	// Output: keys: 0
}
