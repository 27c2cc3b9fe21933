package transport

import (
	"net/url"

	"github.com/cloudkeys/cloudkeys"
)

// PathSegment returns value escaped as one URL path segment, or an error
// naming field (matching cloudkeys.ErrInvalidRequest) when value is empty,
// "." or "..": such a segment would address another resource once a proxy
// or the server normalises the path. Every id, owner or name a vendor puts
// into a URL path goes through it, before any request is sent.
func PathSegment(vendor, field, value string) (string, error) {
	switch value {
	case "":
		return "", cloudkeys.InvalidInput(vendor, field, "must not be empty")
	case ".", "..":
		return "", cloudkeys.InvalidInput(vendor, field, `must not be "." or ".."`)
	}
	return url.PathEscape(value), nil
}
