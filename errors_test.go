package cloudkeys_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cloudkeys/cloudkeys"
)

func TestAPIErrorStatusMapping(t *testing.T) {
	t.Parallel()
	all := []error{cloudkeys.ErrInvalidRequest, cloudkeys.ErrUnauthorized, cloudkeys.ErrForbidden, cloudkeys.ErrNotFound,
		cloudkeys.ErrConflict, cloudkeys.ErrRateLimited, cloudkeys.ErrServer, cloudkeys.ErrOutcomeUnknown, cloudkeys.ErrUnsupported}
	tests := []struct {
		status int
		want   error
	}{
		{400, cloudkeys.ErrInvalidRequest}, {401, cloudkeys.ErrUnauthorized}, {403, cloudkeys.ErrForbidden},
		{404, cloudkeys.ErrNotFound}, {409, cloudkeys.ErrConflict}, {429, cloudkeys.ErrRateLimited},
		{500, cloudkeys.ErrServer}, {502, cloudkeys.ErrServer}, {503, cloudkeys.ErrServer}, {599, cloudkeys.ErrServer},
		{200, nil}, {302, nil}, {418, nil}, {0, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			t.Parallel()
			err := fmt.Errorf("wrapped: %w", &cloudkeys.APIError{Vendor: "v", Operation: "op", StatusCode: tt.status})
			for _, s := range all {
				assert.Equal(t, s == tt.want, errors.Is(err, s), "status %d vs %v", tt.status, s)
			}
			var ae *cloudkeys.APIError
			assert.True(t, errors.As(err, &ae))
		})
	}
}

func TestAPIErrorKindOverridesStatus(t *testing.T) {
	t.Parallel()
	// CloudStack answers 432 for an unknown command; ZStack answers 503 for every application error.
	e := &cloudkeys.APIError{Vendor: "cloudstack", StatusCode: 432, Code: "432", Kind: cloudkeys.ErrUnsupported}
	assert.ErrorIs(t, e, cloudkeys.ErrUnsupported)
	assert.ErrorIs(t, e, errors.ErrUnsupported)
	z := &cloudkeys.APIError{Vendor: "zstack", StatusCode: 503, Code: "SYS.1007", Kind: cloudkeys.ErrInvalidRequest}
	assert.ErrorIs(t, z, cloudkeys.ErrInvalidRequest)
	assert.NotErrorIs(t, z, cloudkeys.ErrServer)
	assert.True(t, cloudkeys.ErrUnsupported == errors.ErrUnsupported) //nolint:errorlint // identity is the contract
}

func TestAPIErrorText(t *testing.T) {
	t.Parallel()
	e := &cloudkeys.APIError{Vendor: "zstack", Operation: "CreateAccessKey", StatusCode: 503, Code: "SYS.1007",
		Message: "invalid argument", RequestID: "req-1", Attempts: 2}
	assert.Equal(t, "zstack: CreateAccessKey: invalid argument (HTTP 503, code SYS.1007, request req-1, 2 attempts)", e.Error())
	assert.Equal(t, "e24: Not Found (HTTP 404)", (&cloudkeys.APIError{Vendor: "e24", StatusCode: 404}).Error())
	assert.Equal(t, "cloudstack: x: error (code 4350)", (&cloudkeys.APIError{Vendor: "cloudstack", Operation: "x", Code: "4350"}).Error())
}

func TestInvalidInput(t *testing.T) {
	t.Parallel()
	err := cloudkeys.InvalidInput("huaweibcs", "projectID", "must be 32 characters")
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
	assert.Equal(t, "huaweibcs: invalid projectID: must be 32 characters", err.Error())
	assert.Equal(t, "cloudkeys: invalid id: empty", cloudkeys.InvalidInput("", "id", "empty").Error())
}
