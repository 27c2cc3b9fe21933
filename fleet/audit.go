package fleet

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"

	"github.com/cloudkeys/cloudkeys"
)

// Target is one account of the fleet: a named profile's KeyManager and
// whose keys to cover.
type Target struct {
	// Profile names the target; it is unique among the targets of a run
	// and is what findings, outcomes and the journal call it.
	Profile string
	KM      cloudkeys.KeyManager
	// Owners are the owners whose keys are covered (user or account ids,
	// as ListKeysOptions.Owner takes them); none means every key KM can
	// list.
	Owners []string
	// Rate limits the calls made to this target, per second (see
	// [Limit]); 0 means no limit. Burst is how many may go at once after
	// a quiet spell (default 1).
	Rate  float64
	Burst int
}

// owners returns the owners to list: t.Owners, or the one "" (all).
func (t Target) owners() []string {
	if len(t.Owners) == 0 {
		return []string{""}
	}
	return t.Owners
}

// limited returns t with KM wrapped in a limiter of t.Rate, once: the
// limiter is shared by every use of the result.
func (t Target) limited() Target {
	t.KM = Limit(t.KM, NewLimiter(t.Rate, t.Burst))
	t.Rate = 0
	return t
}

// TargetError is an error of one target (and owner) of a run: the others
// go on.
type TargetError struct {
	Profile string
	Vendor  string
	Owner   string // "" when not about one owner
	Err     error
}

// Error names the profile (and owner) and the cause.
func (e *TargetError) Error() string {
	if e.Owner != "" {
		return fmt.Sprintf("profile %s (%s), owner %s: %v", e.Profile, e.Vendor, e.Owner, e.Err)
	}
	return fmt.Sprintf("profile %s (%s): %v", e.Profile, e.Vendor, e.Err)
}

// Unwrap returns the cause.
func (e *TargetError) Unwrap() error { return e.Err }

// AuditOption configures [Audit].
type AuditOption func(*auditConfig)

type auditConfig struct {
	concurrency int
}

// AuditConcurrency audits up to n targets at a time (default 1: one after
// the other, in order). With n > 1 the findings of different targets are
// interleaved; those of one target keep their order.
func AuditConcurrency(n int) AuditOption {
	return func(c *auditConfig) { c.concurrency = max(n, 1) }
}

// Audit lists the keys of every target (every owner of each) and yields
// one [Finding] per key, judged by policy, as the lists arrive: nothing is
// kept, so memory does not grow with the number of keys (beyond a vendor's
// own page; e24cloud returns all of an account's keys in one answer).
//
// An error of one target, or of one owner, is yielded as a
// [*TargetError] with a Finding naming the profile, vendor and owner, and
// the audit goes on with the next owner or target. A consumer that stops
// early stops every list. Each target's Rate is honoured.
func Audit(ctx context.Context, targets []Target, policy Policy, opts ...AuditOption) iter.Seq2[Finding, error] {
	cfg := auditConfig{concurrency: 1}
	for _, o := range opts {
		o(&cfg)
	}
	return func(yield func(Finding, error) bool) {
		if cfg.concurrency <= 1 || len(targets) <= 1 {
			for _, t := range targets {
				if !auditTarget(ctx, t.limited(), policy, yield) {
					return
				}
			}
			return
		}
		auditConcurrently(ctx, targets, policy, cfg.concurrency, yield)
	}
}

type auditItem struct {
	f   Finding
	err error
}

func auditConcurrently(ctx context.Context, targets []Target, policy Policy, n int, yield func(Finding, error) bool) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	items := make(chan auditItem, 64)
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	go func() {
		defer close(items)
		for _, t := range targets {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				wg.Wait()
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				auditTarget(ctx, t.limited(), policy, func(f Finding, err error) bool {
					select {
					case items <- auditItem{f, err}:
						return true
					case <-ctx.Done():
						return false
					}
				})
			}()
		}
		wg.Wait()
	}()
	for it := range items {
		if !yield(it.f, it.err) {
			cancel()
			for range items { // let the workers see the cancellation and end
			}
			return
		}
	}
}

// auditTarget yields the findings of one target; false: the consumer
// stopped.
func auditTarget(ctx context.Context, t Target, policy Policy, yield func(Finding, error) bool) bool {
	vendor := ""
	if t.KM != nil {
		vendor = t.KM.Vendor()
	}
	if t.KM == nil {
		return yield(Finding{Profile: t.Profile}, &TargetError{Profile: t.Profile, Err: errors.New("no KeyManager")})
	}
	for _, owner := range t.owners() {
		for k, err := range t.KM.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: owner}) {
			if err != nil {
				if !yield(Finding{Profile: t.Profile, Vendor: vendor, Owner: owner}, &TargetError{Profile: t.Profile, Vendor: vendor, Owner: owner, Err: err}) {
					return false
				}
				if ctx.Err() != nil { // cancelled or out of time: nothing more can be listed
					return false
				}
				break
			}
			if k.Vendor == "" {
				k.Vendor = vendor
			}
			if k.Owner == "" {
				k.Owner = owner
			}
			if !yield(policy.Judge(t.Profile, k), nil) {
				return false
			}
		}
	}
	return true
}
