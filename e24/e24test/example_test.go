package e24test_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
)

// Testing your error handling against the fake: a key that does not exist
// is cloudkeys.ErrNotFound, and a 503 that persists past the retry budget
// is cloudkeys.ErrServer with the attempts counted — no sleeping in tests,
// because the retry policy's waits are set to a millisecond.
func Example_errors() {
	srv := e24test.NewServer()
	defer srv.Close()
	c := srv.Client(cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond}))
	ctx := context.Background()

	_, err := c.GetKey(ctx, "NOSUCHKEY")
	fmt.Println("not found:", errors.Is(err, cloudkeys.ErrNotFound))

	srv.FailNext(5, http.StatusServiceUnavailable)
	_, err = c.GetKey(ctx, "NOSUCHKEY")
	var ae *cloudkeys.APIError
	if !errors.As(err, &ae) {
		log.Fatal(err)
	}
	fmt.Println("server error:", errors.Is(err, cloudkeys.ErrServer), "after", ae.Attempts, "attempts")
	// Output:
	// not found: true
	// server error: true after 3 attempts
}
