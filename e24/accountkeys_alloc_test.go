package e24

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The documented answer decodes through the plain types in one pass: for
// ten keys that must cost clearly fewer allocations than the lenient
// decoders (which re-decode the array and every key object).
func TestAccountKeysPlainPathIsCheaper(t *testing.T) {
	var keys []string
	for i := range 10 {
		keys = append(keys, fmt.Sprintf(`{"api_key":"KEY%02d","secret_key":"secret-%02d-0123456789"}`, i, i))
	}
	body := []byte(`{"success":true,"account":{"id":"77","email":"a@example.com","api":[` + strings.Join(keys, ",") + `]}}`)
	plain := testing.AllocsPerRun(50, func() {
		var v accountKeysPlain
		require.NoError(t, json.Unmarshal(body, &v))
	})
	lenient := testing.AllocsPerRun(50, func() {
		var v accountKeysAnswer
		require.NoError(t, json.Unmarshal(body, &v))
	})
	t.Logf("allocs: plain %.0f, lenient %.0f", plain, lenient)
	assert.Less(t, plain, lenient*0.8)
}
