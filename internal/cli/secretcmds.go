package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudkeys/cloudkeys"
)

// secretFlags are how create and rotate hand over a new secret.
type secretFlags struct {
	show  bool
	file  string
	force bool
}

func (f *secretFlags) register(c *cobra.Command) {
	c.Flags().BoolVar(&f.show, "show-secret", false, "print the new secret in the output")
	c.Flags().StringVar(&f.file, "secret-file", "", "write the new secret to this file: created 0600, no trailing newline, never\n"+
		"through a link; checked and opened before anything is created; '-' is standard output\n"+
		"(the key's details then go to stderr)")
	c.Flags().BoolVar(&f.force, "force", false, "with --secret-file: replace an existing file (atomically: temporary file, sync, rename)")
}

// open checks the flags and opens the destination, before any request.
func (f *secretFlags) open(st *state, cmd string, store bool) (*destination, error) {
	if !f.show && f.file == "" && !store {
		extra := ""
		if cmd == "rotate" {
			extra = " or --store COMMAND"
		}
		return nil, usagef(cmd + " shows the new secret only once: give --show-secret or --secret-file PATH ('-' for standard output)" + extra)
	}
	if f.force && f.file == "" {
		return nil, usagef("--force goes with --secret-file")
	}
	if f.file == "" {
		return nil, nil
	}
	d, err := openDestination(f.file, f.force, st.io.Stdout)
	if d != nil {
		d.fail = st.io.failSecretWrite
	}
	return d, err
}

// keyOutput is where the key's details go: stdout, unless the secret
// itself goes there.
func keyOutput(st *state, cmd *cobra.Command, d *destination) io.Writer {
	if d.toStdout() {
		return st.io.Stderr
	}
	return cmd.OutOrStdout()
}

func createCmd(st *state, v *Vendor) *cobra.Command {
	var owner, name, desc, expires string
	var sf secretFlags
	c := &cobra.Command{
		Use:   "create",
		Short: "Create a key and hand over its secret exactly once",
		Long: "Create a key. Its secret exists once: give --show-secret, or --secret-file PATH (checked and\n" +
			"opened before anything is created). If the secret cannot be written, the new key is deleted\n" +
			"again; where that is impossible the secret is saved to a recovery file (0600) whose path is\n" +
			"printed on stderr.",
		Args: noArgs("create"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			req := cloudkeys.CreateKeyRequest{Owner: owner, Name: name, Description: desc}
			if expires != "" {
				t, err := parseExpiry(expires, time.Now())
				if err != nil {
					return err
				}
				req.ExpiresAt = t
			}
			dest, err := sf.open(st, "create", false)
			if err != nil {
				return err
			}
			err = keyRun(st, v, func(ctx context.Context, km cloudkeys.KeyManager, cmd *cobra.Command, _ []string) error {
				if err := checkCreateFields(ctx, v, km, req); err != nil {
					return err
				}
				k, err := km.CreateKey(ctx, req)
				if err != nil {
					return rescueAnswer(ctx, st, v, km, err)
				}
				if err := deliver(ctx, st, v, km, dest, k); err != nil {
					return err
				}
				return newKeyWriter(keyOutput(st, cmd, dest), st.output, sf.show).one(k)
			})(cmd, nil)
			if err != nil && dest != nil && !dest.written {
				dest.abandon()
			}
			return err
		},
	}
	f := c.Flags()
	f.StringVar(&owner, "owner", "", "whose key: user/account id (default: the caller, where the vendor allows)")
	f.StringVar(&name, "name", "", "key name, where the vendor has names (Onezone requires one; CloudStack 4.23+)")
	f.StringVar(&desc, "description", "", "key description, where the vendor keeps one")
	f.StringVar(&expires, "expires", "", "expiry: an RFC 3339 time or a duration such as 720h, where the vendor supports it")
	sf.register(c)
	return c
}

