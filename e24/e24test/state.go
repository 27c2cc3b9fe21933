package e24test

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/e24"
	"github.com/cloudkeys/cloudkeys/internal/fakeserver"
)

type apiKey struct {
	key    string
	secret string
}

type filesKey struct {
	apiID  string
	secret string
}

type sshKey struct {
	id          int64
	name        string
	fingerprint string
	publicKey   string
}

type group struct {
	id   int
	name string
}

// account is one e24cloud account: the seeded one or a sub-account.
type account struct {
	id        string
	email     string
	firstName string
	lastName  string
	phone     string
	password  [32]byte // SHA-256 of the panel password; never returned
	parent    *account
	s3, swift filesKey
	keys      []*apiKey
	ssh       []*sshKey
	groups    []group
}

func (a *account) name() string { return strings.TrimSpace(a.firstName + " " + a.lastName) }

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randSecret() string {
	b := make([]byte, 30)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func newUUID() string { return fakeserver.NewUUID() }

func newAPIKey() *apiKey {
	return &apiKey{key: strings.ToUpper(newUUID()), secret: randSecret()}
}

// newAccount adds an account with one API key and e24files keys. Callers
// hold s.mu or own s exclusively.
func (s *Server) newAccount(email, first, last, password string, parent *account) *account {
	a := &account{
		id: newUUID(), email: email, firstName: first, lastName: last, parent: parent,
		password: sha256.Sum256([]byte(password)),
		s3:       filesKey{apiID: strings.ToUpper(randHex(10)), secret: randSecret() + randSecret()},
		keys:     []*apiKey{newAPIKey()},
	}
	a.swift = filesKey{apiID: a.s3.apiID + ":swift", secret: a.s3.secret}
	s.accounts = append(s.accounts, a)
	return a
}

// accountByKey finds the account an API key belongs to.
func (s *Server) accountByKey(key string) (*account, *apiKey) {
	for _, a := range s.accounts {
		for _, k := range a.keys {
			if k.key == key {
				return a, k
			}
		}
	}
	return nil, nil
}

// AccountID returns the seeded account's id.
func (s *Server) AccountID() string { return s.admin.id }

// AdminKey returns the seeded account's first API key and its secret (the
// pair Client signs with), or "" if that key was deleted.
func (s *Server) AdminKey() (apiKey string, secret cloudkeys.Secret) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.admin.keys) == 0 {
		return "", cloudkeys.Secret{}
	}
	k := s.admin.keys[0]
	return k.key, cloudkeys.NewSecret(k.secret)
}

// APIKeys returns the seeded account's API key ids, oldest first.
func (s *Server) APIKeys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.admin.keys))
	for _, k := range s.admin.keys {
		out = append(out, k.key)
	}
	return out
}

// APIKeySecret returns the current secret of any account's API key.
func (s *Server) APIKeySecret(key string) (cloudkeys.Secret, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, k := s.accountByKey(key); k != nil {
		return cloudkeys.NewSecret(k.secret), true
	}
	return cloudkeys.Secret{}, false
}

// AddAPIKey seeds one more API key on the seeded account.
func (s *Server) AddAPIKey() (apiKey string, secret cloudkeys.Secret) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := newAPIKey()
	s.admin.keys = append(s.admin.keys, k)
	return k.key, cloudkeys.NewSecret(k.secret)
}

// SSHKeyInfo describes an SSH key held by the fake.
type SSHKeyInfo struct {
	ID          int64
	Name        string
	Fingerprint string // MD5 colon-hex of the key blob
	PublicKey   string // the OpenSSH authorized_keys line
}

// SSHKeys returns the seeded account's SSH keys.
func (s *Server) SSHKeys() []SSHKeyInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]SSHKeyInfo, 0, len(s.admin.ssh))
	for _, k := range s.admin.ssh {
		out = append(out, SSHKeyInfo{ID: k.id, Name: k.name, Fingerprint: k.fingerprint, PublicKey: k.publicKey})
	}
	return out
}

// FilesKeys returns the seeded account's e24files keys.
func (s *Server) FilesKeys() e24.E24Files {
	s.mu.Lock()
	defer s.mu.Unlock()
	return filesOf(s.admin)
}

func filesOf(a *account) e24.E24Files {
	return e24.E24Files{
		S3:    e24.FilesKey{APIID: a.s3.apiID, SecretKey: cloudkeys.NewSecret(a.s3.secret)},
		Swift: e24.FilesKey{APIID: a.swift.apiID, SecretKey: cloudkeys.NewSecret(a.swift.secret)},
	}
}

// AddUser seeds a sub-account of the seeded account with one API key and
// returns it (secrets included).
func (s *Server) AddUser(email, password string) e24.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return userOf(s.newAccount(email, "", "", password, s.admin))
}

// Users returns the seeded account's sub-accounts, oldest first.
func (s *Server) Users() []e24.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []e24.User
	for _, a := range s.accounts {
		if a.parent == s.admin {
			out = append(out, userOf(a))
		}
	}
	return out
}

func userOf(a *account) e24.User {
	u := e24.User{ID: a.id, Email: a.email, FirstName: a.firstName, LastName: a.lastName, Name: a.name(), Phone: a.phone}
	for _, k := range a.keys {
		u.API = append(u.API, e24.APIKeyPair{APIKey: k.key, SecretKey: cloudkeys.NewSecret(k.secret)})
	}
	f := filesOf(a)
	u.E24Files = &f
	return u
}

// Profile returns the seeded account's first name, last name and phone.
func (s *Server) Profile() (firstName, lastName, phone string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.admin.firstName, s.admin.lastName, s.admin.phone
}

// CheckPassword reports whether password is the panel password of the
// account with the given email.
func (s *Server) CheckPassword(email, password string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := sha256.Sum256([]byte(password))
	for _, a := range s.accounts {
		if a.email == email {
			return subtle.ConstantTimeCompare(h[:], a.password[:]) == 1
		}
	}
	return false
}
