package fleet_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys/fleet"
)

func TestJournalRoundTrip(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := fleet.OpenJournal(path)
	require.NoError(t, err)
	var after []fleet.Step
	j.AfterWrite = func(r fleet.Record) { after = append(after, r.Step) }
	require.NoError(t, j.Write(fleet.Record{Run: "R", Step: fleet.StepStart}))
	require.NoError(t, j.Write(fleet.Record{Run: "R", Rotation: "R-1", Step: fleet.StepCreating, Profile: "p", Old: "k1", Name: "ci"}))
	recs, err := j.Records()
	require.NoError(t, err)
	require.Len(t, recs, 2)
	assert.Equal(t, fleet.JournalVersion, recs[1].V)
	assert.False(t, recs[1].Time.IsZero())
	assert.Equal(t, "k1", recs[1].Old)
	assert.Equal(t, []fleet.Step{fleet.StepStart, fleet.StepCreating}, after)

	_, err = fleet.OpenJournal(path)
	assert.ErrorIs(t, err, fleet.ErrJournalBusy, "one run at a time")
	require.NoError(t, j.Close())

	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
}

// TestJournalConcurrentWrites: writers share fsyncs; every record is a
// whole line.
func TestJournalConcurrentWrites(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := fleet.OpenJournal(path)
	require.NoError(t, err)
	defer j.Close()
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 20 {
				assert.NoError(t, j.Write(fleet.Record{Run: "R", Rotation: fmt.Sprintf("R-%d", g), Step: fleet.StepCreated, New: fmt.Sprint(i)}))
			}
		})
	}
	wg.Wait()
	recs, err := j.Records()
	require.NoError(t, err)
	assert.Len(t, recs, 320)
}

// TestJournalTornLine: a line cut short by a crash is skipped, and the
// next run's records start on a line of their own.
func TestJournalTornLine(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(`{"v":1,"run":"R","rotation":"R-1","step":"creating","old":"k1"}`+"\n"+`{"v":1,"run":"R","rotation":"R-1","st`), 0o600))
	j, err := fleet.OpenJournal(path)
	require.NoError(t, err)
	require.NoError(t, j.Write(fleet.Record{Run: "S", Step: fleet.StepStart}))
	recs, err := j.Records()
	require.NoError(t, err)
	require.Len(t, recs, 2)
	assert.Equal(t, fleet.StepCreating, recs[0].Step)
	assert.Equal(t, "S", recs[1].Run)
	require.NoError(t, j.Close())

	_, err = fleet.ReadJournal(strings.NewReader(`{"v":9,"step":"start"}` + "\n"))
	assert.ErrorContains(t, err, "version 9")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, 3, bytes.Count(b, []byte("\n")))
}

func TestRotationsReplay(t *testing.T) {
	t.Parallel()
	recs := []fleet.Record{
		{Run: "R", Step: fleet.StepStart},
		{Run: "R", Rotation: "R-1", Step: fleet.StepCreating, Mode: fleet.ModeReplace, Profile: "p", Old: "a", Name: "ci"},
		{Run: "R", Rotation: "R-2", Step: fleet.StepCreating, Mode: fleet.ModeReplace, Profile: "p", Old: "b"},
		{Run: "R", Rotation: "R-1", Step: fleet.StepCreated, Mode: fleet.ModeReplace, Profile: "p", Old: "a", New: "c"},
		{Run: "R", Rotation: "R-2", Step: fleet.StepFailed, Mode: fleet.ModeReplace, Profile: "p", Old: "b"},
		{Run: "R", Rotation: "R-3", Step: fleet.StepRotating, Mode: fleet.ModeInPlace, Profile: "q", Old: "d"},
		{Run: "R", Rotation: "R-3", Step: fleet.StepRotated, Mode: fleet.ModeInPlace, Profile: "q", Old: "d", New: "e", Recovery: "/x"},
		{Run: "R", Rotation: "R-3", Step: fleet.StepStored, Mode: fleet.ModeInPlace, Profile: "q", Old: "d", New: "e"},
		{Run: "R", Rotation: "R-4", Step: fleet.StepStored, Mode: fleet.ModeReplace, Profile: "q", Old: "f", New: "g"},
	}
	rots := fleet.Rotations(recs)
	require.Len(t, rots, 4)
	assert.Equal(t, "c", rots[0].New)
	assert.Equal(t, "ci", rots[0].Name)
	assert.Equal(t, "/x", rots[2].Recovery)
	un := fleet.Unfinished(recs)
	require.Len(t, un, 2)
	assert.Equal(t, "R-1", un[0].ID)
	assert.Equal(t, fleet.StepCreated, un[0].Last)
	assert.Equal(t, "R-4", un[1].ID, "stored but the old key not deleted")
}
