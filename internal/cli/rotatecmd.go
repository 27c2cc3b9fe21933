package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cloudkeys/cloudkeys"
)

func rotateCmd(st *state, v *Vendor) *cobra.Command {
	var pf policyRotateFlags
	var sf secretFlags
	var store string
	var storeEnv bool
	c := &cobra.Command{
		Use:   "rotate ID | --older-than D ...",
		Short: "Replace a key: create the new one, hand it over, then delete the old one",
		Long: "Rotate a key with cloudkeys.Rotate: create the new key, write its secret (--secret-file, complete\n" +
			"and synced) and run --store, and only then delete the old key. If handing it over fails, the new\n" +
			"key is deleted and the old one stays. Where the vendor can only rotate in place (CloudStack up to\n" +
			"4.22) the old secret stops working at once: a new secret that cannot be handed over is saved to a\n" +
			"recovery file (0600) whose path is printed on stderr. Rotating the key this command authenticates\n" +
			"with switches to the new key before the old one is deleted.\n\n" +
			"The new key's id is printed on stderr before --store runs, so an interrupted run can be cleaned up.\n\n" +
			"Without an ID, with a policy (--older-than, --unused-for, --expiring-within), every key of this\n" +
			"vendor (its environment, or --profile) that violates it is rotated, as 'cloudkeys rotate' does\n" +
			"over profiles ('cloudkeys help rotate': --store, --journal, --dry-run, exit codes).",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && pf.set() {
				return nil // by policy
			}
			return oneID("rotate")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return rotateVendorByPolicy(cmd, st, v, &pf, &sf, store, storeEnv)
			}
			if pf.set() {
				return usagef("give a key ID or a policy (--older-than, ...), not both")
			}
			dest, err := sf.open(st, "rotate", store != "")
			if err != nil {
				return err
			}
			var created *cloudkeys.Key
			handedOver := false
			err = keyRun(st, v, func(ctx context.Context, km cloudkeys.KeyManager, cmd *cobra.Command, args []string) error {
				old := args[0]
				nk, err := cloudkeys.Rotate(ctx, km, old, func(ctx context.Context, k *cloudkeys.Key) error {
					created = k
					fmt.Fprintf(st.io.Stderr, "cloudkeys: new key %s created to replace %s\n", k.ID, old)
					if dest != nil {
						if k.Secret.IsZero() {
							return errors.New("the server returned no secret")
						}
						if err := dest.write(k.Secret.Reveal()); err != nil {
							return err
						}
					}
					if store != "" {
						if err := runStore(ctx, st, store, storeEnv, k); err != nil {
							return err
						}
					}
					handedOver = true
					return nil
				})
				switch {
				case err == nil:
					dest.commit()
					return newKeyWriter(keyOutput(st, cmd, dest), st.output, sf.show).one(nk)
				case handedOver:
					// Stored, but the old key could not be deleted.
					dest.commit()
					_ = newKeyWriter(keyOutput(st, cmd, dest), st.output, sf.show).one(nk)
					return err
				case created == nil:
					// Nothing was created.
					return rescueAnswer(ctx, st, v, km, err)
				}
				return afterFailedHandover(ctx, st, v, km, dest, created, nk, err)
			})(cmd, args)
			if err != nil && dest != nil && !dest.written {
				dest.abandon()
			}
			return err
		},
	}
	sf.register(c)
	c.Flags().StringVar(&store, "store", "", "shell command that receives the new key, secret included, as JSON on stdin; the old key\n"+
		"is deleted only if it exits 0 (else the new key is deleted). It runs without the vendors'\n"+
		"credential variables in its environment unless --store-env is given")
	c.Flags().BoolVar(&storeEnv, "store-env", false, "pass the vendors' credential variables to the --store command")
	pf.register(c)
	return c
}

// afterFailedHandover settles a rotation whose new key could not be handed
// over. A key that Rotate deleted again leaves nothing to keep (the
// destination is rolled back). A new key that still exists — an in-place
// rotation, whose old secret is already dead, or a replacement Rotate could
// not delete — keeps its secret: in the destination if it was written
// there, else in a recovery file.
func afterFailedHandover(ctx context.Context, st *state, v *Vendor, km cloudkeys.KeyManager, dest *destination, created, nk *cloudkeys.Key, err error) error {
	inPlace := nk != nil
	if !inPlace {
		cctx, cancel := cleanupContext(ctx)
		_, gerr := km.GetKey(cctx, created.ID)
		cancel()
		if errors.Is(gerr, cloudkeys.ErrNotFound) {
			dest.abandon()
			return fmt.Errorf("%w; the new key %s was deleted again and the old key is kept", err, created.ID)
		}
	}
	what := "the new key " + created.ID + " could not be deleted again"
	if inPlace {
		what = "the key was rotated in place, so its old secret no longer works"
	}
	if dest != nil && dest.written {
		dest.commit()
		return fmt.Errorf("%w; %s: its secret is in %s", err, what, dest.path)
	}
	if created.Secret.IsZero() {
		return fmt.Errorf("%w; %s, and the server returned no secret", err, what)
	}
	path, rerr := saveRecovery(st.io.Getenv, v.Name, created.ID, created.Secret.Reveal())
	if rerr != nil {
		return fmt.Errorf("%w; %s, and no recovery file could be written (%v)", err, what, rerr)
	}
	return fmt.Errorf("%w; %s: its secret was saved to %s (mode 0600); move it where it belongs and delete that file", err, what, path)
}
