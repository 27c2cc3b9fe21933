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
	var seen uint64
	for {
		switch s.Member(pageFields[:], &seen) {
		case -1:
			if !s.End() {
				return nil, 0, false
			}
			return creds, count, true
		case 0: // credentials
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
		case 1: // count
			if !s.Null() {
				count = int(s.Int())
			}
		}
	}
}

// pageFields are the JSON names of huaweibcs.CredentialsPage.
var pageFields = [...]string{"credentials", "count"}

// credentialFields are the JSON names of huaweibcs.Credential.
var credentialFields = [...]string{"id", "description", "create_time", "update_time", "eps_info", "node_ids", "control_type", "allowlists"}

func readCredential(s *jsonscan.Scanner, c *CredentialKey) bool {
	if !s.Object() {
		return false
	}
	var seen uint64
	for {
		i := s.Member(credentialFields[:], &seen)
		if i < 0 {
			break
		}
		switch i {
		case 0:
			s.StringInto(&c.ID)
		case 1:
			s.StringInto(&c.Description)
		case 2:
			s.StringInto(&c.CreateTime)
		case 3:
			s.StringInto(&c.UpdateTime)
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
	var seen uint64
	for s.Member(allowlistFields[:], &seen) >= 0 {
		skipString(s) // both are strings
	}
}

// allowlistFields are the JSON names of huaweibcs.Allowlist.
var allowlistFields = [...]string{"allowlist_type", "allowlist_info"}

// skipString validates a string or null without keeping it.
func skipString(s *jsonscan.Scanner) {
	if !s.Null() {
		s.RawString()
	}
}
