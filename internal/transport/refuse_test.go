package transport

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cloudkeys/cloudkeys"
)

func TestCheckExpiry(t *testing.T) {
	t.Parallel()
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		expiry  bool
		at      time.Time
		refused bool
	}{
		{"no expiry asked, none offered", false, time.Time{}, false},
		{"no expiry asked, offered", true, time.Time{}, false},
		{"expiry asked and offered", true, at, false},
		{"expiry asked, not offered", false, at, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := CheckExpiry("test", cloudkeys.Capabilities{Expiry: tt.expiry}, tt.at)
			if !tt.refused {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, cloudkeys.ErrUnsupported)
			assert.Regexp(t, `^test: CreateKey: not supported: ExpiresAt: `, err.Error())
		})
	}
}
