package cloudstack

import (
	"strconv"

	"github.com/cloudkeys/cloudkeys/internal/jsonscan"
)

// The one-pass readers of the answers the KeyManager methods read most
// (getUser for GetKey, listUsers for ListKeys): they find an error
// envelope, validate the whole answer and read the four fields of a
// keyUser in the same pass (jsonscan), where check, unwrap and decode
// scanned a 100-user page four times. Each gives up (Fail) on whatever it
// would have to guess: an "errorcode" member (an error envelope: check
// reads it), a name that encoding/json matches only case-insensitively, a
// member twice, a value of another kind. The answer then goes the way it
// always went (check, unwrap, json.Unmarshal), so errors are those of that
// way; FuzzFastAnswers holds the two ways to the same result.

// readAnswer reads body, a {"<command>response": <inner>} answer, with
// inner reading <inner>. It reports whether the answer is one that check
// accepts and unwrap and inner's json.Unmarshal read without error (what
// inner read is then what they would read).
func readAnswer(body []byte, inner func(s *jsonscan.Scanner)) bool {
	s := jsonscan.New(body)
	if !s.Object() {
		return false
	}
	if _, ok := s.Key(); !ok {
		return false
	}
	inner(&s)
	if _, ok := s.Key(); ok {
		return false // a second member, which unwrap refuses
	}
	return s.End()
}

// readKeyUser reads a user object into u: the fields of keyUser.
func readKeyUser(s *jsonscan.Scanner, u *keyUser) {
	if !s.Object() {
		return
	}
	var seen uint8
	for {
		k, ok := s.Key()
		if !ok {
			return
		}
		var f *string
		var bit uint8
		switch string(k) {
		case "id":
			f, bit = &u.ID, 1
		case "state":
			f, bit = &u.State, 2
		case "apikey":
			f, bit = &u.APIKey, 4
		case "apikeyaccess":
			f, bit = &u.APIKeyAccess, 8
		default:
			if jsonscan.FoldsAny(k, "id", "state", "apikey", "apikeyaccess") {
				s.Fail()
				return
			}
			s.Skip()
			continue
		}
		if seen&bit != 0 {
			s.Fail()
			return
		}
		seen |= bit
		if !s.Null() { // null leaves a string as it is
			*f = s.String()
		}
	}
}

// readGetUser reads the inside of a getUser answer, {"user": {...}}, into
// *u (nil for a null or missing user).
func readGetUser(u **keyUser) func(s *jsonscan.Scanner) {
	return func(s *jsonscan.Scanner) {
		*u = nil
		if !s.Object() {
			return
		}
		seen := false
		for {
			k, ok := s.Key()
			if !ok {
				return
			}
			if string(k) != "user" {
				if jsonscan.FoldsAny(k, "user", "errorcode") {
					s.Fail()
					return
				}
				s.Skip()
				continue
			}
			if seen {
				s.Fail()
				return
			}
			seen = true
			if s.Null() {
				*u = nil
				continue
			}
			*u = new(keyUser)
			readKeyUser(s, *u)
		}
	}
}

// readListUsers reads the inside of a listUsers answer, {"count": …,
// "user": [...]}, into *users and *count (flexString's int).
func readListUsers(users *[]keyUser, count *int) func(s *jsonscan.Scanner) {
	return func(s *jsonscan.Scanner) {
		*users, *count = nil, 0
		if !s.Object() {
			return
		}
		var seen uint8
		for {
			k, ok := s.Key()
			if !ok {
				return
			}
			switch string(k) {
			case "count":
				if seen&1 != 0 {
					s.Fail()
					return
				}
				seen |= 1
				*count = readFlexInt(s)
			case "user":
				if seen&2 != 0 {
					s.Fail()
					return
				}
				seen |= 2
				if s.Null() {
					*users = nil
					continue
				}
				if !s.Array() {
					return
				}
				list := []keyUser{} // as encoding/json: [] is empty, not nil
				for s.More() {
					list = append(list, keyUser{})
					readKeyUser(s, &list[len(list)-1])
				}
				*users = list
			default:
				if jsonscan.FoldsAny(k, "count", "user", "errorcode") {
					s.Fail()
					return
				}
				s.Skip()
			}
		}
	}
}

// readFlexInt reads a flexString and returns its int (see flexString).
func readFlexInt(s *jsonscan.Scanner) int {
	switch s.Peek() {
	case '"':
		n, _ := strconv.Atoi(s.String())
		return n
	case 'n':
		s.Null()
		return 0
	case 't', 'f':
		s.Bool()
		return 0
	case '{', '[':
		s.Fail()
		return 0
	}
	n, _ := strconv.Atoi(string(s.Number()))
	return n
}
