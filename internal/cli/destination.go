package cli

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"github.com/cloudkeys/cloudkeys"
)

// destination is where --secret-file sends a new secret. It is opened
// before any request, so that a key is never created only for its secret to
// have nowhere to go:
//
//   - "-" is standard output (the command's own output then goes to stderr);
//   - a new file is created at once with O_CREAT|O_EXCL|O_NOFOLLOW, mode
//     0600, in a directory that must exist;
//   - with --force an existing file is replaced atomically: the secret goes
//     to a temporary file (0600) in the same directory, is synced, and the
//     temporary file is renamed over the path — a rename never follows a
//     link, so a symlink swapped in meanwhile is replaced, not written
//     through. Until the key is final the old file is kept under a backup
//     name, so that it can be put back.
//
// The secret is written without a trailing newline (so that tools which take
// a file's content as the value, such as kubectl create secret
// --from-file, store exactly the secret) and synced before --store runs.
type destination struct {
	path  string
	force bool

	stdout io.Writer // for "-"
	file   *os.File  // the new file, or the temporary one with --force
	tmp    string    // the temporary file's path (--force)
	backup string    // the replaced file's backup (--force, after write)

	written bool
	fail    error // tests: the write fails with it
}

const stdoutPath = "-"

// openDestination prepares path for a secret, or returns an error naming
// --secret-file (matching ErrInvalidRequest) before anything is sent.
func openDestination(path string, force bool, stdout io.Writer) (*destination, error) {
	d := &destination{path: path, force: force, stdout: stdout}
	if path == stdoutPath {
		return d, nil
	}
	bad := func(problem string) error { return cloudkeys.InvalidInput("", "--secret-file", problem) }
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, bad("the directory " + dir + " does not exist")
	case err != nil:
		return nil, bad(err.Error())
	case !st.IsDir():
		return nil, bad(dir + " is not a directory")
	}
	lst, err := os.Lstat(path)
	switch {
	case err == nil && !force:
		return nil, bad(path + " exists; use --force to replace it")
	case err == nil && lst.IsDir():
		return nil, bad(path + " is a directory")
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return nil, bad(err.Error())
	}
	if !force || err != nil {
		// A new file: created now, exclusively, never through a link.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
		if err != nil {
			return nil, bad(err.Error())
		}
		d.file = f
		d.force = false
		return d, nil
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".cloudkeys-*")
	if err != nil {
		return nil, bad(err.Error())
	}
	d.file, d.tmp = f, f.Name()
	return d, nil
}

// toStdout reports whether the secret goes to standard output.
func (d *destination) toStdout() bool { return d != nil && d.path == stdoutPath }

// write delivers the secret: written, synced, and (with --force) renamed
// into place, keeping the replaced file as a backup until commit.
func (d *destination) write(secret string) error {
	if d.path == stdoutPath {
		_, err := io.WriteString(d.stdout, secret)
		d.written = err == nil
		return err
	}
	if d.fail != nil {
		return fmt.Errorf("cannot write %s: %w", d.path, d.fail)
	}
	if _, err := d.file.WriteString(secret); err != nil {
		return fmt.Errorf("cannot write %s: %w", d.path, err)
	}
	if err := d.file.Sync(); err != nil {
		return fmt.Errorf("cannot sync %s: %w", d.path, err)
	}
	if err := d.file.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %w", d.path, err)
	}
	if d.force {
		d.backup = d.path + ".cloudkeys-backup-" + randomSuffix()
		if err := os.Link(d.path, d.backup); err != nil {
			d.backup = "" // the replaced file cannot be kept: replace anyway
		}
		if err := os.Rename(d.tmp, d.path); err != nil {
			d.dropBackup()
			return fmt.Errorf("cannot replace %s: %w", d.path, err)
		}
		d.tmp = ""
		syncDir(filepath.Dir(d.path))
	}
	d.written = true
	return nil
}

// commit makes the delivery final: the replaced file's backup is removed.
func (d *destination) commit() {
	if d == nil {
		return
	}
	d.dropBackup()
}

// abandon undoes what the destination did, because its key does not exist
// (the create failed, or the new key was deleted again): an unused or
// written new file is removed, and a replaced file is put back.
func (d *destination) abandon() {
	if d == nil || d.path == stdoutPath {
		return
	}
	if d.file != nil && !d.written {
		_ = d.file.Close()
	}
	switch {
	case d.tmp != "":
		_ = os.Remove(d.tmp)
	case d.backup != "":
		if os.Rename(d.backup, d.path) == nil {
			d.backup = ""
		}
	case !d.force:
		_ = os.Remove(d.path)
	}
	d.dropBackup()
}

func (d *destination) dropBackup() {
	if d.backup != "" {
		_ = os.Remove(d.backup)
		d.backup = ""
	}
}

func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		_ = f.Sync()
		_ = f.Close()
	}
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
