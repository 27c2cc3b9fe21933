package onezone

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"
)

// Caveat is one token caveat, a JSON object discriminated by "type". The
// typed caveats are [TimeCaveat], [IPCaveat], [ASNCaveat],
// [GeoCountryCaveat], [GeoRegionCaveat], [InterfaceCaveat], [APICaveat],
// [ServiceCaveat], [ConsumerCaveat], [DataReadonlyCaveat], [DataPathCaveat]
// and [DataObjectIDCaveat]; any other kind is kept as a [RawCaveat], which
// round-trips byte for byte. Encode and decode caveats as a [Caveats] list
// (json.Marshal, json.Unmarshal), which writes each with its "type" first.
type Caveat interface {
	// CaveatType returns the caveat's "type", e.g. "time", "geo.country".
	CaveatType() string
}

// TimeCaveat limits validity: {"type":"time","validUntil":<unix s>}.
type TimeCaveat struct {
	ValidUntil int64 `json:"validUntil"`
}

// Until returns a time caveat for t (truncated to seconds).
func Until(t time.Time) TimeCaveat { return TimeCaveat{ValidUntil: t.Unix()} }

// IPCaveat: {"type":"ip","whitelist":["1.2.3.0/24"]}.
type IPCaveat struct {
	Whitelist []string `json:"whitelist"`
}

// ASNCaveat: {"type":"asn","whitelist":[631]}.
type ASNCaveat struct {
	Whitelist []int `json:"whitelist"`
}

// GeoCountryCaveat: {"type":"geo.country","filter":"whitelist"|"blacklist","list":["PL"]}.
type GeoCountryCaveat struct {
	Filter string   `json:"filter"`
	List   []string `json:"list"`
}

// GeoRegionCaveat: {"type":"geo.region","filter":…,"list":["Europe"]}.
type GeoRegionCaveat struct {
	Filter string   `json:"filter"`
	List   []string `json:"list"`
}

// InterfaceCaveat: {"type":"interface","interface":"rest"|"oneclient"|"graphsync"}.
type InterfaceCaveat struct {
	Interface string `json:"interface"`
}

// APICaveat: {"type":"api","whitelist":["ozw/all/user.*.*:*"]}.
type APICaveat struct {
	Whitelist []string `json:"whitelist"`
}

// ServiceCaveat: {"type":"service","whitelist":["opw-<id>","ozw-onezone"]}.
type ServiceCaveat struct {
	Whitelist []string `json:"whitelist"`
}

// ConsumerCaveat: {"type":"consumer","whitelist":["usr-<id>","grp-*"]}.
type ConsumerCaveat struct {
	Whitelist []string `json:"whitelist"`
}

// DataReadonlyCaveat: {"type":"data.readonly"}.
type DataReadonlyCaveat struct{}

// DataPathCaveat: {"type":"data.path","whitelist":[base64("/spaceId/path")]}.
// Entries are base64-encoded paths, as on the wire.
type DataPathCaveat struct {
	Whitelist []string `json:"whitelist"`
}

// DataObjectIDCaveat: {"type":"data.objectid","whitelist":[cdmiId]}.
type DataObjectIDCaveat struct {
	Whitelist []string `json:"whitelist"`
}

// RawCaveat is a caveat of a kind this package does not know (or whose
// fields it cannot read), kept verbatim: it marshals to exactly JSON.
type RawCaveat struct {
	Type string
	JSON json.RawMessage
}

// CaveatType returns "time".
func (TimeCaveat) CaveatType() string { return "time" }

// CaveatType returns "ip".
func (IPCaveat) CaveatType() string { return "ip" }

// CaveatType returns "asn".
func (ASNCaveat) CaveatType() string { return "asn" }

// CaveatType returns "geo.country".
func (GeoCountryCaveat) CaveatType() string { return "geo.country" }

// CaveatType returns "geo.region".
func (GeoRegionCaveat) CaveatType() string { return "geo.region" }

// CaveatType returns "interface".
func (InterfaceCaveat) CaveatType() string { return "interface" }

// CaveatType returns "api".
func (APICaveat) CaveatType() string { return "api" }

// CaveatType returns "service".
func (ServiceCaveat) CaveatType() string { return "service" }

// CaveatType returns "consumer".
func (ConsumerCaveat) CaveatType() string { return "consumer" }

// CaveatType returns "data.readonly".
func (DataReadonlyCaveat) CaveatType() string { return "data.readonly" }

// CaveatType returns "data.path".
func (DataPathCaveat) CaveatType() string { return "data.path" }

// CaveatType returns "data.objectid".
func (DataObjectIDCaveat) CaveatType() string { return "data.objectid" }

// CaveatType returns the kind kept in Type.
func (r RawCaveat) CaveatType() string { return r.Type }

// Caveats is a list of caveats with JSON support for the one-of.
type Caveats []Caveat

