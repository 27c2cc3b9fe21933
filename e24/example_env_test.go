package e24_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/cloudkeys/cloudkeys/e24"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
)

// NewFromEnv reads E24_API_KEY, E24_API_SECRET (here from a file, as a
// mounted secret) and E24_ENDPOINT; a program passes os.Getenv.
func ExampleNewFromEnv() {
	srv := e24test.NewServer()
	defer srv.Close()
	key, secret := srv.AdminKey()
	dir, err := os.MkdirTemp("", "e24")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	secretFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(secretFile, []byte(secret.Reveal()+"\n"), 0o600); err != nil {
		log.Fatal(err)
	}
	env := map[string]string{
		e24.EnvEndpoint:            srv.URL(),
		e24.EnvAPIKey:              key,
		e24.EnvAPISecret + "_FILE": secretFile,
	}
	c, err := e24.NewFromEnv(func(name string) string { return env[name] }, "")
	if err != nil {
		log.Fatal(err)
	}
	acc, err := c.GetAccount(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("API keys:", len(acc.API))
	// Output: API keys: 1
}
