package cloudkeys_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
)

const leak = "s3cr3t-VALUE-never-shown"

func TestSecretRedactedUnderEveryVerb(t *testing.T) {
	t.Parallel()
	s := cloudkeys.NewSecret(leak)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10s", "%-8v", "%T"} {
		out := fmt.Sprintf(verb, s)
		assert.NotContains(t, out, leak, verb)
		if verb != "%T" {
			assert.Contains(t, out, "[REDACTED]", verb)
		}
	}
	assert.Equal(t, "[REDACTED]", s.String())
	assert.Equal(t, "[REDACTED]", s.GoString())
	assert.Equal(t, leak, s.Reveal())
}

func sampleKey() cloudkeys.Key {
	return cloudkeys.Key{
		Vendor: "test", ID: "id-1", AccessKey: "AK-1", Secret: cloudkeys.NewSecret(leak),
		Owner: "alice", Name: "ci", Enabled: true, CreatedAt: time.Unix(1700000000, 0).UTC(),
	}
}

func TestKeyNeverShowsItsSecret(t *testing.T) {
	t.Parallel()
	k := sampleKey()
	kp := &k
	type wrapper struct {
		K      cloudkeys.Key
		hidden cloudkeys.Key // unexported: fmt prints it without calling methods
		P      *cloudkeys.Key
		L      []*cloudkeys.Key
		V      []cloudkeys.Key
		M      map[string]cloudkeys.Key
	}
	w := wrapper{K: k, hidden: k, P: kp, L: []*cloudkeys.Key{kp}, V: []cloudkeys.Key{k}, M: map[string]cloudkeys.Key{"a": k}}
	values := []any{k, kp, w, &w, []*cloudkeys.Key{kp}, []cloudkeys.Key{k}, map[string]*cloudkeys.Key{"a": kp}}
	for _, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, leak, "%s of %T", verb, v)
		}
	}

	var text, js bytes.Buffer
	for _, h := range []slog.Handler{
		slog.NewTextHandler(&text, &slog.HandlerOptions{Level: slog.LevelDebug}),
		slog.NewJSONHandler(&js, &slog.HandlerOptions{Level: slog.LevelDebug}),
	} {
		l := slog.New(h)
		l.Debug("key", "key", k, "ptr", kp, "secret", k.Secret, "wrapper", w, "list", []cloudkeys.Key{k})
		l.Info("group", slog.Group("g", slog.Any("k", k)))
	}
	require.NotEmpty(t, text.String())
	require.NotEmpty(t, js.String())
	assert.NotContains(t, text.String(), leak)
	assert.NotContains(t, js.String(), leak)

	b, err := json.Marshal(w)
	require.NoError(t, err)
	assert.NotContains(t, string(b), leak)
	assert.Contains(t, string(b), `"Secret":"[REDACTED]"`)

	tb, err := k.Secret.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "[REDACTED]", string(tb))
}

func TestSecretZeroAndEqual(t *testing.T) {
	t.Parallel()
	var zero cloudkeys.Secret
	assert.True(t, zero.IsZero())
	assert.True(t, cloudkeys.NewSecret("").IsZero())
	assert.Equal(t, "", zero.Reveal())
	assert.Equal(t, "[REDACTED]", fmt.Sprint(zero))
	assert.False(t, cloudkeys.NewSecret("x").IsZero())
	assert.True(t, cloudkeys.NewSecret("abc").Equal(cloudkeys.NewSecret("abc")))
	assert.False(t, cloudkeys.NewSecret("abc").Equal(cloudkeys.NewSecret("abd")))
	assert.True(t, zero.Equal(cloudkeys.NewSecret("")))
}

func TestSecretUnmarshalJSON(t *testing.T) {
	t.Parallel()
	var v struct {
		S cloudkeys.Secret `json:"s"`
		N cloudkeys.Secret `json:"n"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"s":"`+leak+`","n":null}`), &v))
	assert.Equal(t, leak, v.S.Reveal())
	assert.True(t, v.N.IsZero())
	err := json.Unmarshal([]byte(`{"s":12}`), &v)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), leak)
}

// FuzzSecretNeverPrinted checks that what is printed does not depend on the
// secret at all: the output for any value equals the output for another.
func FuzzSecretNeverPrinted(f *testing.F) {
	f.Add("hunter2")
	f.Add("%s%v\x00\n")
	f.Add("[REDACTED]")
	render := func(s cloudkeys.Secret) string {
		k := cloudkeys.Key{Secret: s}
		b, _ := json.Marshal(k)
		return fmt.Sprintf("%v %+v %#v %s %q %x|", s, k, k, s, s, s) + s.String() + s.GoString() + string(b)
	}
	want := render(cloudkeys.NewSecret("reference"))
	f.Fuzz(func(t *testing.T, v string) {
		s := cloudkeys.NewSecret(v)
		if got := render(s); got != want && v != "" {
			t.Fatalf("output depends on the secret: %q", got)
		}
		if s.Reveal() != v {
			t.Fatalf("Reveal changed the value")
		}
	})
}

// TestSecretUnreachableByReflection: printers that walk values by
// reflection and follow pointers (testify's failure diffs use spew with
// methods disabled) must not reach the value either.
func TestSecretUnreachableByReflection(t *testing.T) {
	t.Parallel()
	k := &cloudkeys.Key{ID: "k", Secret: cloudkeys.NewSecret(leak)}
	var walk func(v reflect.Value, depth int) bool
	walk = func(v reflect.Value, depth int) bool {
		if depth > 10 || !v.IsValid() {
			return false
		}
		switch v.Kind() {
		case reflect.String:
			return strings.Contains(v.String(), leak)
		case reflect.Pointer, reflect.Interface:
			return !v.IsNil() && walk(v.Elem(), depth+1)
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if walk(v.Field(i), depth+1) {
					return true
				}
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < v.Len(); i++ {
				if walk(v.Index(i), depth+1) {
					return true
				}
			}
		}
		return false
	}
	assert.False(t, walk(reflect.ValueOf(k), 0), "the secret is reachable by walking fields and pointers")
	assert.True(t, k.Secret.Equal(cloudkeys.NewSecret(leak)))
}
