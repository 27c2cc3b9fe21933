package e24

import (
	"encoding/json"

	"github.com/cloudkeys/cloudkeys"
)

// APIKeyPair is a key for the e24cloud REST API and the EC2-compatible API.
// The vendor returns the secret in plain listings (GET /v2/account), not only
// at creation; it is a [cloudkeys.Secret] everywhere.
type APIKeyPair struct {
	APIKey    string           `json:"api_key"`    // the public half, sent in Authorization
	SecretKey cloudkeys.Secret `json:"secret_key"` // the HMAC secret
}

// FilesKey is an e24files (object storage) key pair, for S3 or Swift.
type FilesKey struct {
	APIID     string           `json:"api_id"`     // the access key / user
	SecretKey cloudkeys.Secret `json:"secret_key"` // the password
}

// E24Files holds the e24files keys: S3 at https://e24files.com (path-style)
// and Swift (auth at https://e24files.com/auth). They are separate from the
// API keys and rotated with [Client.RegenerateFilesSecret].
type E24Files struct {
	S3    FilesKey `json:"s3"`
	Swift FilesKey `json:"swift"`
}

// Notification holds the account's notification contacts.
type Notification struct {
	Email string `json:"email"`
	Phone string `json:"phone"`
}

// Group is a user group the account belongs to. Its id is documented as a
// string but printed unquoted; it is decoded from either.
type Group struct {
	ID   string
	Name string
}

// UnmarshalJSON decodes a group leniently (id as number or string).
func (g *Group) UnmarshalJSON(b []byte) error {
	var w struct {
		ID   flexString `json:"id"`
		Name flexString `json:"name"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	g.ID, g.Name = string(w.ID), string(w.Name)
	return nil
}

// Account is the answer of GET /v2/account: the account's details and every
// credential it holds. Its secret fields are [cloudkeys.Secret].
type Account struct {
	ID           string // UUID of the account owner
	Name         string
	Email        string
	Phone        string
	Notification Notification
	E24Files     E24Files
	API          []APIKeyPair
	SSHKeys      []SSHKey
	Groups       []Group
}

// UnmarshalJSON decodes an account leniently (ids as number or string,
// missing lists as empty).
func (a *Account) UnmarshalJSON(b []byte) error {
	var w struct {
		ID           flexString            `json:"id"`
		Name         flexString            `json:"name"`
		Email        flexString            `json:"email"`
		Phone        flexString            `json:"phone"`
		Notification *Notification         `json:"notification"`
		E24Files     *E24Files             `json:"e24files"`
		API          oneOrMany[APIKeyPair] `json:"api"`
		SSHKeys      oneOrMany[SSHKey]     `json:"sshkeys"`
		Groups       oneOrMany[Group]      `json:"groups"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*a = Account{
		ID: string(w.ID), Name: string(w.Name), Email: string(w.Email), Phone: string(w.Phone),
		API: w.API, SSHKeys: w.SSHKeys, Groups: w.Groups,
	}
	if w.Notification != nil {
		a.Notification = *w.Notification
	}
	if w.E24Files != nil {
		a.E24Files = *w.E24Files
	}
	return nil
}

// User is a sub-account, as listed by GET /v2/accounts and created by
// PUT /v2/accounts. It carries its own API keys and e24files keys (the latter
// may be empty until the vendor has provisioned them).
type User struct {
	ID        string
	Email     string
	FirstName string
	LastName  string
	Name      string
	Phone     string
	API       []APIKeyPair
	E24Files  *E24Files // nil while not provisioned
}

// UnmarshalJSON decodes a user leniently.
func (u *User) UnmarshalJSON(b []byte) error {
	var w struct {
		ID        flexString            `json:"id"`
		Email     flexString            `json:"email"`
		FirstName flexString            `json:"first_name"`
		LastName  flexString            `json:"last_name"`
		Name      flexString            `json:"name"`
		Phone     flexString            `json:"phone"`
		API       oneOrMany[APIKeyPair] `json:"api"`
		E24Files  *E24Files             `json:"e24files"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*u = User{
		ID: string(w.ID), Email: string(w.Email), FirstName: string(w.FirstName), LastName: string(w.LastName),
		Name: string(w.Name), Phone: string(w.Phone), API: w.API,
	}
	if w.E24Files != nil && !w.E24Files.IsZero() {
		u.E24Files = w.E24Files
	}
	return nil
}

// UnmarshalJSON decodes the e24files keys leniently: anything but an object
// (null, [], "") means "not provisioned yet" and leaves them empty.
func (f *E24Files) UnmarshalJSON(b []byte) error {
	*f = E24Files{}
	var probe json.RawMessage
	if err := json.Unmarshal(b, &probe); err != nil {
		return err
	}
	if len(probe) == 0 || probe[0] != '{' {
		return nil
	}
	type plain E24Files
	return json.Unmarshal(b, (*plain)(f))
}

// IsZero reports whether no e24files key is set.
func (f E24Files) IsZero() bool {
	return f.S3.APIID == "" && f.S3.SecretKey.IsZero() && f.Swift.APIID == "" && f.Swift.SecretKey.IsZero()
}

// UnmarshalJSON decodes a key pair leniently (api_key as string or number).
func (p *APIKeyPair) UnmarshalJSON(b []byte) error {
	var w struct {
		APIKey    flexString       `json:"api_key"`
		SecretKey cloudkeys.Secret `json:"secret_key"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*p = APIKeyPair{APIKey: string(w.APIKey), SecretKey: w.SecretKey}
	return nil
}

// UnmarshalJSON decodes an e24files key leniently (api_id as string or
// number).
func (k *FilesKey) UnmarshalJSON(b []byte) error {
	var w struct {
		APIID     flexString       `json:"api_id"`
		SecretKey cloudkeys.Secret `json:"secret_key"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*k = FilesKey{APIID: string(w.APIID), SecretKey: w.SecretKey}
	return nil
}
