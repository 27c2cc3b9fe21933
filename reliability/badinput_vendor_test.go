package reliability

import (
	"context"
	"time"

	"github.com/cloudkeys/cloudkeys"
	"github.com/cloudkeys/cloudkeys/cloudstack"
	"github.com/cloudkeys/cloudkeys/e24"
	"github.com/cloudkeys/cloudkeys/huaweibcs"
	"github.com/cloudkeys/cloudkeys/onezone"
	"github.com/cloudkeys/cloudkeys/zstack"
	"github.com/cloudkeys/cloudkeys/zstack/zstacktest"
)

func vm[C any](name, param string, f func(ctx context.Context, c C, v string) (any, error)) method {
	return method{name, param, func(ctx context.Context, km cloudkeys.KeyManager, _ *rig, v string, _ int) (any, error) {
		return f(ctx, km.(C), v)
	}}
}

func errOnly(err error) (any, error) { return nil, err }

// csRegister is a CloudStack RegisterUserKeys case: it registers a pair
// for the fake's admin (the rig's Owner) and deletes it again, so that the
// next value is not refused for the per-user key limit.
func csRegister(name, param string, set func(p *cloudstack.RegisterUserKeysRequest, v string)) method {
	return method{name, param, func(ctx context.Context, km cloudkeys.KeyManager, r *rig, v string, i int) (any, error) {
		c := km.(*cloudstack.Client)
		p := cloudstack.RegisterUserKeysRequest{ID: r.req(i).Owner}
		set(&p, v)
		kp, err := c.RegisterUserKeys(ctx, p)
		if err == nil && kp.ID != "" {
			err = c.DeleteUserKeys(ctx, kp.ID)
		}
		return kp, err
	}}
}

