package bench

import (
	"context"
	"maps"
	"net/url"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
)

// TestLeanMatchesSDK keeps the baselines honest: against the same fake,
// each sends the request the SDK sends (same method, path, signed headers
// and query parameters) and decodes the same Keys. It is cheap: a few
// requests per vendor.
func TestLeanMatchesSDK(t *testing.T) {
	for _, v := range vendors {
		t.Run(v, func(t *testing.T) {
			ctx := context.Background()
			tg := newTarget(t, v, 12)
			km := tg.sdk()
			ln := tg.lean(leanTransport())
			warm(t, km, tg.getID)

			tg.fake.ResetRequests()
			want, err := km.GetKey(ctx, tg.getID)
			require.NoError(t, err)
			sdkReqs := tg.fake.Requests()
			tg.fake.ResetRequests()
			got, err := ln.GetKey(ctx, tg.getID)
			require.NoError(t, err)
			leanReqs := tg.fake.Requests()
			assertSameKey(t, want, got)
			assertSameRequests(t, sdkReqs, leanReqs)

			wantAll, err := cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{}))
			require.NoError(t, err)
			var gotAll []*cloudkeys.Key
			require.NoError(t, ln.ListKeys(ctx, func(k *cloudkeys.Key) bool { gotAll = append(gotAll, k); return true }))
			require.Len(t, gotAll, len(wantAll))
			for i := range wantAll {
				assertSameKey(t, wantAll[i], gotAll[i])
			}
		})
	}
}

func assertSameKey(t *testing.T, want, got *cloudkeys.Key) {
	t.Helper()
	require.NotNil(t, got)
	assert.Equal(t, want.Secret.Reveal(), got.Secret.Reveal(), "secret of %s", want.ID)
	w, g := *want, *got
	w.Secret, g.Secret = cloudkeys.Secret{}, cloudkeys.Secret{}
	assert.True(t, w.CreatedAt.Equal(g.CreatedAt), "CreatedAt %v vs %v", w.CreatedAt, g.CreatedAt)
	assert.True(t, w.LastUsedAt.Equal(g.LastUsedAt), "LastUsedAt %v vs %v", w.LastUsedAt, g.LastUsedAt)
	assert.True(t, w.ExpiresAt.Equal(g.ExpiresAt), "ExpiresAt %v vs %v", w.ExpiresAt, g.ExpiresAt)
	w.CreatedAt, w.LastUsedAt, w.ExpiresAt = g.CreatedAt, g.LastUsedAt, g.ExpiresAt // compared above as instants
	assert.Equal(t, w, g)
}

// assertSameRequests compares what reached the fake: method, escaped path,
// the names of the query parameters and of the headers (values carry
// timestamps and signatures, which differ by the second).
func assertSameRequests(t *testing.T, sdk, lean []cloudkeystest.Request) {
	t.Helper()
	require.Len(t, lean, len(sdk))
	for i := range sdk {
		s, l := sdk[i], lean[i]
		assert.Equal(t, s.Method, l.Method)
		assert.Equal(t, s.RawPath, l.RawPath)
		sq, err := url.ParseQuery(s.RawQuery)
		require.NoError(t, err)
		lq, err := url.ParseQuery(l.RawQuery)
		require.NoError(t, err)
		assert.ElementsMatch(t, slices.Collect(maps.Keys(sq)), slices.Collect(maps.Keys(lq)), "query parameters")
		assert.ElementsMatch(t, slices.Collect(maps.Keys(s.Header)), slices.Collect(maps.Keys(l.Header)), "headers")
		assert.Equal(t, s.Body, l.Body)
	}
}
