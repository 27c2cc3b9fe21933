package onezone

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/jsonscan"
	"github.com/cloudkeys/cloudkeys/internal/transport"
)

// keyToken is what keyOf takes from a named token: the fields of a Key.
type keyToken struct {
	id, name, owner string
	revoked         bool
	token           cloudkeys.Secret
	creationTime    int64
	description     string
	hasDescription  bool
	until           int64 // the earliest time caveat's validUntil
	hasUntil        bool
}

func (t *keyToken) key() *cloudkeys.Key {
	k := &cloudkeys.Key{Vendor: Vendor, ID: t.id, Secret: t.token, Owner: t.owner, Name: t.name, Enabled: !t.revoked}
	if t.hasDescription {
		k.Description = t.description
	}
	if t.creationTime > 0 {
		k.CreatedAt = time.Unix(t.creationTime, 0).UTC()
	}
	if t.hasUntil {
		k.ExpiresAt = time.Unix(t.until, 0).UTC()
	}
	return k
}

// getKey reads the named token id as a Key (GetKey, ListKeys): GET
// /tokens/named/{id} as GetNamedToken, the answer read in one pass
// (readKeyToken) where it can; otherwise decoded into a NamedToken as
// GetNamedToken does (TokenType's and Caveats' decoders included), with its
// errors.
func (c *Client) getKey(ctx context.Context, id string) (*cloudkeys.Key, error) {
	seg, err := idSegment("id", id)
	if err != nil {
		return nil, err
	}
	k := transport.Call{Operation: "getNamedToken", Class: transport.Read, Method: http.MethodGet, Path: "/tokens/named/" + seg}
	resp, err := c.do(ctx, k)
	if err != nil {
		return nil, err
	}
	var t keyToken
	if readKeyToken(resp.Body, &t) {
		return t.key(), nil
	}
	var out NamedToken
	k.Out = &out
	if err := c.t.Decode(&k, resp); err != nil {
		return nil, err
	}
	return keyOf(&out), nil
}

// readKeyToken reads a GET /tokens/named/{id} answer into t in one pass
// (jsonscan), validating what it does not keep. It gives up (false) on
// whatever json.Unmarshal into a NamedToken would read another way or
// refuse: a name encoding/json matches only case-insensitively, a member
// twice, a value of another kind, a token type other than a plain
// accessToken or identityToken, a caveat other than a plain time caveat
// (or one whose type is not "time", which the Key ignores), a number in
// metadata.custom that is no float64. The answer then goes to
// json.Unmarshal as before. Where it reads, the NamedToken decode succeeds
// and keyOf of it is t.key() (FuzzReadKeyToken).
func readKeyToken(body []byte, t *keyToken) bool {
	*t = keyToken{}
	s := jsonscan.New(body)
	if !s.Object() {
		return false
	}
	var seen uint64
	for {
		switch s.Member(tokenFields[:], &seen) {
		case -1:
			return s.End()
		case 0:
			s.StringInto(&t.id)
		case 1:
			s.StringInto(&t.name)
		case 2:
			readSubject(&s, &t.owner)
		case 3:
			readTokenType(&s)
		case 4:
			readCaveats(&s, t)
		case 5:
			readMetadata(&s, t)
		case 6:
			if !s.Null() {
				t.revoked = s.Bool()
			}
		case 7:
			if !s.Null() {
				t.token = cloudkeys.NewSecret(s.String())
			}
		}
	}
}

// tokenFields are the JSON names of NamedToken's fields.
var tokenFields = [...]string{"id", "name", "subject", "type", "caveats", "metadata", "revoked", "token"}

// readFields reads an object (or null) member by member
// (jsonscan.Scanner.Member): field is called with the index in names of
// each member it names and reads its value; other members are skipped,
// unless they fold to one of names or repeat one (then the scanner fails).
func readFields(s *jsonscan.Scanner, names []string, field func(i int)) {
	if s.Null() {
		return
	}
	if !s.Object() {
		return
	}
	var seen uint64
	for i := s.Member(names, &seen); i >= 0; i = s.Member(names, &seen) {
		field(i)
	}
}

var subjectFields = []string{"type", "id"}

// readSubject reads a Subject ({"type", "id"}) and keeps its id.
func readSubject(s *jsonscan.Scanner, id *string) {
	readFields(s, subjectFields, func(i int) {
		var v string
		s.StringInto(&v)
		if i == 1 {
			*id = v
		}
	})
}

