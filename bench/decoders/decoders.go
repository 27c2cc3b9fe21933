package decoders

import (
	"encoding/json"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
	jsoniter "github.com/json-iterator/go"
)

// A decoder decodes data into v, a pointer.
type decoder struct {
	name   string
	decode func(data []byte, v any) error
}

var (
	v1Options = jsonv1.DefaultOptionsV1()
	iterStd   = jsoniter.ConfigCompatibleWithStandardLibrary
)

// decoders are the decoders compared, encoding/json first (the reference).
var decoders = []decoder{
	{"encoding-json", json.Unmarshal},
	{"json-v2", func(data []byte, v any) error { return jsonv2.Unmarshal(data, v) }},
	{"json-v2-v1opts", func(data []byte, v any) error { return jsonv2.Unmarshal(data, v, v1Options) }},
	{"jsoniter", iterStd.Unmarshal},
}
