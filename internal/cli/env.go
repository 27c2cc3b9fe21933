package cli

import (
	"cmp"

	"github.com/cloudkeys/cloudkeys"
)

// need returns the value of an environment variable or an error naming it.
func need(getenv func(string) string, vendor, name string) (string, error) {
	if v := getenv(name); v != "" {
		return v, nil
	}
	return "", cloudkeys.InvalidInput(vendor, name, "environment variable not set (see 'cloudkeys help "+vendor+"')")
}

// endpointOr prefers the --endpoint flag over the environment variable.
func endpointOr(flag string, getenv func(string) string, name string) string {
	return cmp.Or(flag, getenv(name))
}
