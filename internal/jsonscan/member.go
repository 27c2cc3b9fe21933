package jsonscan

// Member reads up to the next member of the object being read whose name
// is one of names (at most 64), skipping the others, and returns the
// name's index, the scanner then at its value. It returns -1 at the
// object's end, and -1 after Fail where a decoder of a struct with those
// fields would have to guess: a name that matches one of names only
// case-insensitively (encoding/json would take it for that field), or one
// of names for the second time in this object (encoding/json would decode
// the second value over the first). seen keeps the names read so far in
// this object; start each object with 0.
func (s *Scanner) Member(names []string, seen *uint64) int {
	for {
		k, ok := s.Key()
		if !ok {
			return -1
		}
		for i, n := range names {
			if string(k) == n {
				if *seen&(1<<i) != 0 {
					s.Fail()
					return -1
				}
				*seen |= 1 << i
				return i
			}
		}
		if FoldsAny(k, names...) {
			s.Fail()
			return -1
		}
		s.Skip()
	}
}

// StringInto reads a string into *v, or a null, which leaves *v as it is
// (as encoding/json decodes null into a string field).
func (s *Scanner) StringInto(v *string) {
	if !s.Null() {
		*v = s.String()
	}
}
