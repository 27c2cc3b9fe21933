package vendors_test

import (
	"context"
	"fmt"
	"log"

	"github.com/cloudkeys/cloudkeys/e24/e24test"
	"github.com/cloudkeys/cloudkeys/vendors"
)

func ExampleNames() {
	fmt.Println(vendors.Names())
	// Output: [cloudstack e24 huaweibcs onezone zstack]
}

// FromEnv builds a client from the environment; here a map standing for
// it, pointing at e24cloud's fake. In a program, pass os.Getenv.
func ExampleFromEnv() {
	srv := e24test.NewServer()
	defer srv.Close()
	key, secret := srv.AdminKey()
	env := map[string]string{
		"E24_ENDPOINT":   srv.URL(),
		"E24_API_KEY":    key,
		"E24_API_SECRET": secret.Reveal(),
	}
	km, err := vendors.FromEnv("e24", func(name string) string { return env[name] }, "")
	if err != nil {
		log.Fatal(err)
	}
	caps, err := km.Capabilities(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(km.Vendor(), "delete:", caps.Delete)
	// Output: e24 delete: true
}

// Vendor.Env documents the variables, e.g. for a help text.
func ExampleLookup() {
	v, _ := vendors.Lookup("onezone")
	for _, e := range v.Env {
		if e.Secret {
			fmt.Printf("%s (or %s)\n", e.Name, e.FileName())
		} else {
			fmt.Println(e.Name)
		}
	}
	// Output:
	// ONEZONE_HOST
	// ONEZONE_API_KEY (or ONEZONE_API_KEY_FILE)
	// ONEZONE_BASIC_AUTH (or ONEZONE_BASIC_AUTH_FILE)
}
