package fakeserver

import "github.com/cloudkeys/cloudkeys/cloudkeystest"

// Clock is cloudkeystest.Clock, the settable clock of every fake.
type Clock = cloudkeystest.Clock
