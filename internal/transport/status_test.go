package transport

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cloudkeys/cloudkeys"
)

func TestStatusSentinel(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]error{
		400: cloudkeys.ErrInvalidRequest, 401: cloudkeys.ErrUnauthorized, 403: cloudkeys.ErrForbidden,
		404: cloudkeys.ErrNotFound, 409: cloudkeys.ErrConflict, 429: cloudkeys.ErrRateLimited,
		500: cloudkeys.ErrServer, 503: cloudkeys.ErrServer, 599: cloudkeys.ErrServer,
		0: nil, 200: nil, 302: nil, 418: nil, 600: nil,
	} {
		assert.Equal(t, want, StatusSentinel(status), "%d", status)
	}
}
