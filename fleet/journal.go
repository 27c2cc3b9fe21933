package fleet

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Step is one step of a rotation as the journal records it.
type Step string

// The steps. A rotation by replacement goes creating → created → stored →
// deleted (the old key); one in place goes rotating → rotated → stored.
// Records of the steps a run takes are on disk (written and fsynced)
// before the step's request is sent (creating, rotating) and after its
// answer (created, rotated, stored, deleted), so a run killed at any point
// leaves a journal from which [Reconcile] can tell what may exist.
const (
	// StepStart opens a run (its Run id); StepEnd closes it.
	StepStart Step = "start"
	StepEnd   Step = "end"
	// StepSnapshot lists the ids of the keys an owner held before the run
	// created any for it (Keys): a key not among them, nor named in the
	// journal, was created later.
	StepSnapshot Step = "snapshot"
	// StepCreating: the replacement of Old is about to be created for
	// Owner with Name and Description.
	StepCreating Step = "creating"
	// StepCreated: it was created; New is its id.
	StepCreated Step = "created"
	// StepStored: the store accepted the new key (New).
	StepStored Step = "stored"
	// StepDeleted: the old key was deleted; the rotation is complete.
	StepDeleted Step = "deleted"
	// StepRolledBack: the replacement (New) was deleted again and the old
	// key kept (its store failed, or reconcile undid it).
	StepRolledBack Step = "rolled-back"
	// StepFailed: the rotation failed and nothing was created or changed.
	StepFailed Step = "failed"
	// StepRotating: Old is about to be rotated in place.
	StepRotating Step = "rotating"
	// StepRotated: it was; New is its id now, and the new secret waits in
	// the file named by Recovery until the store accepts it.
	StepRotated Step = "rotated"
	// StepAbandoned: reconcile found that a create recorded as creating
	// never happened; the old key stays.
	StepAbandoned Step = "abandoned"
)

// Modes of a rotation.
const (
	ModeReplace = "replace"  // create, store, delete the old key
	ModeInPlace = "in-place" // the vendor's own rotation: new secret, old one dead at once
)

// JournalVersion is the V of the records this package writes.
const JournalVersion = 1

// Record is one line of a journal: a JSON object. It holds ids, names and
// times, never a secret.
type Record struct {
	V           int       `json:"v"`
	Time        time.Time `json:"time"`
	Run         string    `json:"run"`
	Rotation    string    `json:"rotation,omitempty"` // one rotation's id, "<run>-<n>"
	Step        Step      `json:"step"`
	Mode        string    `json:"mode,omitempty"`
	Profile     string    `json:"profile,omitempty"`
	Vendor      string    `json:"vendor,omitempty"`
	Owner       string    `json:"owner,omitempty"`
	Old         string    `json:"old,omitempty"`
	New         string    `json:"new,omitempty"`
	Name        string    `json:"name,omitempty"`
	Description string    `json:"description,omitempty"`
	Own         bool      `json:"own_credential,omitempty"`
	Keys        []string  `json:"keys,omitempty"`     // snapshot: ids
	Recovery    string    `json:"recovery,omitempty"` // rotated: the file holding the new secret
	Error       string    `json:"error,omitempty"`
	By          string    `json:"by,omitempty"` // "reconcile" for the records it appends
}

// Journal is an append-only file of [Record]s, one JSON object per line,
// each on disk (fsynced) before Write returns. Concurrent writers share
// one fsync where they can. While a Journal is open the file is locked:
// another run (or reconcile) cannot open it.
type Journal struct {
	path string
	f    *os.File

	mu      sync.Mutex // pending, seq, err
	pending []byte
	seq     uint64
	err     error

	syncMu sync.Mutex // synced; one writer at a time does the write+fsync
	synced uint64

	// BeforeWrite and AfterWrite, when set, are called with each record
	// just before it is written and once it is on disk, in the writer's
	// goroutine. (The cloudkeys command uses them for a test-only crash
	// hook.)
	BeforeWrite func(Record)
	AfterWrite  func(Record)
}

// OpenJournal opens (creating it 0600 if needed) the journal at path for
// appending, and locks it. A file whose last line was cut short by a crash
// is ended with a newline first, so that the next record starts a line of
// its own; [ReadJournal] skips the cut line.
func OpenJournal(path string) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if err := lockFile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("journal: %w", err)
	}
	if st.Size() > 0 {
		var last [1]byte
		if _, err := f.ReadAt(last[:], st.Size()-1); err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("journal: %w", err)
		}
		if last[0] != '\n' {
			if _, err := f.Write([]byte{'\n'}); err != nil {
				_ = f.Close()
				return nil, fmt.Errorf("journal: %w", err)
			}
		}
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("journal: %w", err)
	}
	syncDir(filepath.Dir(path))
	return &Journal{path: path, f: f}, nil
}

// Path returns the journal's file name.
func (j *Journal) Path() string { return j.path }

// Write appends r (V and Time filled in when zero) and returns once it is
// on disk. After a failed write every later Write fails too.
func (j *Journal) Write(r Record) error {
	if r.V == 0 {
		r.V = JournalVersion
	}
	if r.Time.IsZero() {
		r.Time = time.Now().UTC()
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if j.BeforeWrite != nil {
		j.BeforeWrite(r)
	}
	j.mu.Lock()
	if j.err != nil {
		j.mu.Unlock()
		return j.err
	}
	j.pending = append(append(j.pending, b...), '\n')
	j.seq++
	mine := j.seq
	j.mu.Unlock()

	j.syncMu.Lock()
	if j.synced < mine {
		j.mu.Lock()
		buf, upto, sticky := j.pending, j.seq, j.err
		j.pending = nil
		j.mu.Unlock()
		if sticky != nil {
			j.syncMu.Unlock()
			return sticky
		}
		_, err := j.f.Write(buf)
		if err == nil {
			err = j.f.Sync()
		}
		if err != nil {
			err = fmt.Errorf("journal %s: %w", j.path, err)
			j.mu.Lock()
			j.err = err
			j.mu.Unlock()
			j.syncMu.Unlock()
			return err
		}
		j.synced = upto
	}
	j.syncMu.Unlock()
	if j.AfterWrite != nil {
		j.AfterWrite(r)
	}
	return nil
}

// Records reads every record of the journal so far.
func (j *Journal) Records() ([]Record, error) {
	f, err := os.Open(j.path)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	return ReadJournal(f)
}

// Close unlocks and closes the file.
func (j *Journal) Close() error { return j.f.Close() }

// ReadJournal reads records, one JSON object per line. Lines that are not
// a record — one cut short by a crash while it was written, which never
// reached the disk whole and so was never acted on — are skipped. A record
// of a later format version is an error.
func ReadJournal(r io.Reader) ([]Record, error) {
	var out []Record
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var rec Record
		if err := json.Unmarshal(line, &rec); err != nil || rec.Step == "" {
			continue
		}
		if rec.V > JournalVersion {
			return nil, fmt.Errorf("journal: a record of version %d (this program writes %d): use a newer cloudkeys", rec.V, JournalVersion)
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return out, nil
}

// ErrJournalBusy is returned by OpenJournal when another process holds the
// journal.
var ErrJournalBusy = errors.New("in use by another cloudkeys run (or reconcile)")

// syncDir fsyncs a directory so that a file created in it survives a
// crash; errors are ignored (some file systems refuse).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
