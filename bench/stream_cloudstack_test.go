package bench

import (
	"testing"

	"github.com/cloudkeys/cloudkeys/cloudstack/cloudstacktest"
)

// streamCloudStack: a 4.23 fake whose admin holds 100,000 key pairs,
// listed with listUserKeys listall=true in pages of 500.
func streamCloudStack(tb testing.TB) *streamTarget {
	srv := cloudstacktest.NewServer(cloudstacktest.WithVersion("4.23.0.0"))
	tb.Cleanup(srv.Close)
	have := len(srv.UserKeys(srv.AdminID()))
	if !srv.SeedKeyPairs(srv.AdminID(), streamKeys-have) {
		tb.Fatal("SeedKeyPairs refused")
	}
	return &streamTarget{km: srv.Client(), reset: srv.ResetRequests, total: streamKeys, early: streamEarly}
}