// deliver writes k's secret to dest. If that fails the key is deleted
// again; if that is impossible too, the secret goes to a recovery file and
// the error names it. Nothing is printed but the error.
func deliver(ctx context.Context, st *state, v *Vendor, km cloudkeys.KeyManager, dest *destination, k *cloudkeys.Key) error {
	if dest == nil {
		return nil
	}
	var werr error
	if k.Secret.IsZero() {
		werr = errors.New("the server returned no secret")
	} else {
		werr = dest.write(k.Secret.Reveal())
	}
	if werr == nil {
		dest.commit()
		return nil
	}
	dest.abandon()
	cctx, cancel := cleanupContext(ctx)
	defer cancel()
	derr := km.DeleteKey(cctx, k.ID)
	if derr == nil {
		return fmt.Errorf("key %s was created, but its secret could not be written to %s (%v); the key was deleted again", k.ID, dest.path, werr)
	}
	if k.Secret.IsZero() {
		return fmt.Errorf("key %s was created without a secret and could not be deleted (%v)", k.ID, oneLine(derr.Error()))
	}
	path, rerr := saveRecovery(st.io.Getenv, v.Name, k.ID, k.Secret.Reveal())
	if rerr != nil {
		return fmt.Errorf("key %s was created, but its secret could not be written to %s (%v), the key could not be deleted (%v), and no recovery file could be written (%v): delete the key", k.ID, dest.path, werr, oneLine(derr.Error()), rerr)
	}
	return fmt.Errorf("key %s was created, but its secret could not be written to %s (%v) and the key could not be deleted (%v): its secret was saved to %s (mode 0600); move it where it belongs and delete that file", k.ID, dest.path, werr, oneLine(derr.Error()), path)
}

// rescueAnswer handles a create that failed in a way that may have left a
// key behind with its secret only in the error: an answer that could not be
// read (cloudkeys.UndecodableAnswerError keeps it; Huawei's CreateFileError
// also knows the new key's id). A key whose id is known is deleted again;
// otherwise the raw answer is saved to a recovery file.
func rescueAnswer(ctx context.Context, st *state, v *Vendor, km cloudkeys.KeyManager, err error) error {
	var ue *cloudkeys.UndecodableAnswerError
	if !errors.As(err, &ue) || ue.Answer.IsZero() {
		return err
	}
	var created interface{ CreatedKeyID() string }
	if errors.As(err, &created) && created.CreatedKeyID() != "" {
		id := created.CreatedKeyID()
		cctx, cancel := cleanupContext(ctx)
		defer cancel()
		if derr := km.DeleteKey(cctx, id); derr == nil {
			return fmt.Errorf("key %s was created, but the answer holding its secret could not be read (%s); the key was deleted again", id, ue.Problem)
		}
	}
	path, rerr := saveRecovery(st.io.Getenv, v.Name, "answer", ue.Answer.Reveal())
	if rerr != nil {
		return err
	}
	fmt.Fprintf(st.io.Stderr, "cloudkeys: the server's answer, which may hold the new secret, was saved to %s (mode 0600)\n", path)
	return err
}

// cleanupContext gives clean-up calls their own time even when the
// command's has run out.
func cleanupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
}

// checkCreateFields refuses --name and --description where the vendor (or
// this server version) would not keep them, instead of dropping them.
func checkCreateFields(ctx context.Context, v *Vendor, km cloudkeys.KeyManager, req cloudkeys.CreateKeyRequest) error {
	if v.CreateFields == nil || req.Name == "" && req.Description == "" {
		return nil
	}
	caps, err := km.Capabilities(ctx)
	if err != nil {
		return err
	}
	names, descs := v.CreateFields(caps)
	switch {
	case req.Name != "" && !names:
		return cloudkeys.InvalidInput(v.Name, "--name", v.Name+" keys have no name here")
	case req.Description != "" && !descs:
		return cloudkeys.InvalidInput(v.Name, "--description", v.Name+" keys have no description here")
	}
	return nil
}

// isOwnCredential reports whether id is the key km authenticates with.
func isOwnCredential(ctx context.Context, km cloudkeys.KeyManager, id string) (bool, error) {
	return cloudkeys.IsOwnCredential(ctx, km, id)
}
