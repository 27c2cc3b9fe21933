package cloudstack

import (
	"strconv"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/jsonscan"
)

// The one-pass readers of the answers the KeyManager methods read most
// (getUser for GetKey, listUsers for ListKeys, getUserKeys for ListKeys
// with an Owner before 4.23): they find an error envelope, validate the
// whole answer and read the fields they need (the four of a keyUser; the
// three of UserKeys) in the same pass (jsonscan), where check, unwrap and
// decode scanned a 100-user page four times. Each gives up (Fail) on whatever it
// would have to guess: an "errorcode" member (an error envelope: check
// reads it), a name that encoding/json matches only case-insensitively, a
// member twice, a value of another kind. The answer then goes the way it
// always went (check, unwrap, json.Unmarshal), so errors are those of that
// way; FuzzFastAnswers and FuzzFastUserKeys hold the two ways to the same
// result.

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
	fields := [...]*string{&u.ID, &u.State, &u.APIKey, &u.APIKeyAccess}
	var seen uint64
	for i := s.Member(keyUserFields[:], &seen); i >= 0; i = s.Member(keyUserFields[:], &seen) {
		s.StringInto(fields[i]) // null leaves a string as it is
	}
}

// keyUserFields are the JSON names of keyUser's fields.
var keyUserFields = [...]string{"id", "state", "apikey", "apikeyaccess"}

// readGetUser reads the inside of a getUser answer, {"user": {...}}, into
// *u (nil for a null or missing user).
func readGetUser(u **keyUser) func(s *jsonscan.Scanner) {
	return func(s *jsonscan.Scanner) {
		*u = nil
		if !s.Object() {
			return
		}
		var seen uint64
		for {
			switch s.Member(getUserFields[:], &seen) {
			case -1:
				return
			case 0: // user
				*u = nil
				if !s.Null() {
					*u = new(keyUser)
					readKeyUser(s, *u)
				}
			case 1: // an error envelope: check reads it
				s.Fail()
				return
			}
		}
	}
}

// getUserFields are the members of a getUser answer read or given up on.
var getUserFields = [...]string{"user", "errorcode"}

// readListUsers reads the inside of a listUsers answer, {"count": …,
// "user": [...]}, into *users and *count (flexString's int).
func readListUsers(users *[]keyUser, count *int) func(s *jsonscan.Scanner) {
	return func(s *jsonscan.Scanner) {
		*users, *count = nil, 0
		if !s.Object() {
			return
		}
		var seen uint64
		for {
			switch s.Member(listUsersFields[:], &seen) {
			case -1:
				return
			case 0: // count
				*count = readFlexInt(s)
			case 1: // user
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
			case 2: // an error envelope: check reads it
				s.Fail()
				return
			}
		}
	}
}

// listUsersFields are the members of a listUsers answer read or given up
// on.
var listUsersFields = [...]string{"count", "user", "errorcode"}

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

// readGetUserKeys reads the inside of a getUserKeys answer, {"userkeys":
// {...}}, into *k: what GetUserKeys returns (the zero UserKeys for a null
// or missing userkeys). It validates the rest of the pair as json.Unmarshal
// into keyPairWire would (readKeyPair).
func readGetUserKeys(k *UserKeys) func(s *jsonscan.Scanner) {
	return func(s *jsonscan.Scanner) {
		*k = UserKeys{}
		if !s.Object() {
			return
		}
		var seen uint64 // a second userkeys object would be merged into the first: Member fails
		for {
			switch s.Member(getUserKeysFields[:], &seen) {
			case -1:
				return
			case 0: // userkeys
				if !s.Null() { // null: a nil *keyPairWire, the zero UserKeys
					readKeyPair(s, k)
				}
			case 1: // an error envelope: check reads it
				s.Fail()
				return
			}
		}
	}
}

// getUserKeysFields are the members of a getUserKeys answer read or given
// up on.
var getUserKeysFields = [...]string{"userkeys", "errorcode"}

// readKeyPair reads a keyPairWire object, keeping what UserKeys takes of
// it. The other members of keyPairWire are flexStrings, which take any JSON
// value (an object or array as its text): whatever their name or value,
// they cannot make the decode fail nor change UserKeys, and are skipped
// (validated). permissions, a []KeyRule, is validated (readKeyRules).
func readKeyPair(s *jsonscan.Scanner, k *UserKeys) {
	if !s.Object() {
		return
	}
	var seen uint64
	for {
		switch s.Member(keyPairFields[:], &seen) {
		case -1:
			return
		case 0:
			k.APIKey = readFlexString(s)
		case 1:
			// cloudkeys.Secret takes a string or null (the zero Secret),
			// and refuses anything else: String fails on it.
			if !s.Null() {
				k.SecretKey = cloudkeys.NewSecret(s.String())
			}
		case 2:
			k.APIKeyAccess = readFlexString(s)
		case 3:
			readKeyRules(s)
		}
	}
}

// keyPairFields are the members of keyPairWire that UserKeys takes or that
// can make its decode fail.
var keyPairFields = [...]string{"apikey", "secretkey", "apikeyaccess", "permissions"}

// readFlexString reads a flexString: a string's value, a number or boolean
// as written, "" for null. An object or array (which flexString keeps as
// its text) gives up.
func readFlexString(s *jsonscan.Scanner) string {
	switch s.Peek() {
	case '"':
		return s.String()
	case 'n':
		s.Null()
		return ""
	case 't', 'f':
		if s.Bool() {
			return "true"
		}
		return "false"
	case '{', '[':
		s.Fail()
		return ""
	}
	return string(s.Number())
}

// readKeyRules validates a []KeyRule as json.Unmarshal reads it: null, or
// an array of nulls and objects whose members named (in any case) rule,
// permission or description are strings or null.
func readKeyRules(s *jsonscan.Scanner) {
	if s.Null() || !s.Array() {
		return
	}
	for s.More() {
		if s.Null() || !s.Object() {
			continue
		}
		for {
			key, ok := s.Key()
			if !ok {
				break
			}
			if !jsonscan.FoldsAny(key, "rule", "permission", "description") {
				s.Skip()
			} else if !s.Null() { // null leaves a string as it is
				s.RawString() // anything but a string fails
			}
		}
	}
}