// newCaveat returns a pointer to a zero typed caveat of kind t, or nil.
func newCaveat(t string) any {
	switch t {
	case "time":
		return &TimeCaveat{}
	case "ip":
		return &IPCaveat{}
	case "asn":
		return &ASNCaveat{}
	case "geo.country":
		return &GeoCountryCaveat{}
	case "geo.region":
		return &GeoRegionCaveat{}
	case "interface":
		return &InterfaceCaveat{}
	case "api":
		return &APICaveat{}
	case "service":
		return &ServiceCaveat{}
	case "consumer":
		return &ConsumerCaveat{}
	case "data.readonly":
		return &DataReadonlyCaveat{}
	case "data.path":
		return &DataPathCaveat{}
	case "data.objectid":
		return &DataObjectIDCaveat{}
	}
	return nil
}

// isNilCaveat reports whether c is nil or a nil value inside the interface
// (e.g. (*TimeCaveat)(nil)), which cannot be encoded and would panic when
// its fields or value methods are used.
func isNilCaveat(c Caveat) bool {
	if c == nil {
		return true
	}
	switch v := reflect.ValueOf(c); v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return v.IsNil()
	}
	return false
}

// marshalCaveat returns the JSON of one caveat with its "type" first. A nil
// caveat, a nil pointer inside the interface (e.g. (*TimeCaveat)(nil)) and a
// caveat that does not encode to a JSON object are errors.
func marshalCaveat(c Caveat) ([]byte, error) {
	if isNilCaveat(c) {
		return nil, errors.New("onezone: nil caveat")
	}
	if r, ok := c.(RawCaveat); ok {
		if !json.Valid(r.JSON) {
			return nil, errors.New("onezone: raw caveat: invalid JSON")
		}
		return append([]byte(nil), r.JSON...), nil
	}
	if r, ok := c.(*RawCaveat); ok {
		return marshalCaveat(*r)
	}
	body, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("onezone: caveat %s: %w", c.CaveatType(), err)
	}
	body = bytes.TrimSpace(body)
	if len(body) < 2 || body[0] != '{' || body[len(body)-1] != '}' {
		return nil, fmt.Errorf("onezone: caveat %s: not a JSON object", c.CaveatType())
	}
	var buf bytes.Buffer
	buf.WriteString(`{"type":`)
	writeJSONString(&buf, c.CaveatType())
	if len(body) > 2 {
		buf.WriteByte(',')
		buf.Write(body[1 : len(body)-1])
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// unmarshalCaveat reads one caveat: a typed value for known kinds, a
// [RawCaveat] otherwise.
func unmarshalCaveat(b []byte) (Caveat, error) {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("onezone: caveat: %w", err)
	}
	raw := RawCaveat{Type: head.Type, JSON: append(json.RawMessage(nil), bytes.TrimSpace(b)...)}
	p := newCaveat(head.Type)
	if p == nil {
		return raw, nil
	}
	// Decode into a struct that also accepts "type", rejecting unknown
	// fields so that a newer shape falls back to RawCaveat untouched.
	if err := decodeStrictWithType(b, p); err != nil {
		return raw, nil
	}
	return derefCaveat(p), nil
}

func decodeStrictWithType(b []byte, p any) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	delete(m, "type")
	rest, err := json.Marshal(m)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(rest))
	dec.DisallowUnknownFields()
	return dec.Decode(p)
}

func derefCaveat(p any) Caveat {
	switch v := p.(type) {
	case *TimeCaveat:
		return *v
	case *IPCaveat:
		return *v
	case *ASNCaveat:
		return *v
	case *GeoCountryCaveat:
		return *v
	case *GeoRegionCaveat:
		return *v
	case *InterfaceCaveat:
		return *v
	case *APICaveat:
		return *v
	case *ServiceCaveat:
		return *v
	case *ConsumerCaveat:
		return *v
	case *DataReadonlyCaveat:
		return *v
	case *DataPathCaveat:
		return *v
	case *DataObjectIDCaveat:
		return *v
	}
	return nil
}

// MarshalJSON writes the list as a JSON array ([] when empty).
func (cs Caveats) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i, c := range cs {
		if i > 0 {
			buf.WriteByte(',')
		}
		b, err := marshalCaveat(c)
		if err != nil {
			return nil, err
		}
		buf.Write(b)
	}
	buf.WriteByte(']')
	return buf.Bytes(), nil
}

// UnmarshalJSON reads a JSON array of caveats.
func (cs *Caveats) UnmarshalJSON(b []byte) error {
	var raws []json.RawMessage
	if err := json.Unmarshal(b, &raws); err != nil {
		return fmt.Errorf("onezone: caveats: %w", err)
	}
	out := make(Caveats, 0, len(raws))
	for _, r := range raws {
		c, err := unmarshalCaveat(r)
		if err != nil {
			return err
		}
		out = append(out, c)
	}
	*cs = out
	return nil
}

// ValidUntil returns the earliest validUntil among the time caveats, and
// whether there is one. A nil *TimeCaveat is skipped.
func (cs Caveats) ValidUntil() (time.Time, bool) {
	var min int64
	found := false
	for _, c := range cs {
		var v int64
		switch t := c.(type) {
		case TimeCaveat:
			v = t.ValidUntil
		case *TimeCaveat:
			if t == nil {
				continue
			}
			v = t.ValidUntil
		default:
			continue
		}
		if !found || v < min {
			min, found = v, true
		}
	}
	if !found {
		return time.Time{}, false
	}
	return time.Unix(min, 0).UTC(), true
}
