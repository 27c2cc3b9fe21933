package huaweiwire

import "github.com/cloudkeys/cloudkeys/internal/jsonscan"

// CredentialKey is what a cloudkeys.Key takes from one credential of an NES
// list answer (ListPublicChainCredentials): its id, description and the
// two times, as sent.
type CredentialKey struct {
	ID, Description, CreateTime, UpdateTime string
}

// ReadCredentialKeys reads a list answer, {"credentials": [...], "count":
// n}, in one pass (internal/jsonscan): the CredentialKey of each
// credential, and count. It validates every other field as decoding into
// huaweibcs.CredentialsPage would (eps_info any value, node_ids strings,
// control_type a string, allowlists objects of two strings) without keeping
// it, and gives up (ok false) on what that decode would read another way
// or refuse: a name encoding/json matches only case-insensitively, a
// member twice, a value of another kind, a null credential. The caller
// then decodes with encoding/json (huaweibcs' FuzzReadCredentialKeys holds
// the two to the same result). The strings read share one copy of body
// (jsonscan.Scanner.ShareText): one allocation for them all (a list answer
// holds no secret: NES returns a credential's secret only when it creates
// it). A non-nil
// buf is reused for the credentials (appended to from buf[:0]).
func ReadCredentialKeys(body []byte, buf []CredentialKey) (creds []CredentialKey, count int, ok bool) {
	s := jsonscan.New(body)
	s.ShareText(string(body))
	if !s.Object() {
		return nil, 0, false
	}
	seenCreds, seenCount := false, false
	for {
		k, more := s.Key()
		if !more {
			break
		}
		switch string(k) {
		case "credentials":
			if seenCreds {
				return nil, 0, false
			}
			seenCreds = true
			creds = nil
			if s.Null() {
				continue
			}
			if !s.Array() {
				return nil, 0, false
			}
			creds = buf[:0]
			if creds == nil {
				creds = []CredentialKey{}
			}
			for s.More() {
				creds = append(creds, CredentialKey{})
				if !readCredential(&s, &creds[len(creds)-1]) {
					return nil, 0, false
				}
			}
		case "count":
			if seenCount {
				return nil, 0, false
			}
			seenCount = true
			if !s.Null() {
				count = int(s.Int())
			}
		default:
			if jsonscan.FoldsAny(k, "credentials", "count") {
				return nil, 0, false
			}
			s.Skip()
		}
	}
	if !s.End() {
		return nil, 0, false
	}
	return creds, count, true
}

// credentialFields are the JSON names of huaweibcs.Credential.
var credentialFields = [...]string{"id", "description", "create_time", "update_time", "eps_info", "node_ids", "control_type", "allowlists"}

func readCredential(s *jsonscan.Scanner, c *CredentialKey) bool {
	if !s.Object() {
		return false
	}
	var seen uint8
	for {
		k, more := s.Key()
		if !more {
			break
		}
		i := -1
		for j, n := range credentialFields {
			if string(k) == n {
				i = j
				break
			}
		}
		if i < 0 {
			if jsonscan.FoldsAny(k, credentialFields[:]...) {
				return false
			}
			s.Skip()
			continue
		}
		if seen&(1<<i) != 0 {
			return false
		}
		seen |= 1 << i
		switch i {
		case 0:
			readString(s, &c.ID)
		case 1:
			readString(s, &c.Description)
		case 2:
			readString(s, &c.CreateTime)
		case 3:
			readString(s, &c.UpdateTime)
		case 4: // eps_info: json.RawMessage, any value
			s.Skip()
		case 5: // node_ids: []string
			if !s.Null() && s.Array() {
				for s.More() {
					skipString(s)
				}
			}
		case 6: // control_type: string
			skipString(s)
		case 7: // allowlists: []Allowlist
			if !s.Null() && s.Array() {
				for s.More() {
					readAllowlist(s)
				}
			}
		}
	}
	return !s.Failed()
}

// readAllowlist validates an Allowlist object (or null).
func readAllowlist(s *jsonscan.Scanner) {
	if s.Null() || !s.Object() {
		return
	}
	seenType, seenInfo := false, false
	for {
		k, more := s.Key()
		if !more {
			return
		}
		switch string(k) {
		case "allowlist_type":
			if seenType {
				s.Fail()
				return
			}
			seenType = true
		case "allowlist_info":
			if seenInfo {
				s.Fail()
				return
			}
			seenInfo = true
		default:
			if jsonscan.FoldsAny(k, "allowlist_type", "allowlist_info") {
				s.Fail()
				return
			}
			s.Skip()
			continue
		}
		skipString(s)
	}
}

// readString reads a string or null (which leaves *v as it is).
func readString(s *jsonscan.Scanner, v *string) {
	if !s.Null() {
		*v = s.String()
	}
}

// skipString validates a string or null without keeping it.
func skipString(s *jsonscan.Scanner) {
	if !s.Null() {
		s.RawString()
	}
}
