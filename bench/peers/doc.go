// Package peers sets cloudkeys beside the Go SDKs its users would pick
// instead: Huawei's signer (huaweicloud-sdk-go-v3 core/auth/signer) against
// huaweibcs.SignAKSK on identical requests, and whole calls — apache/
// cloudstack-go v2.16.1's getUserKeys and listUsers of 100 users, and
// huaweicloud-sdk-go-v3's core.HcHttpClient listing 100 NES credentials —
// against the same calls through cloudkeys.KeyManager, over 127.0.0.1
// against the in-process fakes and client only, served recorded answers from
// memory (bench/internal/canned). Each comparison first asserts, in a Test,
// that both clients read the same data.
//
// It is a separate module so that the SDK's go.mod gains nothing:
// huaweicloud-sdk-go-v3 and cloudstack-go are required here only.
//
//	cd bench/peers && go test -run . -bench . -benchmem
package peers