// vendorMethods are the vendor-specific exported methods that take an id,
// owner, name or description, and ZStack's session uuids, which go into a
// path (secrets excluded: they are credentials, not identifiers).
var vendorMethods = map[string][]method{
	"cloudstack": {
		vm("DeleteUserKeys(keyPairID)", "keyPairID", func(ctx context.Context, c *cloudstack.Client, v string) (any, error) {
			return errOnly(c.DeleteUserKeys(ctx, v))
		}),
		vm("GetUserByAPIKey(apiKey)", "apiKey", func(ctx context.Context, c *cloudstack.Client, v string) (any, error) {
			return c.GetUserByAPIKey(ctx, v)
		}),
		vm("GetUserKeys(userID)", "userID", func(ctx context.Context, c *cloudstack.Client, v string) (any, error) {
			return c.GetUserKeys(ctx, v)
		}),
		vm("ListUserKeyRules(keyPairID)", "keyPairID", func(ctx context.Context, c *cloudstack.Client, v string) (any, error) {
			return c.ListUserKeyRules(ctx, v)
		}),
		vm("QueryAsyncJobResult(jobID)", "jobID", func(ctx context.Context, c *cloudstack.Client, v string) (any, error) {
			return c.QueryAsyncJobResult(ctx, v)
		}),
		vm("RegisterUserKeys(ID)", "ID", func(ctx context.Context, c *cloudstack.Client, v string) (any, error) {
			return c.RegisterUserKeys(ctx, cloudstack.RegisterUserKeysRequest{ID: v})
		}),
		csRegister("RegisterUserKeys(Name)", "Name", func(p *cloudstack.RegisterUserKeysRequest, v string) { p.Name = v }),
		csRegister("RegisterUserKeys(Description)", "Description", func(p *cloudstack.RegisterUserKeysRequest, v string) { p.Description = v }),
		vm("ListUsers(ID)", "ID", func(ctx context.Context, c *cloudstack.Client, v string) (any, error) {
			return collect(c.ListUsers(ctx, cloudstack.ListUsersOptions{ID: v}))
		}),
		vm("ListUserKeys(UserID)", "UserID", func(ctx context.Context, c *cloudstack.Client, v string) (any, error) {
			var out []*cloudstack.KeyPair
			for p, err := range c.ListUserKeys(ctx, cloudstack.ListUserKeysOptions{UserID: v}) {
				if err != nil {
					return out, err
				}
				out = append(out, p)
			}
			return out, nil
		}),
	},
	"zstack": {
		vm("GetAccessKey(uuid)", "uuid", func(ctx context.Context, c *zstack.Client, v string) (any, error) {
			return c.GetAccessKey(ctx, v)
		}),
		vm("DeleteAccessKey(uuid)", "uuid", func(ctx context.Context, c *zstack.Client, v string) (any, error) {
			return errOnly(c.DeleteAccessKey(ctx, v, zstack.DeleteEnforcing))
		}),
		vm("ChangeAccessKeyState(uuid)", "uuid", func(ctx context.Context, c *zstack.Client, v string) (any, error) {
			return c.ChangeAccessKeyState(ctx, v, zstack.StateEventEnable)
		}),
		vm("WaitJob(jobUUID)", "jobUUID", func(ctx context.Context, c *zstack.Client, v string) (any, error) {
			return errOnly(c.WaitJob(ctx, v, nil))
		}),
		vm("CreateAccessKey(AccountUUID)", "AccountUUID", func(ctx context.Context, c *zstack.Client, v string) (any, error) {
			return c.CreateAccessKey(ctx, zstack.CreateAccessKeyRequest{AccountUUID: v})
		}),
		vm("CreateAccessKey(Description)", "Description", func(ctx context.Context, c *zstack.Client, v string) (any, error) {
			k, err := c.CreateAccessKey(ctx, zstack.CreateAccessKeyRequest{AccountUUID: zstacktest.AdminAccountUUID, Description: v})
			if err == nil { // at most 2 keys per account: make room for the next value
				err = c.DeleteAccessKey(ctx, k.UUID, zstack.DeletePermissive)
			}
			return k, err
		}),
		vm("LogInByAccount(accountName)", "accountName", func(ctx context.Context, c *zstack.Client, v string) (any, error) {
			return c.LogInByAccount(ctx, v, "Bad-Input-Password-1")
		}),
		vm("LogInByUser(userName)", "userName", func(ctx context.Context, c *zstack.Client, v string) (any, error) {
			return c.LogInByUser(ctx, "admin", v, "Bad-Input-Password-1")
		}),
		vm("CreateAccessKey(UserUUID)", "UserUUID", func(ctx context.Context, c *zstack.Client, v string) (any, error) {
			return c.CreateAccessKey(ctx, zstack.CreateAccessKeyRequest{AccountUUID: zstacktest.AdminAccountUUID, UserUUID: v})
		}),
		// Session uuids are credentials, but they go into a path.
		vm("ValidateSession(sessionUUID)", "sessionUUID", func(ctx context.Context, c *zstack.Client, v string) (any, error) {
			return c.ValidateSession(ctx, v)
		}),
		vm("RenewSession(sessionUUID)", "sessionUUID", func(ctx context.Context, c *zstack.Client, v string) (any, error) {
			return c.RenewSession(ctx, v, time.Hour)
		}),
		vm("LogOut(sessionUUID)", "sessionUUID", func(ctx context.Context, c *zstack.Client, v string) (any, error) {
			return errOnly(c.LogOut(ctx, v))
		}),
	},
	"e24": {
		vm("DeleteAPIKey(apiKey)", "apiKey", func(ctx context.Context, c *e24.Client, v string) (any, error) {
			return errOnly(c.DeleteAPIKey(ctx, v))
		}),
		vm("RegenerateAPISecret(apiKey)", "apiKey", func(ctx context.Context, c *e24.Client, v string) (any, error) {
			return c.RegenerateAPISecret(ctx, v)
		}),
		vm("RegenerateFilesSecret(apiKey)", "apiKey", func(ctx context.Context, c *e24.Client, v string) (any, error) {
			return c.RegenerateFilesSecret(ctx, v)
		}),
		vm("AddSSHKey(Name)", "Name", func(ctx context.Context, c *e24.Client, v string) (any, error) {
			return c.AddSSHKey(ctx, e24.AddSSHKeyRequest{Name: v, Method: "generate"})
		}),
	},
	"huaweibcs": {
		vm("DeleteCredential(id)", "id", func(ctx context.Context, c *huaweibcs.Client, v string) (any, error) {
			return errOnly(c.DeleteCredential(ctx, v))
		}),
		vm("CreateCredential(Description)", "Description", func(ctx context.Context, c *huaweibcs.Client, v string) (any, error) {
			return c.CreateCredential(ctx, huaweibcs.CreateCredentialRequest{Description: v})
		}),
	},
	"onezone": {
		vm("GetNamedToken(id)", "id", func(ctx context.Context, c *onezone.Client, v string) (any, error) {
			return c.GetNamedToken(ctx, v)
		}),
		vm("GetNamedTokenStatus(id)", "id", func(ctx context.Context, c *onezone.Client, v string) (any, error) {
			return c.GetNamedTokenStatus(ctx, v)
		}),
		vm("DeleteNamedToken(id)", "id", func(ctx context.Context, c *onezone.Client, v string) (any, error) {
			return errOnly(c.DeleteNamedToken(ctx, v))
		}),
		vm("ModifyNamedToken(id)", "id", func(ctx context.Context, c *onezone.Client, v string) (any, error) {
			revoked := true
			return errOnly(c.ModifyNamedToken(ctx, v, onezone.NamedTokenUpdateRequest{Revoked: &revoked}))
		}),
		vm("GetNamedTokenByName(name)", "name", func(ctx context.Context, c *onezone.Client, v string) (any, error) {
			return c.GetNamedTokenByName(ctx, onezone.CurrentUser(), v)
		}),
		vm("GetNamedTokenByName(User(id))", "Subject.ID", func(ctx context.Context, c *onezone.Client, v string) (any, error) {
			return c.GetNamedTokenByName(ctx, onezone.User(v), "bad-input-name")
		}),
		vm("ListNamedTokensPage(User(id))", "Subject.ID", func(ctx context.Context, c *onezone.Client, v string) (any, error) {
			return c.ListNamedTokensPage(ctx, onezone.User(v))
		}),
		vm("DeleteAllNamedTokens(User(id))", "Subject.ID", func(ctx context.Context, c *onezone.Client, v string) (any, error) {
			return errOnly(c.DeleteAllNamedTokens(ctx, onezone.User(v)))
		}),
		vm("ListNamedTokensPage(Provider(id))", "Subject.ID", func(ctx context.Context, c *onezone.Client, v string) (any, error) {
			return c.ListNamedTokensPage(ctx, onezone.Provider(v))
		}),
		vm("DeleteAllNamedTokens(Provider(id))", "Subject.ID", func(ctx context.Context, c *onezone.Client, v string) (any, error) {
			return errOnly(c.DeleteAllNamedTokens(ctx, onezone.Provider(v)))
		}),
		vm("CreateProviderRegistrationToken(userID)", "userID", func(ctx context.Context, c *onezone.Client, v string) (any, error) {
			//lint:ignore SA1019 deprecated but exported: its user id must be checked too
			return c.CreateProviderRegistrationToken(ctx, v)
		}),
		vm("CreateProviderRegistrationInvite(adminUserID)", "adminUserID", func(ctx context.Context, c *onezone.Client, v string) (any, error) {
			return c.CreateProviderRegistrationInvite(ctx, v, time.Now().Add(time.Hour))
		}),
		vm("CreateNamedToken(Name)", "Name", func(ctx context.Context, c *onezone.Client, v string) (any, error) {
			return c.CreateNamedToken(ctx, onezone.CurrentUser(), onezone.NamedTokenCreateRequest{Name: v})
		}),
		vm("CreateNamedToken(User(id))", "Subject.ID", func(ctx context.Context, c *onezone.Client, v string) (any, error) {
			return c.CreateNamedToken(ctx, onezone.User(v), onezone.NamedTokenCreateRequest{Name: "bad-input-subject"})
		}),
		vm("CreateTemporaryToken(User(id))", "Subject.ID", func(ctx context.Context, c *onezone.Client, v string) (any, error) {
			return c.CreateTemporaryToken(ctx, onezone.User(v), onezone.TemporaryTokenRequest{
				Caveats: onezone.Caveats{onezone.Until(time.Now().Add(time.Hour))},
			})
		}),
		vm("RevokeAllTemporaryTokens(User(id))", "Subject.ID", func(ctx context.Context, c *onezone.Client, v string) (any, error) {
			return errOnly(c.RevokeAllTemporaryTokens(ctx, onezone.User(v)))
		}),
		vm("GetTemporaryTokenGeneration(User(id))", "Subject.ID", func(ctx context.Context, c *onezone.Client, v string) (any, error) {
			return c.GetTemporaryTokenGeneration(ctx, onezone.User(v))
		}),
	},
}
