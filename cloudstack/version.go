package cloudstack

import (
	"context"
	"strconv"
	"strings"
)

// ServerVersion returns the server's version (listCapabilities
// cloudstackversion, e.g. "4.22.0.0"), asked once and cached.
func (c *Client) ServerVersion(ctx context.Context) (string, error) {
	c.verMu.Lock()
	defer c.verMu.Unlock()
	if c.version != "" {
		return c.version, nil
	}
	capb, err := c.ListCapabilities(ctx)
	if err != nil {
		return "", err
	}
	c.version = capb.CloudStackVersion
	return c.version, nil
}

// keyPairs reports whether the server has 4.23 key pairs (many pairs per
// user, listUserKeys, deleteUserKeys).
func (c *Client) keyPairs(ctx context.Context) (bool, error) {
	v, err := c.ServerVersion(ctx)
	if err != nil {
		return false, err
	}
	return VersionAtLeast(v, 4, 23), nil
}

// VersionAtLeast reports whether a CloudStack version string such as
// "4.23.0.0" or "4.23.0.0-SNAPSHOT" is at least major.minor. An unreadable
// version is treated as older.
func VersionAtLeast(v string, major, minor int) bool {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return false
	}
	ma, err1 := strconv.Atoi(parts[0])
	mi, err2 := strconv.Atoi(strings.TrimFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' }))
	if err1 != nil || err2 != nil {
		return false
	}
	return ma > major || ma == major && mi >= minor
}
