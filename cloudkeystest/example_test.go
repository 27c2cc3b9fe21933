package cloudkeystest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

// createLosesAnswer is a test helper written once for every vendor: it
// makes the fake perform the next key create and lose its answer, then
// checks what the client reports and how often the create was sent.
func createLosesAnswer(f cloudkeystest.Fake, km cloudkeys.KeyManager, req cloudkeys.CreateKeyRequest, isCreate func(*http.Request) bool) {
	ctx := context.Background()
	f.FailNextWith(1, cloudkeystest.Fault{Commit: true, Drop: true, Match: isCreate})
	f.ResetRequests()
	_, err := km.CreateKey(ctx, req)
	sent := 0
	for _, r := range f.Requests() {
		if r.Fault {
			sent++
		}
	}
	fmt.Printf("%s: outcome unknown %v, faulted requests %d, faults left %d\n",
		km.Vendor(), errors.Is(err, cloudkeys.ErrOutcomeUnknown), sent, f.PendingFaults())
}

func ExampleFake() {
	e := e24test.NewServer()
	defer e.Close()
	createLosesAnswer(e, e.Client(), cloudkeys.CreateKeyRequest{}, func(r *http.Request) bool {
		return r.Method == http.MethodPut && r.URL.Path == "/v2/account/api"
	})

	z := zstacktest.NewServer(zstacktest.WithPendingPolls(1))
	defer z.Close()
	createLosesAnswer(z, z.Client(), cloudkeys.CreateKeyRequest{Owner: zstacktest.AdminAccountUUID}, func(r *http.Request) bool {
		return r.Method == http.MethodPost && r.URL.Path == "/zstack/v1/accesskeys"
	})
	// Output:
	// e24: outcome unknown true, faulted requests 1, faults left 0
	// zstack: outcome unknown false, faulted requests 1, faults left 0
}

func ExampleFake_failNext() {
	srv := e24test.NewServer()
	defer srv.Close()
	km := srv.Client(cloudkeys.WithRetry(cloudkeys.RetryPolicy{MaxAttempts: 1}))

	srv.FailNext(1, http.StatusServiceUnavailable) // the vendor's 503 error body
	_, err := km.GetKey(context.Background(), "no-such-key")
	fmt.Println(errors.Is(err, cloudkeys.ErrServer), srv.Requests()[0].Status)
	// Output:
	// true 503
}

func ExampleKeyManager() {
	ctx := context.Background()
	km := cloudkeystest.NewKeyManager(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
	old := km.Add("alice", "ci", "deploy")
	km.FailDelete[old.ID] = errors.New("delete refused")

	// The code under test: rotate, storing the new secret first.
	_, err := cloudkeys.Rotate(ctx, km, old.ID, func(context.Context, *cloudkeys.Key) error { return nil })
	fmt.Println(err != nil, km.Len())
	fmt.Println(km.Calls())
	// Output:
	// true 2
	// [get k1 create ci delete k1]
}
