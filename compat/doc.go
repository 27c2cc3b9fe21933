// Package compat is cloudkeys' compatibility suite: it drives third-party
// Go clients — apache/cloudstack-go v2.16.1 and huaweicloud-sdk-go-v3's
// core HcHttpClient — against the in-process fakes on 127.0.0.1, and
// produces COMPATIBILITY.md at the repository root (client × operation:
// PASS, known client bug, client limitation, not applicable).
//
// It is a module of its own so that the SDK's go.mod gains nothing. Known
// client bugs are asserted as they are, so that a fix upstream fails its
// case and gets noticed.
//
//	cd compat && go test -count=1 ./...                              # CI: the suite, and COMPATIBILITY.md is current
//	cd compat && go test -count=1 -run TestCompatibility -v .        # prints the table
//	cd compat && go test -count=1 -run TestCompatibility -update .   # rewrites COMPATIBILITY.md
package compat
