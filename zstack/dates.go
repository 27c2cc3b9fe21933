package zstack

import (
	"errors"
	"strings"
	"time"
)

// inventoryLayout is Gson's default Timestamp format: "Sep 6, 2018 1:50:06 PM".
const inventoryLayout = "Jan 2 2006 3:04:05 PM"

// sentLayout is inventoryLayout as the server sends it, with the comma.
const sentLayout = "Jan 2, 2006 3:04:05 PM"

// dateSpaces turns the comma and the no-break spaces of a date into spaces.
var dateSpaces = strings.NewReplacer(",", " ", "\u202f", " ", "\u00a0", " ")

// FormatInventoryDate formats t like the server does in inventories
// ("Sep 6, 2018 1:50:06 PM"), as wall-clock time in loc, without a zone.
func FormatInventoryDate(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Jan 2, 2006 3:04:05 PM")
}

// ParseInventoryDate parses an inventory date such as
// "Sep 6, 2018 1:50:06 PM" as wall-clock time in loc (the server's zone;
// the server sends no zone). It is lenient about the comma newer JDKs put
// after the year and the narrow no-break space before AM/PM. An empty
// string is the zero time.
func ParseInventoryDate(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if len(s) > 64 {
		return time.Time{}, errors.New("zstack: date too long")
	}
	// The form the server sends parses as is; anything else is normalised.
	if t, err := time.ParseInLocation(sentLayout, s, loc); err == nil {
		return t, nil
	}
	n := dateSpaces.Replace(s)
	n = strings.Join(strings.Fields(n), " ")
	for _, layout := range []string{inventoryLayout, "Jan 2 2006 15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, n, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("zstack: cannot parse date " + quoteShort(s))
}

func quoteShort(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return `"` + s + `"`
}
