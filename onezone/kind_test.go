package onezone

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cloudkeys/cloudkeys"
)

func TestKindOf(t *testing.T) {
	t.Parallel()
	tests := map[string]error{
		"badValueIdentifierOccupied": cloudkeys.ErrConflict, "alreadyExists": cloudkeys.ErrConflict, "relationAlreadyExists": cloudkeys.ErrConflict,
		"notFound": cloudkeys.ErrNotFound, "unauthorized": cloudkeys.ErrUnauthorized,
		"forbidden": cloudkeys.ErrForbidden, "forbiddenWithHint": cloudkeys.ErrForbidden,
		"badValueString": cloudkeys.ErrInvalidRequest, "badValueName": cloudkeys.ErrInvalidRequest, "badValueToken": cloudkeys.ErrInvalidRequest,
		"missingRequiredValue": cloudkeys.ErrInvalidRequest, "missingAtLeastOneValue": cloudkeys.ErrInvalidRequest,
		"malformedData": cloudkeys.ErrInvalidRequest, "tokenRevoked": cloudkeys.ErrInvalidRequest, "tokenInvalid": cloudkeys.ErrInvalidRequest,
		"tokenTimeCaveatRequired": cloudkeys.ErrInvalidRequest, "notAnAccessToken": cloudkeys.ErrInvalidRequest,
		"inviteTokenSubjectNotAuthorized": cloudkeys.ErrInvalidRequest, "inviteTokenTargetIdInvalid": cloudkeys.ErrInvalidRequest,
		"notSupported": cloudkeys.ErrUnsupported, "internalServerError": cloudkeys.ErrServer, "serviceUnavailable": cloudkeys.ErrServer,
		"somethingNew": nil,
	}
	for id, want := range tests {
		assert.Equal(t, want, kindOf(id), id)
	}
	// The description never decides: the same id with any text maps the same.
	c, err := New("https://zone.example.com", Token("test-token-value"))
	if err != nil {
		t.Fatal(err)
	}
	a := c.errorFor(400, []byte(`{"error":{"id":"badValueIdentifierOccupied","description":"Not found"}}`))
	assert.True(t, errors.Is(a, cloudkeys.ErrConflict))
	assert.False(t, errors.Is(a, cloudkeys.ErrNotFound))
}
