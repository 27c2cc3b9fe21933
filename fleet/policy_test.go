package fleet_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/fleet"
)

const day = 24 * time.Hour

func TestJudge(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	policy := fleet.Policy{MaxAge: 90 * day, MaxUnused: 30 * day, ExpiringWithin: 14 * day, Now: func() time.Time { return now }}
	for _, tt := range []struct {
		name    string
		key     cloudkeys.Key
		policy  fleet.Policy
		verdict fleet.Verdict
		reasons []string
	}{
		{"young, used, not expiring", cloudkeys.Key{CreatedAt: now.Add(-10 * day), LastUsedAt: now.Add(-day)}, policy, fleet.VerdictOK, nil},
		{"too old", cloudkeys.Key{CreatedAt: now.Add(-120 * day), LastUsedAt: now}, policy, fleet.VerdictViolates,
			[]string{"created 120d ago (max 90d)"}},
		{"unused", cloudkeys.Key{CreatedAt: now.Add(-40 * day), LastUsedAt: now.Add(-31 * day)}, policy, fleet.VerdictViolates,
			[]string{"last used 31d ago (max 30d)"}},
		{"expiring", cloudkeys.Key{CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(3 * day)}, policy, fleet.VerdictViolates,
			[]string{"expires in 3d (within 14d)"}},
		{"expired", cloudkeys.Key{CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(-2 * time.Hour)}, policy, fleet.VerdictViolates,
			[]string{"expired 2h0m0s ago"}},
		{"never expires", cloudkeys.Key{CreatedAt: now, LastUsedAt: now}, policy, fleet.VerdictOK, nil},
		{"creation unknown is not a violation", cloudkeys.Key{Vendor: "e24", LastUsedAt: now}, policy, fleet.VerdictUnknown,
			[]string{"age unknown: e24 does not report when this key was created"}},
		{"last use unknown is not a violation", cloudkeys.Key{Vendor: "zstack", CreatedAt: now}, policy, fleet.VerdictUnknown,
			[]string{"last use unknown: zstack does not report it for this key"}},
		{"a violation wins over unknowns, both told", cloudkeys.Key{Vendor: "zstack", CreatedAt: now.Add(-100 * day)}, policy, fleet.VerdictViolates,
			[]string{"created 100d ago (max 90d)", "last use unknown: zstack does not report it for this key"}},
		{"unchecked fields are not asked for", cloudkeys.Key{Vendor: "e24"}, fleet.Policy{ExpiringWithin: day, Now: policy.Now}, fleet.VerdictOK, nil},
		{"empty policy", cloudkeys.Key{}, fleet.Policy{}, fleet.VerdictOK, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k := tt.key
			k.ID, k.Owner, k.Name, k.Enabled = "k1", "o1", "ci", true
			f := tt.policy.Judge("prod", &k)
			assert.Equal(t, tt.verdict, f.Verdict)
			assert.Equal(t, tt.reasons, f.Reasons)
			assert.Equal(t, "prod", f.Profile)
			assert.Equal(t, "k1", f.ID)
			assert.Equal(t, k.CreatedAt, f.Created)
			assert.Equal(t, k.LastUsedAt, f.LastUsed)
		})
	}
}

func TestParseDuration(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"90d", 90 * day, true},
		{"0d", 0, true},
		{"720h", 720 * time.Hour, true},
		{"1h30m", 90 * time.Minute, true},
		{"1ns", 1, true},
		{" 7d ", 7 * day, true},
		{"d", 0, false},
		{"-5d", 0, false},
		{"-1h", 0, false},
		{"1.5d", 0, false},
		{"90", 0, false},
		{"ninety days", 0, false},
	} {
		got, err := fleet.ParseDuration(tt.in)
		if !tt.ok {
			assert.Error(t, err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
	assert.Equal(t, "95d", fleet.FormatDuration(95*day+3*time.Hour))
	assert.Equal(t, "3h0m0s", fleet.FormatDuration(3*time.Hour))
}

func TestShard(t *testing.T) {
	t.Parallel()
	var targets []fleet.Target
	for i := range 300 {
		targets = append(targets, fleet.Target{Profile: "p" + string(rune('a'+i%26)) + time.Duration(i).String()})
	}
	seen := map[string]int{}
	for i := 1; i <= 3; i++ {
		part := fleet.Shard(targets, i, 3)
		assert.Greater(t, len(part), 50, "shard %d is not starved", i)
		assert.Equal(t, part, fleet.Shard(targets, i, 3), "deterministic")
		for _, tg := range part {
			seen[tg.Profile]++
		}
	}
	assert.Len(t, seen, len(targets), "every profile in some shard")
	for p, n := range seen {
		assert.Equal(t, 1, n, p)
	}
	assert.Equal(t, targets, fleet.Shard(targets, 1, 1))

	i, n, err := fleet.ParseShard("2/5")
	require.NoError(t, err)
	assert.Equal(t, [2]int{2, 5}, [2]int{i, n})
	for _, bad := range []string{"0/3", "4/3", "1/0", "a/b", "3", ""} {
		_, _, err := fleet.ParseShard(bad)
		assert.Error(t, err, bad)
	}
}
