package zstack

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudkeys/cloudkeys/internal/zstackwire"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every answer passes through parseError (classify), every listed key
// through ParseInventoryDate twice: both must be cheap on the common case.
func TestSuccessAnswerAndDatesAreCheap(t *testing.T) {
	inv := `{"uuid":"91493fc885b100b80c5bdbdca7901d59","AccessKeyID":"z3EoJfMsZQiX96UpNgso","state":"Enabled","createDate":"Nov 23, 2026 2:20:01 AM"},`
	body := []byte(`{"inventories":[` + strings.TrimSuffix(strings.Repeat(inv, 100), ",") + `],"total":100}`)
	allocs := testing.AllocsPerRun(50, func() {
		_, ok := parseError(body)
		require.False(t, ok)
	})
	assert.Zero(t, allocs, "parseError on a success answer")

	loc := time.FixedZone("CST", 8*3600)
	want := time.Date(2026, 11, 23, 2, 20, 1, 0, loc)
	allocs = testing.AllocsPerRun(50, func() {
		got, err := zstackwire.ParseInventoryDate("Nov 23, 2026 2:20:01 AM", loc)
		if err != nil || !got.Equal(want) {
			t.Fatalf("got %v, %v", got, err)
		}
	})
	assert.Zero(t, allocs, "zstackwire.ParseInventoryDate on the server's own form")
}
