package cloudkeys_test

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
	"github.com/cloudkeys/cloudkeys/e24/e24test"
	"github.com/cloudkeys/cloudkeys/huaweibcs/huaweibcstest"
	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
	"github.com/cloudkeys/cloudkeys/onezone/onezonetest"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

// requestLog is what every vendor fake offers to see what reached it.
type requestLog interface {
	Requests() []fakeserver.Request
	ResetRequests()
	Close()
}

func TestUnsupported(t *testing.T) {
	t.Parallel()
	err := cloudkeys.Unsupported("e24", "SetKeyEnabled", "keys cannot be disabled")
	assert.ErrorIs(t, err, cloudkeys.ErrUnsupported)
	assert.ErrorIs(t, err, errors.ErrUnsupported)
	assert.Equal(t, "e24: SetKeyEnabled: not supported: keys cannot be disabled", err.Error())
	var ue *cloudkeys.UnsupportedError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, cloudkeys.UnsupportedError{Vendor: "e24", Operation: "SetKeyEnabled", Reason: "keys cannot be disabled"}, *ue)
}

// TestRefusalsFollowCapabilities: for every vendor (and CloudStack before
// and from 4.23), each operation its Capabilities say it cannot do is
// refused with cloudkeys.Unsupported — matching ErrUnsupported, in the one
// wording "<vendor>: <op>: not supported: <why>" — and sends nothing.
func TestRefusalsFollowCapabilities(t *testing.T) {
	t.Parallel()
	fakes := []struct {
		name  string
		start func() (cloudkeys.KeyManager, requestLog)
		id    string // an id the refused calls name
	}{
		{"cloudstack 4.22", func() (cloudkeys.KeyManager, requestLog) {
			s := cloudstacktest.NewServer(cloudstacktest.WithInMemory(), cloudstacktest.WithVersion("4.22.0.0"))
			return s.Client(), s
		}, "some-api-key"},
		{"cloudstack 4.23", func() (cloudkeys.KeyManager, requestLog) {
			s := cloudstacktest.NewServer(cloudstacktest.WithInMemory(), cloudstacktest.WithVersion("4.23.0.0"))
			return s.Client(), s
		}, "some-pair-id"},
		{"zstack", func() (cloudkeys.KeyManager, requestLog) {
			s := zstacktest.NewServer(zstacktest.WithInMemory())
			return s.Client(), s
		}, "0123456789abcdef0123456789abcdef"},
		{"e24", func() (cloudkeys.KeyManager, requestLog) {
			s := e24test.NewServer(e24test.WithInMemory())
			return s.Client(), s
		}, "some-api-key"},
		{"huaweibcs", func() (cloudkeys.KeyManager, requestLog) {
			s := huaweibcstest.NewServer(huaweibcstest.WithInMemory())
			return s.Client(), s
		}, "01234567-89ab-cdef-0123-456789abcdef"},
		{"onezone", func() (cloudkeys.KeyManager, requestLog) {
			s := onezonetest.NewServer(onezonetest.WithInMemory())
			return s.Client(), s
		}, "some-token-id"},
	}
	ops := []struct {
		op      string
		refused func(cloudkeys.Capabilities) bool
		call    func(ctx context.Context, km cloudkeys.KeyManager, id string) error
	}{
		{"CreateKey", func(c cloudkeys.Capabilities) bool { return !c.Expiry }, func(ctx context.Context, km cloudkeys.KeyManager, _ string) error {
			_, err := km.CreateKey(ctx, cloudkeys.CreateKeyRequest{Name: "n", ExpiresAt: time.Now().Add(time.Hour)})
			return err
		}},
		{"DeleteKey", func(c cloudkeys.Capabilities) bool { return !c.Delete }, func(ctx context.Context, km cloudkeys.KeyManager, id string) error {
			return km.DeleteKey(ctx, id)
		}},
		{"RotateKey", func(c cloudkeys.Capabilities) bool { return !c.Rotate }, func(ctx context.Context, km cloudkeys.KeyManager, id string) error {
			_, err := km.RotateKey(ctx, id)
			return err
		}},
		{"SetKeyEnabled", func(c cloudkeys.Capabilities) bool { return !c.Enable }, func(ctx context.Context, km cloudkeys.KeyManager, id string) error {
			return km.SetKeyEnabled(ctx, id, false)
		}},
	}
	for _, f := range fakes {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			km, srv := f.start()
			defer srv.Close()
			ctx := context.Background()
			caps, err := km.Capabilities(ctx) // CloudStack asks (once) for the version
			require.NoError(t, err)
			refusals := 0
			for _, o := range ops {
				if !o.refused(caps) {
					continue
				}
				refusals++
				srv.ResetRequests()
				err := o.call(ctx, km, f.id)
				require.ErrorIs(t, err, cloudkeys.ErrUnsupported, o.op)
				var ue *cloudkeys.UnsupportedError
				require.ErrorAs(t, err, &ue, o.op)
				assert.Equal(t, km.Vendor(), ue.Vendor, o.op)
				assert.Equal(t, o.op, ue.Operation)
				assert.Regexp(t, "^"+regexp.QuoteMeta(km.Vendor()+": "+o.op+": not supported: ")+".+", err.Error())
				if o.op == "CreateKey" {
					assert.Contains(t, ue.Reason, "ExpiresAt", "the refusal names the field")
				}
				assert.Empty(t, srv.Requests(), "%s: refused before any request", o.op)
			}
			assert.NotZero(t, refusals, "every vendor lacks something")
		})
	}
}
