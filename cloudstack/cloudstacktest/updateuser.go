package cloudstacktest

import (
	"crypto/subtle"
	"fmt"
	"strings"
	"time"
)

// updateUser is UpdateUserCmd (responseObject UserResponse, answered as
// {"updateuserresponse":{"user":{…}}}) and AccountManagerImpl.updateUser as
// read at apache/cloudstack 43d42b0 (4.20–4.22):
//
//  1. retrieveAndValidateUser: the dispatcher's 431 for an unknown id;
//  2. retrieveAndValidateAccount: the SYSTEM account is a 531 ("user: … is
//     a system account; update is not allowed."), then checkAccess (531
//     unless root admin or the same account);
//  3. validateAndUpdateApiAndSecretKeyIfNeeded: userapikey and
//     usersecretkey go together (one blank, the other not: 431 "Please
//     provide a userApiKey/userSecretKey pair"); an API key that another
//     user holds is a 431 "The API key [<key>] already exists in the
//     system. Please provide a unique key." (the user's own is fine); there
//     is no format check — any non-blank strings become the user's keys,
//     replacing the old pair at once;
//  4. apikeyaccess (4.20+): Enabled, Disabled or Inherit, any case, else
//     431 "ApiKeyAccess value can only be Enabled/Disabled/Inherit";
//  5. firstname, lastname, username: given blank is a 431 ("Firstname cannot
//     be empty.", …); a username another user of the domain has is a 431;
//  6. password: blank is a 431; a caller who is no admin must send
//     currentpassword (431 "To set a new password the current password must
//     be provided.") and it must match (431 "Current password is
//     incorrect.");
//  7. email and timezone are set when not blank.
//
// Every check runs before anything is saved, so a refused update changes
// nothing. On 4.23 (key pairs) the keys go to the user's newest live pair,
// and a user without one is a 431 "User [<username>] has no active API key
// pairs to be updated."; an API key any pair holds — the user's own
// included — is refused, and the pair message is "Please provide a valid
// API and secret key pair." (as read in a 4.23-era version of that method;
// not checked against a release). Assumptions: a parameter sent empty
// counts as given (so "firstname=" is refused as blank); domain admins get
// no subtree rights, as everywhere in the fake.
func (s *Server) updateUser(cmd string, p params, c caller) (any, *apiError) {
	id := p.get("id")
	if id == "" {
		return nil, paramError("Unable to execute API command updateuser due to missing parameter id")
	}
	u := s.users[id]
	if u == nil {
		return nil, invalidEntity(cmd, "id", id)
	}
	if u.id == SystemUserID {
		return nil, permissionError("user: %s is a system account; update is not allowed.", userString(u))
	}
	if !c.mayAccess(u) {
		return nil, permissionError("Account %s does not have permission to operate with resource %s", c.u.account, u.id)
	}

	apiKey, secret := p.get("userapikey"), p.get("usersecretkey")
	noKey, noSecret := blank(apiKey), blank(secret)
	var target *pair // the pair that gets the new keys; nil: a new one (4.22, no keys yet)
	if noKey != noSecret {
		if s.keyPairs() {
			return nil, paramError("Please provide a valid API and secret key pair.")
		}
		return nil, paramError("Please provide a userApiKey/userSecretKey pair")
	}
	setKeys := !noKey
	if setKeys {
		target = s.latestPairLocked(u.id)
		holder := s.pairByKeyLocked(apiKey)
		switch {
		case s.keyPairs() && target == nil:
			return nil, paramError("User [%s] has no active API key pairs to be updated.", u.username)
		case s.keyPairs() && holder != nil, holder != nil && holder.userID != u.id:
			return nil, paramError("The API key [%s] already exists in the system. Please provide a unique key.", apiKey)
		}
	}
	access, setAccess := p["apikeyaccess"]
	if setAccess {
		switch strings.ToLower(access) {
		case "enabled", "disabled", "inherit":
		default:
			return nil, paramError("ApiKeyAccess value can only be Enabled/Disabled/Inherit")
		}
	}
	for _, f := range []struct{ name, msg string }{{"firstname", "Firstname cannot be empty."}, {"lastname", "Lastname cannot be empty."}, {"username", "Username cannot be empty."}} {
		if v, ok := p[f.name]; ok && blank(v) {
			return nil, paramError("%s", f.msg)
		}
	}
	if name, ok := p["username"]; ok {
		for _, o := range s.users {
			if o.id != u.id && o.username == name {
				return nil, paramError("Username [%s] already exists in domain [id=%s,name=%s] user account [id=%s,name=%s]", name, RootDomainID, "ROOT", o.accountID, o.account)
			}
		}
	}
	password, setPassword := p["password"]
	if setPassword {
		if blank(password) {
			return nil, paramError("Password cannot be empty or blank.")
		}
		if c.u.accountType != AccountTypeAdmin && c.u.accountType != AccountTypeDomainAdmin {
			current := p.get("currentpassword")
			if blank(current) {
				return nil, paramError("To set a new password the current password must be provided.")
			}
			if u.password == "" || subtle.ConstantTimeCompare([]byte(u.password), []byte(current)) != 1 {
				return nil, paramError("Current password is incorrect.")
			}
		}
	}

	// Everything checked: apply.
	if setKeys {
		if target == nil {
			target = &pair{id: newUUID(), userID: u.id, name: u.id + " - API Keypair", created: s.Now().Truncate(time.Second)}
			s.pairs = append(s.pairs, target)
		}
		target.apiKey, target.secret = apiKey, secret
	}
	if setAccess {
		switch strings.ToLower(access) {
		case "enabled":
			u.apiKeyAccess = "Enabled"
		case "disabled":
			u.apiKeyAccess = "Disabled"
		default:
			u.apiKeyAccess = ""
		}
	}
	if v, ok := p["firstname"]; ok {
		u.firstname = v
	}
	if v, ok := p["lastname"]; ok {
		u.lastname = v
	}
	if v, ok := p["username"]; ok {
		u.username = v
	}
	if setPassword {
		u.password = password
	}
	if v := p.get("email"); !blank(v) {
		u.email = v
	}
	if v := p.get("timezone"); !blank(v) {
		u.timezone = v
	}
	return map[string]any{"user": s.userJSON(u)}, nil
}

// blank is StringUtils.isBlank: empty or only Java whitespace.
func blank(s string) bool {
	for _, r := range s {
		switch {
		case r == ' ', r >= '\t' && r <= '\r', r >= 0x1C && r <= 0x1F:
		case r == 0x1680, r >= 0x2000 && r <= 0x2006, r >= 0x2008 && r <= 0x200A, r == 0x2028, r == 0x2029, r == 0x205F, r == 0x3000:
		default:
			return false
		}
	}
	return true
}

// userString approximates UserVO.toString, which the server's messages
// quote.
func userString(u *user) string {
	return fmt.Sprintf(`User {"uuid":%q,"username":%q}`, u.id, u.username)
}
