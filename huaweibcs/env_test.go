package huaweibcs_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/huaweibcs"
)

func TestNewFromEnv(t *testing.T) {
	t.Parallel()
	pid := "0123456789abcdef0123456789abcdef"
	cases := []struct {
		name string
		env  map[string]string
		ok   bool
	}{
		{"aksk", map[string]string{"HUAWEICLOUD_SDK_PROJECT_ID": pid, "HUAWEICLOUD_SDK_AK": "ak", "HUAWEICLOUD_SDK_SK": "sk"}, true},
		{"temporary", map[string]string{"HUAWEICLOUD_SDK_PROJECT_ID": pid, "HUAWEICLOUD_SDK_AK": "ak", "HUAWEICLOUD_SDK_SK": "sk", "HUAWEICLOUD_SDK_SECURITY_TOKEN": "st"}, true},
		{"token", map[string]string{"HUAWEICLOUD_SDK_PROJECT_ID": pid, "HUAWEICLOUD_SDK_TOKEN": "t"}, true},
		{"password", map[string]string{"HUAWEICLOUD_SDK_PROJECT_ID": pid, "HUAWEICLOUD_SDK_IAM_ENDPOINT": "https://iam.ap-southeast-3.myhuaweicloud.com",
			"HUAWEICLOUD_SDK_DOMAIN": "d", "HUAWEICLOUD_SDK_USER": "u", "HUAWEICLOUD_SDK_PASSWORD": "p"}, true},
		{"ak without sk", map[string]string{"HUAWEICLOUD_SDK_PROJECT_ID": pid, "HUAWEICLOUD_SDK_AK": "ak"}, false},
		{"password without iam", map[string]string{"HUAWEICLOUD_SDK_PROJECT_ID": pid, "HUAWEICLOUD_SDK_USER": "u", "HUAWEICLOUD_SDK_PASSWORD": "p"}, false},
		{"no project", map[string]string{"HUAWEICLOUD_SDK_TOKEN": "t"}, false},
		{"nothing", map[string]string{}, false},
		{"bad endpoint", map[string]string{"HUAWEICLOUD_SDK_PROJECT_ID": pid, "HUAWEICLOUD_SDK_TOKEN": "t", "HUAWEICLOUD_BCS_ENDPOINT": "ftp://x"}, false},
	}
	for _, tc := range cases {
		c, err := huaweibcs.NewFromEnv(func(k string) string { return tc.env[k] }, "")
		if tc.ok {
			require.NoError(t, err, tc.name)
			assert.Equal(t, pid, c.ProjectID())
		} else {
			assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest, tc.name)
		}
	}
	_, err := huaweibcs.NewFromEnv(nil, "")
	assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
}
