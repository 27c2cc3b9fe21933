// Package peers compares cloudkeys' signers with other SDKs' signers on
// identical requests. It is a separate module so that the SDK's go.mod
// gains nothing: github.com/huaweicloud/huaweicloud-sdk-go-v3 is required
// here only.
//
//	cd bench/peers && go test -run . -bench . -benchmem
package peers
