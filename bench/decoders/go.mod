module github.com/cloudkeys/cloudkeys/bench/decoders

go 1.26

require (
	github.com/cloudkeys/cloudkeys v0.0.0
	github.com/go-json-experiment/json v1.27.2
	github.com/json-iterator/go v1.1.12
)

require (
	github.com/google/go-querystring v1.2.0 // indirect
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/hashicorp/go-retryablehttp v0.7.8 // indirect
	github.com/modern-go/concurrent v0.0.0-20180228061459-e0a39a4cb421 // indirect
	github.com/modern-go/reflect2 v1.0.2 // indirect
)

replace github.com/cloudkeys/cloudkeys => ../..
