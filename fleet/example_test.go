package fleet_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
	"github.com/cloudkeys/cloudkeys/fleet"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
)

// Example audits two accounts against a 90-day policy, then rotates the
// keys that violate it with a journal, as "cloudkeys audit" and
// "cloudkeys rotate --older-than 90d" do.
func Example() {
	cs := cloudstacktest.NewServer(cloudstacktest.WithVersion("4.23.0.0"))
	defer cs.Close()
	alice := cs.AddUser(cloudstacktest.UserSpec{Username: "alice"})
	cs.SeedKeyPairs(alice.ID, 3)
	hw := huaweibcstest.NewServer()
	defer hw.Close()
	hw.SeedCredentials(2)

	targets := []fleet.Target{
		{Profile: "lab-cs", KM: cs.Client(), Owners: []string{alice.ID}},
		{Profile: "lab-hw", KM: hw.Client(), Rate: 200, Burst: 10}, // at most 200 calls a second
	}
	// Judged 100 days from now, every key seeded now is too old.
	policy := fleet.Policy{MaxAge: 90 * 24 * time.Hour, Now: func() time.Time { return time.Now().Add(100 * 24 * time.Hour) }}

	verdicts := map[fleet.Verdict]int{}
	for f, err := range fleet.Audit(context.Background(), targets, policy) {
		if err != nil {
			fmt.Println(err)
			continue
		}
		verdicts[f.Verdict]++
	}
	fmt.Println("violate:", verdicts[fleet.VerdictViolates], "ok:", verdicts[fleet.VerdictOK])

	dir, _ := os.MkdirTemp("", "fleet-example-")
	defer os.RemoveAll(dir)
	journal, err := fleet.OpenJournal(filepath.Join(dir, "journal.jsonl"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer journal.Close()
	sum, err := fleet.Rotate(context.Background(), targets, policy, fleet.RotateOptions{
		Concurrency: 4,
		Journal:     journal,
		Store: func(ctx context.Context, d fleet.Delivery) error {
			// Save d.Key.Secret.Reveal() where it belongs (a vault).
			return nil
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("rotated:", len(sum.Rotated), "skipped:", len(sum.Skipped), "failed:", len(sum.Failed))
	records, _ := journal.Records()
	fmt.Println("unfinished:", len(fleet.Unfinished(records)))
	// Output:
	// violate: 5 ok: 0
	// rotated: 5 skipped: 0 failed: 0
	// unfinished: 0
}
