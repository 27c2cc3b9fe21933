// Command quickstart runs the cloudkeys KeyManager lifecycle — capabilities,
// create, list, get, rotate, disable/enable, delete — on every vendor, each
// against its in-process fake server on 127.0.0.1. It needs no network and
// no credentials, and prints no secret.
//
//	go run ./examples/quickstart
//
// Each fake is started through vendorstest, the registry of the fakes, so
// a new vendor appears here once it is registered there. Each client is
// built the way a program builds one for a real cloud: vendors.FromEnv
// with the vendor's environment variables (here the ones that point at its
// fake, the values "cloudkeys fake <vendor> --output env" prints). Against
// a real cloud the same call takes os.Getenv; see examples/<vendor> and
// "cloudkeys help <vendor>" for the variables.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/vendors"
	"github.com/cloudkeys/cloudkeys/vendors/vendorstest"
)

// run is one row: a vendor's fake at one server version.
type run struct {
	row     string // "e24", "cloudstack-4.22"
	vendor  *vendorstest.Vendor
	version string // "" = the fake's default
}

// runs lists every vendor, once per server version whose key management
// differs (CloudStack: one key pair per user up to 4.22, many from 4.23).
func runs() []run {
	var out []run
	for _, v := range vendorstest.All() {
		if len(v.Versions) < 2 {
			out = append(out, run{row: v.Name, vendor: v})
			continue
		}
		for _, ver := range v.Versions {
			short := ver
			if p := strings.SplitN(ver, ".", 3); len(p) >= 2 {
				short = p[0] + "." + p[1]
			}
			out = append(out, run{row: v.Name + "-" + short, vendor: v, version: ver})
		}
	}
	return out
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var rows [][]string
	failed := false
	for _, r := range runs() {
		fmt.Printf("== %s\n", r.row)
		row := []string{"FAIL", "-", "-", "-", "-", "-"}
		err := func() error {
			f, err := r.vendor.Start(vendorstest.Options{Version: r.version})
			if err != nil {
				return err
			}
			defer f.Close()
			// The fake's endpoint and seeded credentials as environment
			// variables; f.ClientOptions() is empty for a plain-HTTP fake.
			km, err := vendors.FromEnv(r.vendor.Name, f.Getenv, "", f.ClientOptions()...)
			if err != nil {
				return err
			}
			// A create request that fits the vendor: the owner it needs,
			// a name where keys have names.
			row, err = lifecycle(ctx, km, f.CreateRequest("quickstart"))
			return err
		}()
		if err != nil {
			fmt.Printf("   FAILED: %v\n", err)
			failed = true
		}
		rows = append(rows, append([]string{r.row}, row...))
		fmt.Println()
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VENDOR\tCREATE\tLIST\tGET\tROTATE\tDISABLE/ENABLE\tDELETE")
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	_ = tw.Flush()
	if failed {
		os.Exit(1)
	}
	fmt.Println("\nall vendors done; no secret was printed.")
}

// lifecycle runs the whole KeyManager lifecycle and returns one status per
// step: "ok", "n/a" (the vendor cannot do it) or "FAIL".
func lifecycle(ctx context.Context, km cloudkeys.KeyManager, req cloudkeys.CreateKeyRequest) ([]string, error) {
	status := []string{"FAIL", "-", "-", "-", "-", "-"}
	caps, err := km.Capabilities(ctx)
	if err != nil {
		return status, fmt.Errorf("capabilities: %w", err)
	}
	fmt.Printf("   capabilities: multiple keys %v, delete %v, rotate in place %v, enable %v, expiry %v\n",
		caps.MultipleKeys, caps.Delete, caps.Rotate, caps.Enable, caps.Expiry)

	k, err := km.CreateKey(ctx, req)
	if err != nil {
		return status, fmt.Errorf("create: %w", err)
	}
	status[0] = "ok"
	fmt.Printf("   created %s (secret: %d characters, prints as %v)\n", k.ID, len(k.Secret.Reveal()), k.Secret)

	keys, err := cloudkeys.Collect(km.ListKeys(ctx, cloudkeys.ListKeysOptions{Owner: req.Owner}))
	if err != nil {
		status[1] = "FAIL"
		return status, fmt.Errorf("list: %w", err)
	}
	status[1] = "ok"
	fmt.Printf("   listed %d key(s)\n", len(keys))

	got, err := km.GetKey(ctx, k.ID)
	if err != nil {
		status[2] = "FAIL"
		return status, fmt.Errorf("get: %w", err)
	}
	status[2] = "ok"
	fmt.Printf("   got %s (enabled %v)\n", got.ID, got.Enabled)

	current := k
	nk, err := cloudkeys.Rotate(ctx, km, k.ID, func(_ context.Context, nk *cloudkeys.Key) error {
		// Store nk.Secret.Reveal() in your secret store here: the old key
		// is deleted only after this returns nil.
		fmt.Printf("   storing the new key %s (secret: %d characters)\n", nk.ID, len(nk.Secret.Reveal()))
		return nil
	})
	switch {
	case errors.Is(err, cloudkeys.ErrUnsupported):
		status[3] = "n/a"
		fmt.Println("   rotate: not supported here")
	case err != nil:
		status[3] = "FAIL"
		return status, fmt.Errorf("rotate: %w", err)
	default:
		status[3] = "ok"
		current = nk
		fmt.Printf("   rotated %s -> %s\n", k.ID, nk.ID)
	}

	if caps.Enable {
		if err := km.SetKeyEnabled(ctx, current.ID, false); err != nil {
			status[4] = "FAIL"
			return status, fmt.Errorf("disable: %w", err)
		}
		if err := km.SetKeyEnabled(ctx, current.ID, true); err != nil {
			status[4] = "FAIL"
			return status, fmt.Errorf("enable: %w", err)
		}
		status[4] = "ok"
		fmt.Printf("   disabled and re-enabled %s\n", current.ID)
	} else {
		status[4] = "n/a"
	}

	if caps.Delete {
		if err := km.DeleteKey(ctx, current.ID); err != nil {
			status[5] = "FAIL"
			return status, fmt.Errorf("delete: %w", err)
		}
		if _, err := km.GetKey(ctx, current.ID); !errors.Is(err, cloudkeys.ErrNotFound) {
			status[5] = "FAIL"
			return status, fmt.Errorf("deleted key still readable: %v", err)
		}
		status[5] = "ok"
		fmt.Printf("   deleted %s\n", current.ID)
	} else {
		status[5] = "n/a"
	}
	return status, nil
}
