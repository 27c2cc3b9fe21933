package zstack

import (
	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/jsonscan"
	"github.com/cloudkeys/cloudkeys/internal/zstackwire"
)

// The one-pass reader of the answer GetKey and ListKeys read
// (QueryAccessKey): it validates the whole answer and reads what a
// cloudkeys.Key takes from each inventory in the same pass (jsonscan),
// where json.Unmarshal into a queryReply (reflection, every field of every
// inventory kept) was followed by an AccessKeyInventory (both dates
// parsed) and then a Key for each. It gives up (ok false) on whatever it
// would have to guess: a name that encoding/json matches only
// case-insensitively, a member twice, a value of another kind than the
// field's. The answer then goes the way it always went (json.Unmarshal into
// a queryReply), so results and errors are those of that way;
// FuzzReadKeyPage holds the two ways to the same result.

// keyPage is a QueryAccessKey page as GetKey and ListKeys read it: the
// Key of every inventory (null ones left out, as queryPage leaves them
// out), and the total when the answer has one.
type keyPage struct {
	keys     []cloudkeys.Key
	total    int
	hasTotal bool
}

// roomFor is the room readKeyPage makes for a page of at most limit keys
// in an answer of n bytes: limit, unless the answer is too short to hold
// that many inventories (each is at least minInventoryBytes long as the
// server writes it: uuid, accountUuid, AccessKeyID, state, dates), so that
// a page of three keys asked 100 at a time takes room for a few. An
// answer of shorter inventories grows the slice as append does.
func roomFor(limit, n int) int {
	return max(min(limit, n/minInventoryBytes+1), 0)
}

// minInventoryBytes is less than the shortest inventory the server sends
// (about 250 bytes).
const minInventoryBytes = 128

// readKeyPage reads body, {"inventories": [...], "total": n, ...}, into
// page, with room for hint keys (the page's limit) in one allocation. It
// reports whether the answer is one that json.Unmarshal into a queryReply
// reads without error (page then holds what that decode gives, as Keys).
func (c *Client) readKeyPage(body []byte, hint int, page *keyPage) bool {
	*page = keyPage{}
	s := jsonscan.New(body)
	if !s.Object() {
		return false
	}
	seenInv := false
	for {
		k, ok := s.Key()
		if !ok {
			break
		}
		switch string(k) {
		case "inventories":
			if seenInv { // encoding/json would decode into the first list's inventories
				return false
			}
			seenInv = true
			if s.Null() {
				continue
			}
			if !s.Array() {
				return false
			}
			page.keys = make([]cloudkeys.Key, 0, roomFor(hint, len(body)))
			var owner string // the last owner read: a page's keys mostly share one
			for s.More() {
				if s.Null() {
					continue // a null inventory: queryPage leaves it out
				}
				page.keys = append(page.keys, cloudkeys.Key{Vendor: Vendor})
				if !c.readInventory(&s, &page.keys[len(page.keys)-1], &owner) {
					return false
				}
			}
		case "total":
			// A second total replaces the first, as encoding/json's (null
			// makes Total nil again): no need to give up on it.
			page.total, page.hasTotal = 0, false
			if !s.Null() {
				page.total, page.hasTotal = int(s.Int()), true
			}
		default:
			if jsonscan.FoldsAny(k, "inventories", "total") {
				return false
			}
			s.Skip()
		}
	}
	return s.End()
}

// inventoryFields are the JSON names of accessKeyWire, in the order of the
// bits readInventory marks them with.
var inventoryFields = [...]string{"uuid", "description", "accountUuid", "userUuid", "AccessKeyID", "AccessKeySecret", "state", "createDate", "lastOpDate"}

// readInventory reads an inventory object into key as toKey(inventory(w))
// builds it from the accessKeyWire w that json.Unmarshal reads: ID,
// Description, Owner, AccessKey, Secret, Enabled and CreatedAt, userUuid and
// lastOpDate validated only. owner is the Owner of the previous key, whose
// string is reused when this one is the same. False where it gives up.
func (c *Client) readInventory(s *jsonscan.Scanner, key *cloudkeys.Key, owner *string) bool {
	if !s.Object() {
		return false
	}
	var seen uint64
	for {
		i := s.Member(inventoryFields[:], &seen)
		if i < 0 {
			break
		}
		if s.Null() {
			// null leaves a string as it is and makes a Secret zero: on a
			// fresh inventory, the zero value either way.
			continue
		}
		switch i {
		case 0:
			key.ID = s.String()
		case 1:
			key.Description = s.String()
		case 2:
			if v, plain := s.RawString(); plain && string(v) == *owner {
				key.Owner = *owner
			} else if plain {
				key.Owner = string(v)
			} else {
				key.Owner = decoded(v)
			}
			*owner = key.Owner
		case 4:
			key.AccessKey = s.String()
		case 5:
			key.Secret = cloudkeys.NewSecret(s.String())
		case 6:
			// State == AccessKeyEnabled, without keeping the state.
			if v, plain := s.RawString(); plain {
				key.Enabled = string(v) == string(AccessKeyEnabled)
			} else {
				key.Enabled = decoded(v) == string(AccessKeyEnabled)
			}
		case 7:
			// Dates are informative: an unparsable one is left zero (as
			// inventory does).
			key.CreatedAt, _ = zstackwire.ParseInventoryDate(s.String(), c.loc)
		default: // userUuid, lastOpDate: strings a Key does not take
			s.RawString()
		}
	}
	return !s.Failed()
}

// decoded is the string encoding/json decodes from the text between a
// string literal's quotes, a literal jsonscan has validated (RawString).
func decoded(text []byte) string {
	lit := make([]byte, 0, len(text)+2)
	lit = append(append(append(lit, '"'), text...), '"')
	s := jsonscan.New(lit)
	return s.String()
}
