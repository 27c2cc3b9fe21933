package onezone

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// SubjectType is the kind of a token's subject.
type SubjectType string

// Subject types.
const (
	SubjectUser     SubjectType = "user"
	SubjectProvider SubjectType = "provider"
	SubjectNobody   SubjectType = "nobody"
)

// Subject names whose tokens an operation works on, and is the "subject"
// of a token in answers ({"type":"user","id":"…"}).
//
// As a selector, the zero Subject is the caller (/user/…); [User] selects
// /users/{id}/…, [CurrentProvider] /provider/… and [Provider]
// /providers/{id}/….
type Subject struct {
	Type SubjectType `json:"type"`
	ID   string      `json:"id,omitempty"`
}

// CurrentUser selects the authenticated user: paths under /user.
func CurrentUser() Subject { return Subject{} }

// User selects the user with the given id: paths under /users/{id}.
func User(id string) Subject { return Subject{Type: SubjectUser, ID: id} }

// CurrentProvider selects the authenticated provider: paths under /provider.
func CurrentProvider() Subject { return Subject{Type: SubjectProvider} }

// Provider selects the provider with the given id: paths under /providers/{id}.
func Provider(id string) Subject { return Subject{Type: SubjectProvider, ID: id} }

// AccessToken is the accessToken token type. SessionID is set by the
// server for GUI session tokens only.
type AccessToken struct {
	SessionID string `json:"sessionId,omitempty"`
}

// IdentityToken is the identityToken token type.
type IdentityToken struct{}

// InviteType is the inviteType of an invite token.
type InviteType string

// Invite types and the target key each one carries (see [InviteType.TargetKey]).
const (
	UserJoinGroup         InviteType = "userJoinGroup"
	GroupJoinGroup        InviteType = "groupJoinGroup"
	UserJoinSpace         InviteType = "userJoinSpace"
	GroupJoinSpace        InviteType = "groupJoinSpace"
	SupportSpace          InviteType = "supportSpace"
	HarvesterJoinSpace    InviteType = "harvesterJoinSpace"
	RegisterOneprovider   InviteType = "registerOneprovider"
	UserJoinCluster       InviteType = "userJoinCluster"
	GroupJoinCluster      InviteType = "groupJoinCluster"
	UserJoinHarvester     InviteType = "userJoinHarvester"
	GroupJoinHarvester    InviteType = "groupJoinHarvester"
	SpaceJoinHarvester    InviteType = "spaceJoinHarvester"
	UserJoinAtmInventory  InviteType = "userJoinAtmInventory"
	GroupJoinAtmInventory InviteType = "groupJoinAtmInventory"
)

var inviteTargets = map[InviteType]string{
	UserJoinGroup: "groupId", GroupJoinGroup: "groupId",
	UserJoinSpace: "spaceId", GroupJoinSpace: "spaceId", SupportSpace: "spaceId", HarvesterJoinSpace: "spaceId",
	RegisterOneprovider: "adminUserId",
	UserJoinCluster:     "clusterId", GroupJoinCluster: "clusterId",
	UserJoinHarvester: "harvesterId", GroupJoinHarvester: "harvesterId", SpaceJoinHarvester: "harvesterId",
	UserJoinAtmInventory: "atmInventoryId", GroupJoinAtmInventory: "atmInventoryId",
}

// TargetKey returns the JSON key of the invite's target id ("groupId",
// "spaceId", "adminUserId", "clusterId", "harvesterId", "atmInventoryId"),
// or "" for an invite type this package does not know.
func (t InviteType) TargetKey() string { return inviteTargets[t] }

// InviteToken is the inviteToken token type: {"inviteType": …, <target key>: …}.
type InviteToken struct {
	InviteType InviteType
	// TargetID is the id under the type's target key (e.g. the adminUserId
	// of a registerOneprovider invite).
	TargetID string
	// TargetKey overrides the target key for invite types this package does
	// not know; answers set it.
	TargetKey string
	// Parameters is the server's "parameters" object, kept as sent (the
	// server always adds {}); omitted from requests when nil.
	Parameters json.RawMessage
}

func (it InviteToken) targetKey() string {
	if it.TargetKey != "" {
		return it.TargetKey
	}
	return it.InviteType.TargetKey()
}

// TokenType is the one-of token type: exactly one of Access, Identity and
// Invite is set. Raw keeps a type this package does not know, verbatim.
type TokenType struct {
	Access   *AccessToken
	Identity *IdentityToken
	Invite   *InviteToken
	Raw      json.RawMessage
}

// AccessType returns the accessToken type.
func AccessType() *TokenType { return &TokenType{Access: &AccessToken{}} }

// IdentityType returns the identityToken type.
func IdentityType() *TokenType { return &TokenType{Identity: &IdentityToken{}} }

// InviteTypeOf returns an inviteToken type of kind t targeting targetID.
func InviteTypeOf(t InviteType, targetID string) *TokenType {
	return &TokenType{Invite: &InviteToken{InviteType: t, TargetID: targetID}}
}

// Kind returns "accessToken", "identityToken", "inviteToken", or the key
// of a raw type ("" when unset).
func (t TokenType) Kind() string {
	switch {
	case t.Access != nil:
		return "accessToken"
	case t.Identity != nil:
		return "identityToken"
	case t.Invite != nil:
		return "inviteToken"
	case len(t.Raw) > 0:
		var m map[string]json.RawMessage
		if json.Unmarshal(t.Raw, &m) == nil && len(m) == 1 {
			for k := range m {
				return k
			}
		}
	}
	return ""
}

