package huaweibcs

import (
	"strconv"
	"unicode/utf8"

	"github.com/cloudkeys/cloudkeys"
)

// Documented bounds, checked before any request is sent.
const (
	ProjectIDLength      = 32   // project_id is exactly 32 characters
	CredentialIDLength   = 36   // credential_id is exactly 36 characters
	MaxDescriptionLength = 100  // description: at most 100 characters
	MaxOffset            = 1000 // offset: 0..1000
	MaxLimit             = 1000 // limit: 1..1000
)

// validateProjectID accepts 32 ASCII letters or digits (Huawei project ids
// are lowercase hex; anything else could not form a safe path).
func validateProjectID(id string) error {
	if len(id) != ProjectIDLength {
		return cloudkeys.InvalidInput(Vendor, "projectID", "must be "+strconv.Itoa(ProjectIDLength)+" characters, got "+strconv.Itoa(len(id)))
	}
	if !isAlnum(id, false) {
		return cloudkeys.InvalidInput(Vendor, "projectID", "must hold only letters and digits")
	}
	return nil
}

// validateCredentialID accepts 36 ASCII letters, digits or '-' (UUID-like).
func validateCredentialID(field, id string) error {
	if len(id) != CredentialIDLength {
		return cloudkeys.InvalidInput(Vendor, field, "must be "+strconv.Itoa(CredentialIDLength)+" characters, got "+strconv.Itoa(len(id)))
	}
	if !isAlnum(id, true) {
		return cloudkeys.InvalidInput(Vendor, field, "must hold only letters, digits and '-'")
	}
	return nil
}

func validateDescription(field, d string) error {
	if !utf8.ValidString(d) {
		return cloudkeys.InvalidInput(Vendor, field, "must be valid UTF-8")
	}
	if n := utf8.RuneCountInString(d); n > MaxDescriptionLength {
		return cloudkeys.InvalidInput(Vendor, field, "at most "+strconv.Itoa(MaxDescriptionLength)+" characters, got "+strconv.Itoa(n))
	}
	return nil
}

func isAlnum(s string, dash bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case dash && c == '-':
		default:
			return false
		}
	}
	return true
}
