package zstack

import (
	"strings"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/internal/redact"
)

type credKind int

const (
	credNone credKind = iota
	credAccount
	credUser
	credSession
	credAccessKey
)

// Credentials say how a [Client] authenticates. Build them with
// [AccountLogin], [UserLogin], [SessionID] or [AccessKey]. They print, log
// and marshal as "[REDACTED]", exactly like [cloudkeys.Secret].
type Credentials struct {
	redact.Redacted

	kind     credKind
	account  string
	user     string
	password cloudkeys.Secret
	session  cloudkeys.Secret
	akID     string
	akSecret cloudkeys.Secret
}

// AccountLogin logs in as an account with PUT /v1/accounts/login
// {"logInByAccount":{"accountName","password"}} before the first call; the
// password is sent as its lowercase SHA-512 hex digest, never in plain text.
// Calls carry "Authorization: OAuth <session uuid>", and when the session
// expires (ID.1001) the client logs in again once and repeats the call.
func AccountLogin(accountName, password string) Credentials {
	return Credentials{kind: credAccount, account: accountName, password: cloudkeys.NewSecret(password)}
}

// UserLogin logs in as a user of an account with PUT /v1/accounts/users/login
// {"logInByUser":{"accountName","userName","password"}} (SHA-512 hex
// password); otherwise like [AccountLogin].
func UserLogin(accountName, userName, password string) Credentials {
	return Credentials{kind: credUser, account: accountName, user: userName, password: cloudkeys.NewSecret(password)}
}

// SessionID uses an existing session ("Authorization: OAuth <uuid>"). The
// client cannot log in again: an expired session fails with an error
// matching [cloudkeys.ErrUnauthorized].
func SessionID(sessionUUID string) Credentials {
	return Credentials{kind: credSession, session: cloudkeys.NewSecret(sessionUUID)}
}

// AccessKey signs every call with an AccessKey pair: headers "Date" (the
// server's wall-clock time, see [WithServerLocation]) and
// "Authorization: ZStack <id>:<base64 HMAC-SHA1>", the HMAC over the
// method, the Date and the path from /v1/ on (see the package doc).
func AccessKey(accessKeyID, accessKeySecret string) Credentials {
	return Credentials{kind: credAccessKey, akID: accessKeyID, akSecret: cloudkeys.NewSecret(accessKeySecret)}
}

func (c Credentials) canLogin() bool { return c.kind == credAccount || c.kind == credUser }

func (c Credentials) validate() error {
	switch c.kind {
	case credAccount, credUser:
		if c.account == "" {
			return cloudkeys.InvalidInput(Vendor, "credentials: account name", "must not be empty")
		}
		if c.kind == credUser && c.user == "" {
			return cloudkeys.InvalidInput(Vendor, "credentials: user name", "must not be empty")
		}
		if c.password.IsZero() {
			return cloudkeys.InvalidInput(Vendor, "credentials: password", "must not be empty")
		}
	case credSession:
		if c.session.IsZero() {
			return cloudkeys.InvalidInput(Vendor, "credentials: session uuid", "must not be empty")
		}
	case credAccessKey:
		if c.akID == "" || strings.ContainsAny(c.akID, ": \t\r\n") {
			return cloudkeys.InvalidInput(Vendor, "credentials: AccessKeyID", "must be non-empty without ':' or spaces")
		}
		if c.akSecret.IsZero() {
			return cloudkeys.InvalidInput(Vendor, "credentials: AccessKeySecret", "must not be empty")
		}
	default:
		return cloudkeys.InvalidInput(Vendor, "credentials", "use AccountLogin, UserLogin, SessionID or AccessKey")
	}
	return nil
}
