package onezone

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cloudkeys/cloudkeys"
)

// Token names follow Onezone's name rule (ctool validation.hrl): 2–128
// UTF-8 letters, decimal digits, brackets or '_'; '-', '.' and ' ' are
// allowed but not first or last. The server answers anything else with 400
// badValueName; the client refuses it before sending.
const (
	minNameLen = 2
	maxNameLen = 128
)

// checkName refuses a token name the server would refuse, naming field.
func checkName(field, name string) error {
	if strings.TrimSpace(name) == "" {
		return cloudkeys.InvalidInput(Vendor, field, "must not be empty")
	}
	if !utf8.ValidString(name) {
		return cloudkeys.InvalidInput(Vendor, field, "must be valid UTF-8")
	}
	n := utf8.RuneCountInString(name)
	if n < minNameLen || n > maxNameLen {
		return cloudkeys.InvalidInput(Vendor, field, "must be 2 to 128 characters long")
	}
	i := 0
	for _, r := range name {
		edge := i == 0 || i == n-1
		i++
		switch {
		case unicode.IsLetter(r), unicode.Is(unicode.Nd, r), strings.ContainsRune("()[]{}_", r):
		case strings.ContainsRune("-. ", r):
			if edge {
				return cloudkeys.InvalidInput(Vendor, field, "must not begin or end with '-', '.' or a space")
			}
		default:
			return cloudkeys.InvalidInput(Vendor, field, "may hold only letters, digits, brackets, '_', and '-', '.' or spaces inside")
		}
	}
	return nil
}