// readTokenType validates a token type as TokenType.UnmarshalJSON reads
// it: null, or an object of exactly one member, accessToken (an object
// with a string sessionId, or null) or identityToken (any value).
func readTokenType(s *jsonscan.Scanner) {
	if s.Null() {
		return
	}
	if !s.Object() {
		return
	}
	k, ok := s.Key()
	if !ok {
		s.Fail() // {}: TokenType wants exactly one key
		return
	}
	switch string(k) {
	case "accessToken":
		readFields(s, []string{"sessionId"}, func(int) {
			var v string
			s.StringInto(&v)
		})
	case "identityToken":
		s.Skip()
	default:
		s.Fail() // an invite or an unknown kind: TokenType's decoder reads it
		return
	}
	if _, more := s.Key(); more {
		s.Fail()
	}
}

// readCaveats reads a caveat list as Caveats.UnmarshalJSON and ValidUntil
// do: the earliest validUntil of the time caveats into t.
func readCaveats(s *jsonscan.Scanner, t *keyToken) {
	if s.Null() {
		return
	}
	if !s.Array() {
		return
	}
	for s.More() {
		if s.Null() {
			continue // a RawCaveat of "null"
		}
		if !s.Object() {
			return
		}
		var typ string
		var until int64
		seenType, seenUntil, untilInt, other := false, false, false, false
		for {
			k, ok := s.Key()
			if !ok {
				break
			}
			switch string(k) {
			case "type":
				if seenType {
					s.Fail()
					return
				}
				seenType = true
				s.StringInto(&typ)
			case "validUntil":
				if seenUntil {
					s.Fail()
					return
				}
				seenUntil = true
				if c := s.Peek(); c == '-' || '0' <= c && c <= '9' {
					until, untilInt = s.Int(), true
				} else {
					s.Skip()
				}
			default:
				if jsonscan.FoldsAny(k, "type", "validUntil") {
					s.Fail()
					return
				}
				other = true
				s.Skip()
			}
		}
		if typ == "time" {
			// A TimeCaveat only when its strict decode succeeds: both
			// members, an integer, nothing else; else give up.
			if !untilInt || other {
				s.Fail()
				return
			}
			if !t.hasUntil || until < t.until {
				t.until, t.hasUntil = until, true
			}
		}
	}
}

var metadataFields = []string{"creationTime", "custom", "privileges", "usageLimit", "usageCount"}

// readMetadata reads a TokenMetadata: creationTime and custom's
// "description" into t.
func readMetadata(s *jsonscan.Scanner, t *keyToken) {
	readFields(s, metadataFields, func(i int) {
		switch i {
		case 0:
			if !s.Null() {
				t.creationTime = s.Int()
			}
		case 1:
			readCustom(s, t)
		case 2:
			if s.Null() {
				return
			}
			if !s.Array() {
				return
			}
			for s.More() {
				var v string
				s.StringInto(&v)
			}
		case 3:
			switch s.Peek() {
			case 'n':
				s.Null()
			case '"':
				if v, plain := s.RawString(); !plain || string(v) != "infinity" {
					s.Fail()
				}
			default:
				s.Int()
			}
		case 4:
			if !s.Null() {
				s.Int()
			}
		}
	})
}

// readCustom reads metadata.custom, a map[string]any: its "description"
// when a string.
func readCustom(s *jsonscan.Scanner, t *keyToken) {
	if s.Null() {
		t.description, t.hasDescription = "", false
		return
	}
	if !s.Object() {
		return
	}
	seen := false
	for {
		k, ok := s.Key()
		if !ok {
			return
		}
		if string(k) != descriptionKey {
			readAny(s)
			continue
		}
		if seen {
			s.Fail() // a map keeps the last: give up
			return
		}
		seen = true
		if s.Peek() == '"' {
			t.description, t.hasDescription = s.String(), true
			continue
		}
		t.description, t.hasDescription = "", false
		readAny(s)
	}
}

// readAny validates a value as encoding/json decodes it into an any: its
// numbers must be float64s.
func readAny(s *jsonscan.Scanner) {
	switch s.Peek() {
	case '{':
		s.Object()
		for {
			if _, ok := s.Key(); !ok {
				return
			}
			readAny(s)
		}
	case '[':
		s.Array()
		for s.More() {
			readAny(s)
		}
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		if _, err := strconv.ParseFloat(string(s.Number()), 64); err != nil {
			s.Fail()
		}
	default:
		s.Skip()
	}
}
