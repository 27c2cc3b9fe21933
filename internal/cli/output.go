package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cloudkeys/cloudkeys"
)

// Output formats.
const (
	outTable = "table"
	outJSON  = "json"
	outEnv   = "env"
)

// keyJSON is the one JSON schema for a key, the same for every vendor.
// Every field is always present; unknown times are null; secret is null
// unless it was asked for with --show-secret on create or rotate.
type keyJSON struct {
	Vendor      string     `json:"vendor"`
	ID          string     `json:"id"`
	AccessKey   string     `json:"access_key"`
	Secret      *string    `json:"secret"`
	Owner       string     `json:"owner"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Enabled     bool       `json:"enabled"`
	CreatedAt   *time.Time `json:"created_at"`
	LastUsedAt  *time.Time `json:"last_used_at"`
	ExpiresAt   *time.Time `json:"expires_at"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func toJSON(k *cloudkeys.Key, showSecret bool) keyJSON {
	j := keyJSON{
		Vendor: k.Vendor, ID: k.ID, AccessKey: k.AccessKey, Owner: k.Owner, Name: k.Name,
		Description: k.Description, Enabled: k.Enabled,
		CreatedAt: timePtr(k.CreatedAt), LastUsedAt: timePtr(k.LastUsedAt), ExpiresAt: timePtr(k.ExpiresAt),
	}
	if showSecret && !k.Secret.IsZero() {
		s := k.Secret.Reveal()
		j.Secret = &s
	}
	return j
}

// capsJSON is the JSON schema of "capabilities".
type capsJSON struct {
	Vendor       string `json:"vendor"`
	MultipleKeys bool   `json:"multiple_keys"`
	Delete       bool   `json:"delete"`
	Rotate       bool   `json:"rotate"`
	Enable       bool   `json:"enable"`
	Expiry       bool   `json:"expiry"`
}

// keyWriter prints keys in one of the output formats. For lists it streams:
// the JSON array and the table are written key by key.
type keyWriter struct {
	w          io.Writer
	format     string
	showSecret bool
	n          int
	tw         *tabwriter.Writer
	ids        []string
}

func newKeyWriter(w io.Writer, format string, showSecret bool) *keyWriter {
	return &keyWriter{w: w, format: format, showSecret: showSecret}
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (kw *keyWriter) tableHeader() {
	kw.tw = tabwriter.NewWriter(kw.w, 0, 4, 2, ' ', 0)
	cols := "ID\tACCESS KEY\tOWNER\tNAME\tENABLED\tCREATED\tEXPIRES"
	if kw.showSecret {
		cols += "\tSECRET"
	}
	fmt.Fprintln(kw.tw, cols)
}

func (kw *keyWriter) tableRow(k *cloudkeys.Key) {
	row := strings.Join([]string{dash(k.ID), dash(k.AccessKey), dash(k.Owner), dash(k.Name),
		fmt.Sprint(k.Enabled), fmtTime(k.CreatedAt), fmtTime(k.ExpiresAt)}, "\t")
	if kw.showSecret {
		row += "\t" + dash(k.Secret.Reveal())
	}
	fmt.Fprintln(kw.tw, row)
}

// one prints a single key.
func (kw *keyWriter) one(k *cloudkeys.Key) error {
	switch kw.format {
	case outJSON:
		enc := json.NewEncoder(kw.w)
		enc.SetIndent("", "  ")
		return enc.Encode(toJSON(k, kw.showSecret))
	case outEnv:
		vars := [][2]string{
			{"CLOUDKEYS_VENDOR", k.Vendor}, {"CLOUDKEYS_KEY_ID", k.ID}, {"CLOUDKEYS_ACCESS_KEY", k.AccessKey},
		}
		if kw.showSecret && !k.Secret.IsZero() {
			vars = append(vars, [2]string{"CLOUDKEYS_SECRET", k.Secret.Reveal()})
		}
		return writeEnv(kw.w, vars)
	default:
		kw.tableHeader()
		kw.tableRow(k)
		return kw.tw.Flush()
	}
}

// add prints one key of a list.
func (kw *keyWriter) add(k *cloudkeys.Key) error {
	kw.n++
	switch kw.format {
	case outJSON:
		sep := ",\n  "
		if kw.n == 1 {
			sep = "[\n  "
		}
		b, err := json.Marshal(toJSON(k, false))
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(kw.w, "%s%s", sep, b)
		return err
	case outEnv:
		kw.ids = append(kw.ids, k.ID)
		return nil
	default:
		if kw.tw == nil {
			kw.tableHeader()
		}
		kw.tableRow(k)
		if kw.n%100 == 0 {
			return kw.tw.Flush()
		}
		return nil
	}
}

// end closes a list.
func (kw *keyWriter) end() error {
	switch kw.format {
	case outJSON:
		if kw.n == 0 {
			_, err := io.WriteString(kw.w, "[]\n")
			return err
		}
		_, err := io.WriteString(kw.w, "\n]\n")
		return err
	case outEnv:
		return writeEnv(kw.w, [][2]string{{"CLOUDKEYS_KEY_IDS", strings.Join(kw.ids, " ")}, {"CLOUDKEYS_KEY_COUNT", fmt.Sprint(kw.n)}})
	default:
		if kw.tw == nil {
			kw.tableHeader()
		}
		return kw.tw.Flush()
	}
}

// writeEnv writes "export NAME='value'" lines, values single-quoted for sh.
func writeEnv(w io.Writer, vars [][2]string) error {
	for _, v := range vars {
		if _, err := fmt.Fprintf(w, "export %s=%s\n", v[0], shellQuote(v[1])); err != nil {
			return err
		}
	}
	return nil
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func writeCaps(w io.Writer, format, vendor string, c cloudkeys.Capabilities) error {
	j := capsJSON{Vendor: vendor, MultipleKeys: c.MultipleKeys, Delete: c.Delete, Rotate: c.Rotate, Enable: c.Enable, Expiry: c.Expiry}
	switch format {
	case outJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(j)
	case outEnv:
		return writeEnv(w, [][2]string{
			{"CLOUDKEYS_VENDOR", vendor},
			{"CLOUDKEYS_CAN_HOLD_MULTIPLE_KEYS", fmt.Sprint(c.MultipleKeys)},
			{"CLOUDKEYS_CAN_DELETE", fmt.Sprint(c.Delete)},
			{"CLOUDKEYS_CAN_ROTATE", fmt.Sprint(c.Rotate)},
			{"CLOUDKEYS_CAN_ENABLE", fmt.Sprint(c.Enable)},
			{"CLOUDKEYS_CAN_EXPIRE", fmt.Sprint(c.Expiry)},
		})
	default:
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CAPABILITY\tSUPPORTED")
		for _, r := range [][2]any{{"multiple keys per owner", c.MultipleKeys}, {"delete", c.Delete},
			{"rotate in place", c.Rotate}, {"enable/disable", c.Enable}, {"expiry", c.Expiry}} {
			fmt.Fprintf(tw, "%s\t%v\n", r[0], r[1])
		}
		return tw.Flush()
	}
}
