package onezone

// The caveat codec, for the external tests: users encode and decode
// caveats as a Caveats list (json.Marshal, json.Unmarshal).
var (
	MarshalCaveat   = marshalCaveat
	UnmarshalCaveat = unmarshalCaveat
)
