package transport

import (
	"errors"
	"net/url"
	"path"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudkeys/cloudkeys"
)

func TestPathSegment(t *testing.T) {
	tests := []struct {
		name  string
		value string
		want  string // "" = refused
	}{
		{"empty", "", ""},
		{"dot", ".", ""},
		{"dot dot", "..", ""},
		{"three dots", "...", "..."},
		{"leading dot", ".x", ".x"},
		{"trailing dots", "x..", "x.."},
		{"dot slash", "./", ".%2F"},
		{"dot dot slash", "../x", "..%2Fx"},
		{"escaped dot dot", "%2E%2E", "%252E%252E"},
		{"slash", "a/b", "a%2Fb"},
		{"query", "a?b", "a%3Fb"},
		{"fragment", "a#b", "a%23b"},
		{"percent", "%2F", "%252F"},
		{"space", "a b", "a%20b"},
		{"whitespace only", " \t ", "%20%09%20"},
		{"control chars", "a\x00b\r\nc", "a%00b%0D%0Ac"},
		{"unicode", "ключ-🔑", url.PathEscape("ключ-🔑")},
		{"uuid", "4c71496ba3dff0052c04c697b12fe157", "4c71496ba3dff0052c04c697b12fe157"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PathSegment("testvendor", "id", tt.value)
			if tt.want == "" {
				require.Error(t, err)
				assert.Empty(t, got)
				var ie *cloudkeys.InvalidInputError
				require.True(t, errors.As(err, &ie), "want *cloudkeys.InvalidInputError, got %T", err)
				assert.Equal(t, "id", ie.Field)
				assert.Equal(t, "testvendor", ie.Vendor)
				assert.ErrorIs(t, err, cloudkeys.ErrInvalidRequest)
				assert.Contains(t, err.Error(), "invalid id")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			// The segment stands for exactly the value ...
			back, err := url.PathUnescape(got)
			require.NoError(t, err)
			assert.Equal(t, tt.value, back)
			// ... and survives a normalising proxy: cleaning the path
			// neither drops it nor climbs out of its parent.
			p := "/api/tokens/" + got + "/status"
			assert.Equal(t, p, path.Clean(p))
			assert.False(t, strings.Contains(got, "/"))
		})
	}
}

// TestPathSegmentNamesTheField: the error names the field it is given,
// whatever the vendor calls it.
func TestPathSegmentNamesTheField(t *testing.T) {
	for _, field := range []string{"id", "Owner", "name", "userID", "Subject.ID", "sessionUUID"} {
		for _, v := range []string{"", ".", ".."} {
			_, err := PathSegment("v", field, v)
			var ie *cloudkeys.InvalidInputError
			require.True(t, errors.As(err, &ie), "%s %q", field, v)
			assert.Equal(t, field, ie.Field)
		}
	}
}
