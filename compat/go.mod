module github.com/cloudkeys/cloudkeys/compat

go 1.25.0

replace github.com/cloudkeys/cloudkeys => ../

require (
	github.com/apache/cloudstack-go/v2 v2.16.1
	github.com/cloudkeys/cloudkeys v0.0.0
	github.com/stretchr/testify v1.12.1
)

require (
	github.com/golang/mock v1.6.0 // indirect
	github.com/google/go-querystring v1.2.0 // indirect
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/hashicorp/go-retryablehttp v0.7.8 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/net v0.58.0 // indirect
	golang.org/x/text v0.41.0 // indirect
)
