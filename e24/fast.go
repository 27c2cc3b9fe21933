package e24

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/jsonscan"
)

// readAccountKeys reads a GET /v2/account answer in one pass (jsonscan):
// "success" and the account's id and API keys, validating the rest. It
// returns nil where it gives up: "success" not plainly true, an account
// that is not the documented {"id", "api": [{"api_key", "secret_key"}]},
// a name that encoding/json matches only case-insensitively, a member
// twice, anything checkAnswer or accountKeys would have to read another
// way. The answer then goes the way it always went (checkAnswer, the plain
// decode, the lenient one), so errors are those of that way. Where it
// returns a part, checkAnswer accepts the answer and accountKeysPlain
// decodes the same part (FuzzReadAccountKeys): one pass where there were
// four (checkAnswer's json.Unmarshal of the whole answer to read
// "success", then accountKeys' validation and decode).
func readAccountKeys(body []byte) *accountKeysPart {
	s := jsonscan.New(body)
	if !s.Object() {
		return nil
	}
	var part *accountKeysPart
	success := false
	var seen uint64
	for {
		i := s.Member(answerFields[:], &seen)
		if i < 0 {
			break
		}
		if i == 0 {
			success = readTrue(&s)
			continue
		}
		if part = readAccountPart(&s); part == nil {
			return nil
		}
	}
	if !s.End() || !success || part == nil {
		return nil
	}
	return part
}

// readTrue reads a value and reports whether isTrue holds for it: true,
// 1, "true" or "1" (any case). Other values are not told apart from
// failures: both give up.
func readTrue(s *jsonscan.Scanner) bool {
	switch s.Peek() {
	case 't':
		return s.Bool()
	case '"':
		// isTrue reads the literal as written: an escaped one is not true.
		v, plain := s.RawString()
		return plain && (string(v) == "1" || len(v) == 4 && v[0]|0x20 == 't' && v[1]|0x20 == 'r' && v[2]|0x20 == 'u' && v[3]|0x20 == 'e')
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return string(s.Number()) == "1"
	}
	s.Skip()
	return false
}

// readAccountPart reads {"id": …, "api": [{"api_key", "secret_key"}…]}
// as accountKeysPlain's account; nil where it gives up.
func readAccountPart(s *jsonscan.Scanner) *accountKeysPart {
	if s.Peek() != '{' || !s.Object() {
		return nil
	}
	part := &accountKeysPart{}
	var seen uint64
	for i := s.Member(accountFields[:], &seen); i >= 0; i = s.Member(accountFields[:], &seen) {
		switch i {
		case 0: // id
			switch s.Peek() {
			case '"':
				part.ID = flexString(s.String())
			case 'n':
				s.Null()
				part.ID = ""
			case 't', 'f':
				if s.Bool() {
					part.ID = "true"
				} else {
					part.ID = "false"
				}
			case '{', '[':
				return nil
			default:
				part.ID = flexString(s.Number())
			}
		case 1: // api
			part.API = nil
			if s.Null() {
				continue
			}
			if !s.Array() {
				return nil
			}
			part.API = oneOrMany[APIKeyPair]{}
			for s.More() {
				p, ok := readKeyPair(s)
				if !ok {
					return nil
				}
				part.API = append(part.API, p)
			}
		}
	}
	if s.Failed() {
		return nil
	}
	if part.API == nil {
		part.API = oneOrMany[APIKeyPair]{}
	}
	return part
}

// readKeyPair reads {"api_key": "…", "secret_key": "…"}; strings or null
// only.
func readKeyPair(s *jsonscan.Scanner) (APIKeyPair, bool) {
	var p APIKeyPair
	if s.Peek() != '{' || !s.Object() {
		return p, false
	}
	var seen uint64
	for {
		switch s.Member(keyPairFields[:], &seen) {
		case -1:
			return p, !s.Failed()
		case 0:
			s.StringInto(&p.APIKey)
		case 1:
			if s.Null() {
				p.SecretKey = cloudkeys.Secret{}
			} else {
				p.SecretKey = cloudkeys.NewSecret(s.String())
			}
		}
	}
}

// The members the readers take, or give up on in another case or twice.
var (
	answerFields  = [...]string{"success", "account"}
	accountFields = [...]string{"id", "api"}
	keyPairFields = [...]string{"api_key", "secret_key"}
)
