package transport

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMayHoldKey(t *testing.T) {
	for _, tc := range []struct {
		body string
		want bool
	}{
		{`{"x":{"errorcode":431}}`, true},
		{`{"x":{"ErrorCode":431}}`, true},
		{`{"x":{"ERRORCODE":431}}`, true},
		{`{"x":{"\u0065rrorcode":431}}`, true},
		{`{"x":{"count":1,"user":[]}}`, false},
		{`{"x":{"errorcod":1}}`, false},
		{`errorcode`, true},
		{``, false},
	} {
		assert.Equal(t, tc.want, MayHoldKey([]byte(tc.body), "errorcode"), tc.body)
	}
}