func (t TokenType) validate() error {
	n := 0
	for _, set := range []bool{t.Access != nil, t.Identity != nil, t.Invite != nil, len(t.Raw) > 0} {
		if set {
			n++
		}
	}
	if n != 1 {
		return errors.New("exactly one of Access, Identity, Invite or Raw must be set")
	}
	if t.Invite != nil {
		if t.Invite.InviteType == "" {
			return errors.New("invite type must not be empty")
		}
		if t.Invite.targetKey() == "" {
			return errors.New("unknown invite type: set TargetKey")
		}
		if t.Invite.TargetID == "" {
			return errors.New("invite target id must not be empty")
		}
	}
	return nil
}

// IsZero reports whether no type is set.
func (t TokenType) IsZero() bool {
	return t.Access == nil && t.Identity == nil && t.Invite == nil && len(t.Raw) == 0
}

// MarshalJSON writes {"accessToken":{…}}, {"identityToken":{}} or
// {"inviteToken":{"inviteType":…,<target key>:…}}; the zero TokenType is
// null. Requests refuse a zero or ambiguous type before sending.
func (t TokenType) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	if err := t.validate(); err != nil {
		return nil, fmt.Errorf("onezone: token type: %w", err)
	}
	switch {
	case t.Access != nil:
		b, err := json.Marshal(t.Access)
		if err != nil {
			return nil, err
		}
		return []byte(`{"accessToken":` + string(b) + `}`), nil
	case t.Identity != nil:
		return []byte(`{"identityToken":{}}`), nil
	case t.Invite != nil:
		var buf bytes.Buffer
		buf.WriteString(`{"inviteToken":{"inviteType":`)
		writeJSONString(&buf, string(t.Invite.InviteType))
		buf.WriteByte(',')
		writeJSONString(&buf, t.Invite.targetKey())
		buf.WriteByte(':')
		writeJSONString(&buf, t.Invite.TargetID)
		if len(t.Invite.Parameters) > 0 {
			buf.WriteString(`,"parameters":`)
			buf.Write(t.Invite.Parameters)
		}
		buf.WriteString("}}")
		return buf.Bytes(), nil
	}
	return append([]byte(nil), t.Raw...), nil
}

// UnmarshalJSON reads a one-of token type; an unknown kind goes to Raw.
// null leaves t unchanged.
func (t *TokenType) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("onezone: token type: %w", err)
	}
	if len(m) != 1 {
		return errors.New("onezone: token type: want exactly one key")
	}
	*t = TokenType{}
	for k, v := range m {
		switch k {
		case "accessToken":
			var a AccessToken
			if err := json.Unmarshal(v, &a); err != nil {
				return fmt.Errorf("onezone: token type: %w", err)
			}
			t.Access = &a
		case "identityToken":
			t.Identity = &IdentityToken{}
		case "inviteToken":
			var fields map[string]json.RawMessage
			if err := json.Unmarshal(v, &fields); err != nil {
				return fmt.Errorf("onezone: token type: %w", err)
			}
			it := &InviteToken{}
			if raw, ok := fields["inviteType"]; ok {
				if err := json.Unmarshal(raw, &it.InviteType); err != nil {
					return fmt.Errorf("onezone: token type: inviteType: %w", err)
				}
			}
			if p, ok := fields["parameters"]; ok {
				it.Parameters = append(json.RawMessage(nil), p...)
			}
			key := it.InviteType.TargetKey()
			if key == "" {
				for fk := range fields {
					if fk != "inviteType" && fk != "parameters" {
						key = fk
						break
					}
				}
			}
			if raw, ok := fields[key]; ok {
				it.TargetKey = key
				if err := json.Unmarshal(raw, &it.TargetID); err != nil {
					return fmt.Errorf("onezone: token type: %s: %w", key, err)
				}
			}
			t.Invite = it
		default:
			t.Raw = append(json.RawMessage(nil), b...)
		}
	}
	return nil
}

func writeJSONString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s)
	buf.Write(b)
}

// UsageLimit is an invite token's usage limit: a positive count, or
// [Unlimited] ("infinity" on the wire). The zero value means "not set"
// (the server's default is "infinity").
type UsageLimit int64

// Unlimited is the usage limit "infinity".
const Unlimited UsageLimit = -1

// MarshalJSON writes "infinity" for Unlimited, else the number.
func (u UsageLimit) MarshalJSON() ([]byte, error) {
	if u == Unlimited {
		return []byte(`"infinity"`), nil
	}
	return []byte(strconv.FormatInt(int64(u), 10)), nil
}

// UnmarshalJSON reads an integer or "infinity".
func (u *UsageLimit) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	switch s {
	case `"infinity"`:
		*u = Unlimited
		return nil
	case "null":
		*u = 0
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return errors.New(`onezone: usageLimit: want an integer or "infinity"`)
	}
	*u = UsageLimit(n)
	return nil
}

// String returns "infinity" or the number.
func (u UsageLimit) String() string {
	if u == Unlimited {
		return "infinity"
	}
	return strconv.FormatInt(int64(u), 10)
}

// TokenMetadata is a named token's "metadata". Privileges, UsageLimit and
// UsageCount are set for invite tokens only.
type TokenMetadata struct {
	CreationTime int64          `json:"creationTime"` // Unix seconds
	Custom       map[string]any `json:"custom"`
	Privileges   []string       `json:"privileges,omitempty"`
	UsageLimit   UsageLimit     `json:"usageLimit,omitempty"`
	UsageCount   *int64         `json:"usageCount,omitempty"`
}
