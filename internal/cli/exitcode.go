package cli

import (
	"errors"
	"fmt"

	"github.com/cloudkeys/cloudkeys"
)

// Exit codes by error class. They are part of the command's interface.
const (
	ExitOK             = 0
	ExitOther          = 1 // any other error (server error, conflict, network...)
	ExitInvalid        = 2 // bad usage or invalid input (nothing was sent)
	ExitNotFound       = 3 // the key (or owner) does not exist
	ExitUnauthorized   = 4 // wrong or expired credentials, or not allowed
	ExitOutcomeUnknown = 5 // a write may or may not have happened: reconcile by listing
	ExitUnsupported    = 6 // the vendor or server version cannot do it
	ExitViolations     = 7 // audit: a key violates the policy (and the audit is complete)
)

// exitCodeDoc is printed by "cloudkeys help".
const exitCodeDoc = `Exit codes:
  0  success
  1  other error (server error, conflict, network)
  2  invalid usage or input; nothing was sent
  3  not found
  4  unauthorized or forbidden
  5  outcome unknown: a write may have happened; list to reconcile
  6  unsupported by this vendor or server version
  7  audit: some key violates the policy (the audit covered every profile)
`

// exitCode maps an error to its class. ErrOutcomeUnknown wins over the
// cause it wraps, since it is what the caller must act on.
func exitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, cloudkeys.ErrOutcomeUnknown):
		return ExitOutcomeUnknown
	case errors.Is(err, errUsage), errors.Is(err, cloudkeys.ErrInvalidRequest):
		return ExitInvalid
	case errors.Is(err, cloudkeys.ErrNotFound):
		return ExitNotFound
	case errors.Is(err, cloudkeys.ErrUnauthorized), errors.Is(err, cloudkeys.ErrForbidden):
		return ExitUnauthorized
	case errors.Is(err, cloudkeys.ErrUnsupported):
		return ExitUnsupported
	case errors.Is(err, errViolations):
		return ExitViolations
	}
	return ExitOther
}

// errViolations marks an audit that found keys violating the policy.
var errViolations = errors.New("keys violate the policy")

// violationsError says how many keys violate the policy.
type violationsError struct{ n int }

func (e violationsError) Error() string        { return fmt.Sprintf("%d key(s) violate the policy", e.n) }
func (e violationsError) Is(target error) bool { return target == errViolations }

// errUsage marks command-line mistakes.
var errUsage = errors.New("usage")

type usageError struct{ msg string }

func (e *usageError) Error() string        { return e.msg }
func (e *usageError) Is(target error) bool { return target == errUsage }

func usagef(msg string) error { return &usageError{msg: msg} }
