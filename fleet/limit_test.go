package fleet_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/fleet"
	"github.com/cloudkeys/cloudkeys/internal/memkm"
)

// TestLimiterRate: 10 calls per second with a burst of 2 let 2 through at
// once, then one every 100 ms (the bubble's clock: no real waiting).
func TestLimiterRate(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		l := fleet.NewLimiter(10, 2)
		start := time.Now()
		var at []time.Duration
		for range 6 {
			require.NoError(t, l.Wait(context.Background()))
			at = append(at, time.Since(start))
		}
		ms := time.Millisecond
		assert.Equal(t, []time.Duration{0, 0, 100 * ms, 200 * ms, 300 * ms, 400 * ms}, at)

		time.Sleep(time.Second) // the bucket refills to its burst, not beyond
		start = time.Now()
		for range 3 {
			require.NoError(t, l.Wait(context.Background()))
		}
		assert.Equal(t, 100*ms, time.Since(start))
	})
}

// TestLimiterCancel: a waiting call ends with its context and gives its
// turn back.
func TestLimiterCancel(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		l := fleet.NewLimiter(1, 1)
		require.NoError(t, l.Wait(context.Background()))
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		assert.ErrorIs(t, l.Wait(ctx), context.DeadlineExceeded)
		start := time.Now()
		require.NoError(t, l.Wait(context.Background()))
		assert.Equal(t, 700*time.Millisecond, time.Since(start), "the cancelled turn was given back")
	})
	assert.Nil(t, fleet.NewLimiter(0, 5), "no rate: no limiter")
	var none *fleet.Limiter
	assert.NoError(t, none.Wait(context.Background()))
}

// TestLimitPacesCallsAndListPages: every call waits its turn, and a list
// one turn per page (100 keys for an unknown vendor).
func TestLimitPacesCallsAndListPages(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		km := memkm.New(cloudkeys.Capabilities{MultipleKeys: true, Delete: true})
		for range 250 {
			km.Add("o", "", "")
		}
		lim := fleet.Limit(km, fleet.NewLimiter(1, 1))
		start := time.Now()
		n := 0
		for _, err := range lim.ListKeys(context.Background(), cloudkeys.ListKeysOptions{}) {
			require.NoError(t, err)
			n++
		}
		assert.Equal(t, 250, n)
		assert.Equal(t, 2*time.Second, time.Since(start), "three turns: the list, after 100, after 200")
		start = time.Now()
		_, err := lim.GetKey(context.Background(), "k1")
		require.NoError(t, err)
		require.NoError(t, lim.DeleteKey(context.Background(), "k1"))
		assert.Equal(t, 2*time.Second, time.Since(start))
	})
}

// TestLimitKeepsOptionalInterfaces: cloudkeys.Rotate relies on
// KeyReplacer and CredentialRotator; a limited client implements exactly
// what the client does.
func TestLimitKeepsOptionalInterfaces(t *testing.T) {
	t.Parallel()
	for _, a := range fakeAccounts(t) {
		km := a.km
		lim := fleet.Limit(km, fleet.NewLimiter(1000, 10))
		_, rep := km.(cloudkeys.KeyReplacer)
		_, rot := km.(cloudkeys.CredentialRotator)
		_, lrep := lim.(cloudkeys.KeyReplacer)
		_, lrot := lim.(cloudkeys.CredentialRotator)
		assert.Equal(t, rep, lrep, a.name)
		assert.Equal(t, rot, lrot, a.name)
		assert.Equal(t, km.Vendor(), lim.Vendor())
	}
	mem := memkm.New(cloudkeys.Capabilities{})
	_, rep := fleet.Limit(mem, fleet.NewLimiter(1, 1)).(cloudkeys.KeyReplacer)
	assert.False(t, rep)
	assert.Same(t, mem, fleet.Limit(mem, nil), "no limiter: the client itself")
}
