package vendorstest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudkeystest"
	"github.com/cloudkeys/cloudkeys/vendors"
	"github.com/cloudkeys/cloudkeys/vendors/vendorstest"
)

// TestEveryFakeInEveryMode starts each vendor's fake in every mode and at
// every listed version, builds a client from its Env the way a program
// does (vendors.FromEnv) and one with Client, and creates two keys with
// CreateRequest through each.
func TestEveryFakeInEveryMode(t *testing.T) {
	t.Parallel()
	modes := []struct {
		name string
		opts vendorstest.Options
	}{
		{"socket", vendorstest.Options{}},
		{"memory", vendorstest.Options{InMemory: true}},
		{"tls", vendorstest.Options{TLS: cloudkeystest.TLSHTTP2}},
		{"tls-http1", vendorstest.Options{TLS: cloudkeystest.TLSHTTP1}},
		{"tls-memory", vendorstest.Options{TLS: cloudkeystest.TLSHTTP2, InMemory: true}},
	}
	for _, v := range vendorstest.All() {
		versions := append([]string{""}, v.Versions...)
		for _, m := range modes {
			for _, version := range versions {
				t.Run(fmt.Sprintf("%s/%s/%s", v.Name, m.name, version), func(t *testing.T) {
					t.Parallel()
					ctx := context.Background()
					o := m.opts
					o.Version = version
					f, err := v.Start(o)
					require.NoError(t, err)
					defer f.Close()
					assert.Equal(t, v.Name, f.Vendor)
					assert.Equal(t, o.InMemory, f.InMemory())
					assert.Equal(t, o.TLS, f.TLSMode())
					assert.NotNil(t, f.Server)

					fromEnv, err := vendors.FromEnv(v.Name, f.Getenv, "", f.ClientOptions()...)
					require.NoError(t, err)
					for i, km := range []cloudkeys.KeyManager{fromEnv, f.Client()} {
						assert.Equal(t, v.Name, km.Vendor())
						for j := range 2 {
							k, err := km.CreateKey(ctx, f.CreateRequest(fmt.Sprintf("vt-%d-%d", i, j)))
							require.NoError(t, err, "client %d, key %d", i, j)
							assert.False(t, k.Secret.IsZero())
						}
					}
					assert.NotEmpty(t, f.Requests())
				})
			}
		}
	}
}

// TestEveryVendorHasAFake: the fakes registry and package vendors list the
// same vendors.
func TestEveryVendorHasAFake(t *testing.T) {
	assert.Equal(t, vendors.Names(), vendorstest.Names())
}

func TestStartRefuses(t *testing.T) {
	_, err := vendorstest.Start("nosuch", vendorstest.Options{})
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	for _, v := range vendorstest.All() {
		if v.CanEnforce {
			f, err := v.Start(vendorstest.Options{Enforce: true})
			require.NoError(t, err)
			f.Close()
			continue
		}
		_, err := v.Start(vendorstest.Options{Enforce: true})
		assert.True(t, errors.Is(err, cloudkeys.ErrInvalidRequest), "%s: %v", v.Name, err)
	}
	_, err = vendorstest.Start("e24", vendorstest.Options{Addr: "256.0.0.1:1"})
	assert.Error(t, err)
}

func TestEnvCoversTheVendorsVariables(t *testing.T) {
	for _, name := range vendorstest.Names() {
		v, _ := vendors.Lookup(name)
		f, err := vendorstest.Start(name, vendorstest.Options{InMemory: true})
		require.NoError(t, err)
		known := map[string]bool{}
		for _, e := range v.Env {
			known[e.Name] = true
		}
		for _, kv := range f.Env {
			assert.True(t, known[kv[0]], "%s: %s is not a variable package vendors documents", name, kv[0])
		}
		assert.True(t, v.Configured(f.Getenv), name)
		f.Close()
	}
}
